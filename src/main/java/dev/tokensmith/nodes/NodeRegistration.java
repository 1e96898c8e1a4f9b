package dev.tokensmith.nodes;

import dev.tokensmith.access.Access;
import dev.tokensmith.access.Account;
import dev.tokensmith.access.Caller;
import dev.tokensmith.access.Credential;
import dev.tokensmith.audit.Actor;
import dev.tokensmith.audit.Origin;
import dev.tokensmith.clients.Client;
import dev.tokensmith.clients.ClientService;
import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.nodes.Instance.RegisteredWith;
import dev.tokensmith.nodes.NodeWriter.Registered;
import dev.tokensmith.permissions.PermissionSet;
import dev.tokensmith.storage.Database;
import dev.tokensmith.storage.SqlErrors;
import dev.tokensmith.tokens.TokenService;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;

/**
 * Registering a node instance: with the node's own node token, or with an API token that may create
 * nodes (one made for node deployment, or one holding {@code nodes:create}), which names its node
 * by {@code labels.group} and creates it when the client has none of that name. Either way the
 * instance gets a credential pair of its own, good only for syncing.
 */
public final class NodeRegistration {
  private final Database db;
  private final NodeStore store;
  private final NodeWriter writer;
  private final Access access;
  private final ClientService clients;
  private final TokenService tokens;
  private final Clock clock;

  public NodeRegistration(
      Database db,
      NodeStore store,
      NodeWriter writer,
      Access access,
      ClientService clients,
      TokenService tokens,
      Clock clock) {
    this.db = db;
    this.store = store;
    this.writer = writer;
    this.access = access;
    this.clients = clients;
    this.tokens = tokens;
    this.clock = clock;
  }

  /**
   * Registers an instance with a node token; empty when {@code value} is no node's current token
   * (it may be an API token). 401 when the node's client is disabled.
   */
  Optional<Registered> withNodeToken(String value, String hostname, String ip) {
    if (!writer.wellFormed(value)) {
      return Optional.empty();
    }
    java.util.List<String> digests = writer.lookupDigests(value);
    return db.inTransaction(
        () -> {
          // Under the node's row lock: a regeneration cannot slip between reading the token's
          // generation and recording it with the instance. Under each pepper held (a rotation).
          Optional<Node> found =
              digests.stream().map(store::lockByTokenDigest).flatMap(Optional::stream).findFirst();
          if (found.isEmpty()) {
            return Optional.empty();
          }
          Node node = found.get();
          if (!clients.find(node.clientId()).map(Client::enabled).orElse(false)) {
            throw ServiceException.unauthorized();
          }
          Origin origin = new Origin(new Actor("node", node.id(), node.hostname()), "node", ip);
          return Optional.of(
              writer.register(origin, node, hostname, RegisteredWith.NODE_TOKEN, null));
        });
  }

  /**
   * Registers an instance with the caller's API token in the token's client, under the node named
   * {@code group} (created when missing). 403 when the token may not create nodes there.
   */
  Registered withApiToken(Caller caller, String hostname, String group) {
    Account target = caller.homeClient();
    if (!mayRegister(caller, target)) {
      throw ServiceException.forbidden();
    }
    try {
      return db.inTransaction(
          () -> {
            // Under the client's row lock two first registrations of one group make one node, and
            // under the node's a deletion waits for the registration (and takes its instance).
            Client client = clients.lock(target.id()).orElseThrow(ServiceException::unauthorized);
            Node node =
                store
                    .lockByHostname(client.id(), group)
                    .orElseGet(
                        () ->
                            writer
                                .insert(caller.origin(), client, group, Node.DEFAULT_TYPE)
                                .node());
            Registered registered =
                writer.register(
                    caller.origin(), node, hostname, RegisteredWith.API_TOKEN, caller.token().id());
            // The token as it is now, read after the instance that refers to it was written: one
            // disabled or deleted while the request waited for its turn registers nothing.
            boolean usable =
                tokens
                    .stored(caller.token().id())
                    .map(t -> t.asSeenAt(clock.instant()).enabled())
                    .orElse(false);
            if (!usable) {
              throw ServiceException.unauthorized();
            }
            return registered;
          });
    } catch (RuntimeException e) {
      // The token was deleted between its check and the instance's insert: it no longer exists.
      if (referenceGone(e)) {
        throw ServiceException.unauthorized();
      }
      throw e;
    }
  }

  // A foreign key whose row is gone: 23503 on PostgreSQL, 23506 on H2.
  private static boolean referenceGone(RuntimeException e) {
    SQLException sql = SqlErrors.cause(e);
    return sql != null && ("23503".equals(sql.getSQLState()) || "23506".equals(sql.getSQLState()));
  }

  /**
   * A token made for node deployment registers as its owner could create nodes (a shared one: as
   * the client's administrators can); any other token needs {@code nodes:create} itself. Both are
   * capped by the owner, so no token registers more than its owner may create.
   */
  private boolean mayRegister(Caller caller, Account target) {
    Credential token = caller.token();
    if (token == null) {
      return false;
    }
    PermissionSet held;
    if (!token.nodeDeployment()) {
      held = access.permissionsIn(caller, target);
    } else if (token.shared()) {
      held = access.sharedCap(caller.tokenClient());
    } else {
      held = access.userPermissionsIn(caller.user(), caller.userClient(), target);
    }
    return held.has("nodes:create");
  }
}
