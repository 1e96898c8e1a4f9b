package dev.tokensmith.nodes;

import dev.tokensmith.access.Access;
import dev.tokensmith.access.Account;
import dev.tokensmith.access.Caller;
import dev.tokensmith.clients.Client;
import dev.tokensmith.clients.ClientService;
import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.nodes.NodeWriter.Issued;
import dev.tokensmith.permissions.PermissionSet;
import dev.tokensmith.storage.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Nodes as callers manage them: create, list, delete, regenerate the node token, read the instances
 * ({@code nodes:*}). The node token is shown only to administrators of the node's client who may
 * create nodes there; every change is one transaction with its activity record.
 */
public final class NodeService {
  /** An instance is active while it synced within this window; a node while any instance is. */
  static final Duration ACTIVE_WINDOW = Duration.ofMinutes(2);

  private final Database db;
  private final NodeStore store;
  private final NodeWriter writer;
  private final Access access;
  private final ClientService clients;
  private final Clock clock;

  public NodeService(
      Database db,
      NodeStore store,
      NodeWriter writer,
      Access access,
      ClientService clients,
      Clock clock) {
    this.db = db;
    this.store = store;
    this.writer = writer;
    this.access = access;
    this.clients = clients;
    this.clock = clock;
  }

  /** A node as one caller sees it: {@code token} is null unless they may hold it. */
  record Shown(NodeState state, String token) {
    @Override
    public String toString() {
      return "Shown[node=" + state.node().id() + "]";
    }
  }

  /** An instance and whether it is active now. */
  record InstanceState(Instance instance, boolean active) {}

  /**
   * Creates a node in the client named (the caller's own when null); 400 {@code "Already exists"}
   * when the client has a node of that hostname, as the Wallarm client library expects.
   */
  Shown create(Caller caller, Long clientId, String hostname, String type) {
    Account target = access.target(caller, clientId);
    access.require(caller, target, "nodes:create");
    return db.inTransaction(
        () -> {
          // Under the client's row lock, two creates of one hostname take turns.
          Client client = clients.lock(target.id()).orElseThrow(ServiceException::notFound);
          if (store.findByHostname(client.id(), hostname).isPresent()) {
            throw new ServiceException(400, "Already exists");
          }
          Issued issued = writer.insert(caller.origin(), client, hostname, type);
          NodeState state = new NodeState(issued.node(), 0, 0, null, null);
          return new Shown(state, mayHoldToken(caller, client) ? issued.token() : null);
        });
  }

  /**
   * The nodes of the clients the query names (the caller's own when it names none), each of which
   * the caller must be able to view (else 403).
   */
  List<Shown> list(Caller caller, NodeQuery query) {
    List<Account> targets = new ArrayList<>();
    if (query.clientIds().isEmpty()) {
      targets.add(caller.homeClient());
    } else {
      for (long id : new LinkedHashSet<>(query.clientIds())) {
        targets.add(access.target(caller, id));
      }
    }
    Map<Long, Boolean> holdsToken = new HashMap<>();
    for (Account target : targets) {
      access.require(caller, target, "nodes:view");
      holdsToken.put(target.id(), mayHoldToken(caller, target));
    }
    NodeQuery resolved =
        new NodeQuery(
            targets.stream().map(Account::id).toList(),
            query.type(),
            query.notType(),
            query.uuid(),
            query.hostname(),
            query.ip(),
            query.order(),
            query.descending(),
            query.after(),
            query.window());
    return store.list(resolved, activeAfter()).stream()
        .map(
            s ->
                new Shown(
                    s,
                    holdsToken.get(s.node().clientId())
                        ? writer.open(s.node()).orElse(null)
                        : null))
        .toList();
  }

  /** Deletes a node and its instances; returns it as it was (without its token). */
  Shown delete(Caller caller, long id) {
    return db.inTransaction(
        () -> {
          Node node = locked(caller, id, "nodes:delete");
          NodeState state =
              store.state(node.id(), activeAfter()).orElseThrow(ServiceException::notFound);
          writer.delete(caller.origin(), node, state.instanceCount());
          return new Shown(state, null);
        });
  }

  /**
   * A new node token (administrators of the node's client holding {@code nodes:update}, and {@code
   * nodes:create}: the answer is the token, which registers instances); instances registered with
   * the old one stop syncing.
   */
  String regenerate(Caller caller, long id) {
    return db.inTransaction(
        () -> {
          Node node = locked(caller, id, "nodes:update");
          Client client = clients.find(node.clientId()).orElseThrow(ServiceException::notFound);
          if (!mayHoldToken(caller, client)) {
            throw ServiceException.forbidden();
          }
          return writer.regenerate(caller.origin(), node, client).token();
        });
  }

  /** A node's instances, ordered by id. */
  List<InstanceState> instances(Caller caller, long id) {
    Node node = visible(caller, store.find(id), "nodes:view");
    long after = activeAfter();
    return store.instances(node.id()).stream()
        .map(
            i ->
                new InstanceState(
                    i, i.lastActivity() != null && i.lastActivity().toEpochMilli() > after))
        .toList();
  }

  private long activeAfter() {
    return clock.millis() - ACTIVE_WINDOW.toMillis();
  }

  /** The node for a change, read under its row lock. */
  private Node locked(Caller caller, long id, String permission) {
    requireAtHome(caller, permission);
    return visible(caller, store.lock(id), permission);
  }

  // Without the permission where the caller stands, 403 whatever the id: a 404 never tells such a
  // caller which ids exist.
  private void requireAtHome(Caller caller, String permission) {
    access.require(caller, caller.homeClient(), permission);
  }

  private Node visible(Caller caller, Optional<Node> found, String permission) {
    requireAtHome(caller, permission);
    Node node = found.orElseThrow(ServiceException::notFound);
    Client client = clients.find(node.clientId()).orElseThrow(ServiceException::notFound);
    PermissionSet held = access.permissionsIn(caller, client);
    if (held.isEmpty()) {
      throw ServiceException.notFound();
    }
    if (!held.has(permission)) {
      throw ServiceException.forbidden();
    }
    return node;
  }

  // A node token registers instances, which is creating nodes: only an administrator of the client
  // who may create nodes there holds it.
  private boolean mayHoldToken(Caller caller, Account client) {
    return access.administers(caller, client)
        && access.permissionsIn(caller, client).has("nodes:create");
  }
}
