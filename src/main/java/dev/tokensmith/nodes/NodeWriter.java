package dev.tokensmith.nodes;

import dev.tokensmith.audit.ActivityLog;
import dev.tokensmith.audit.Origin;
import dev.tokensmith.clients.Client;
import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.nodes.Instance.RegisteredWith;
import dev.tokensmith.storage.ChangeFeed;
import dev.tokensmith.webhooks.WebhookEvent;
import dev.tokensmith.webhooks.WebhookEvents;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The writes every node change is made of, each with its activity record (which names a node token
 * by its hint, never by its value). Callers open the transaction and decide who may.
 */
public final class NodeWriter {
  private final NodeStore store;
  private final TokenSecrets secrets;
  private final ActivityLog activity;
  private final Clock clock;
  private final ChangeFeed changes;
  private final WebhookEvents events;

  public NodeWriter(
      NodeStore store,
      TokenSecrets secrets,
      ActivityLog activity,
      Clock clock,
      ChangeFeed changes,
      WebhookEvents events) {
    this.store = store;
    this.secrets = secrets;
    this.activity = activity;
    this.clock = clock;
    this.changes = changes;
    this.events = events;
  }

  /** A node with its node token's value, which is known only here and in the answer. */
  record Issued(Node node, String token) {
    @Override
    public String toString() {
      return "Issued[node=" + node.id() + "]";
    }
  }

  /** A registered instance's credential pair and its node. */
  record Registered(String uuid, String secret, long nodeId) {
    @Override
    public String toString() {
      return "Registered[node=" + nodeId + "]";
    }
  }

  // Two writes: the row, then its sealed token (the ciphertext is bound to the row's id).
  Issued insert(Origin origin, Client client, String hostname, String type) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    String token = secrets.generate();
    Node draft =
        new Node(
            0,
            UUID.randomUUID().toString(),
            client.id(),
            hostname,
            type,
            now,
            origin.ip(),
            null,
            secrets.hint(token),
            1,
            now);
    String digest = secrets.digest(token);
    long id = store.insert(draft, digest);
    Node node = draft.withId(id);
    if (!client.showOnce()) {
      node = node.withSealedToken(secrets.sealNodeToken(token, id));
      store.updateToken(node, digest);
    }
    activity.record(
        origin,
        client.id(),
        "node",
        id,
        hostname,
        "create",
        ActivityLog.changes()
            .put("hostname", null, hostname)
            .put("type", null, type)
            .put("token_hint", null, node.tokenHint())
            .map());
    return new Issued(node, token);
  }

  /** Replaces a node's token: instances registered with the old one stop syncing. */
  Issued regenerate(Origin origin, Node node, Client client) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    String token = secrets.generate();
    Node after =
        node.withToken(
            client.showOnce() ? null : secrets.sealNodeToken(token, node.id()),
            secrets.hint(token),
            now);
    store.updateToken(after, secrets.digest(token));
    changes.publish(ChangeFeed.Kind.NODE, node.id());
    activity.record(
        origin,
        node.clientId(),
        "node",
        node.id(),
        node.hostname(),
        "renew",
        ActivityLog.changes()
            .put("token_hint", node.tokenHint(), after.tokenHint())
            .put("token_generated_at", text(node.tokenGeneratedAt()), text(now))
            .map());
    return new Issued(after, token);
  }

  /** Deletes a node and its instances: their credentials stop at once. */
  void delete(Origin origin, Node node, int instanceCount) {
    store.delete(node.id());
    changes.publish(ChangeFeed.Kind.NODE, node.id());
    activity.record(
        origin,
        node.clientId(),
        "node",
        node.id(),
        node.hostname(),
        "delete",
        ActivityLog.changes()
            .put("hostname", node.hostname(), null)
            .put("token_hint", node.tokenHint(), null)
            .put("instance_count", instanceCount, null)
            .map());
  }

  /**
   * Registers an instance of {@code node}: a new credential pair, of which only the secret's digest
   * is kept.
   */
  Registered register(
      Origin origin, Node node, String hostname, RegisteredWith kind, Long tokenId) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    String uuid = UUID.randomUUID().toString();
    String secret = secrets.generate();
    store.insertInstance(
        new Instance(
            0,
            uuid,
            node.id(),
            hostname,
            secrets.digest(secret),
            kind,
            tokenId,
            kind == RegisteredWith.NODE_TOKEN ? node.tokenGeneration() : null,
            now,
            null,
            null));
    activity.record(
        origin,
        node.clientId(),
        "node",
        node.id(),
        node.hostname(),
        "register",
        ActivityLog.changes()
            .put("instance", null, uuid)
            .put("instance_hostname", null, hostname)
            .put("registered_with", null, kind.id())
            .map());
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("node_id", node.id());
    data.put("node_uuid", node.uuid());
    data.put("hostname", node.hostname());
    data.put("instance_uuid", uuid);
    data.put("instance_hostname", hostname);
    data.put("registered_with", kind.id());
    data.put("token_id", tokenId);
    events.publish(WebhookEvent.NODE_REGISTERED, node.clientId(), data);
    return new Registered(uuid, secret, node.id());
  }

  /** The node token in plain text, or empty when the client keeps no copy (show_once). */
  Optional<String> open(Node node) {
    return Optional.ofNullable(node.tokenSealed())
        .map(ciphertext -> secrets.openNodeToken(ciphertext, node.id()));
  }

  /** The digests a node token may be found under: the current pepper's, then older ones held. */
  java.util.List<String> lookupDigests(String token) {
    return secrets.lookupDigests(token);
  }

  /** Whether a value has a node token's form (length, alphabet, checksum). */
  boolean wellFormed(String token) {
    return secrets.isWellFormed(token);
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
