package dev.tokensmith.webhooks;

import static dev.tokensmith.errors.ValidationException.Code.INVALID;
import static dev.tokensmith.errors.ValidationException.Code.REQUIRED;

import dev.tokensmith.access.Access;
import dev.tokensmith.access.Account;
import dev.tokensmith.access.Accounts;
import dev.tokensmith.access.Caller;
import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.notify.Notice;
import dev.tokensmith.notify.Outbox;
import dev.tokensmith.storage.Database;
import dev.tokensmith.storage.Window;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A client's webhook subscriptions, managed by its administrators: create (the signing secret is
 * answered once), read, change, delete, a new secret, the deliveries with a retry of a failed one,
 * and a test delivery. A subscription of a client the caller does not administer is not found.
 */
public final class WebhookService {
  private final Database db;
  private final WebhookStore store;
  private final Access access;
  private final Accounts clients;
  private final TokenSecrets secrets;
  private final AddressPolicy policy;
  private final WebhookPublisher publisher;
  private final Outbox outbox;
  private final Clock clock;

  public WebhookService(
      Database db,
      JdbcWebhookStore store,
      Access access,
      Accounts clients,
      TokenSecrets secrets,
      boolean allowPrivate,
      WebhookPublisher publisher,
      Outbox outbox,
      Clock clock) {
    this.db = db;
    this.store = store;
    this.access = access;
    this.clients = clients;
    this.secrets = secrets;
    this.policy = new AddressPolicy(allowPrivate);
    this.publisher = publisher;
    this.outbox = outbox;
    this.clock = clock;
  }

  /** What a create or update asks for; a null field is left as it is (update). */
  public record Changes(
      String url,
      List<String> events,
      Boolean enabled,
      String description,
      boolean hasDescription) {}

  /** A subscription with its signing secret, which is shown this once. */
  public record Issued(Webhook webhook, String secret) {}

  /** Creates a subscription of the client named (default: the caller's own). */
  public Issued create(Caller caller, Long clientId, Changes c) {
    Account target = administered(caller, clientId);
    if (c.url() == null) {
      throw ValidationException.of("url", REQUIRED, null);
    }
    if (c.events() == null) {
      throw ValidationException.of("events", REQUIRED, null);
    }
    String url = checkedUrl(c.url());
    List<WebhookEvent> events = events(c.events());
    Instant now = now();
    String secret = secrets.generateWebhookSecret();
    return db.inTransaction(
        () -> {
          Webhook draft =
              new Webhook(
                  0,
                  target.id(),
                  url,
                  events,
                  c.enabled() == null || c.enabled(),
                  c.description(),
                  "",
                  now,
                  now);
          long id = store.insert(draft);
          Webhook created = withSecret(draft, id, secret);
          store.update(created);
          return new Issued(created, secret);
        });
  }

  /** A client's subscriptions ordered by id (default: the caller's own client). */
  public List<Webhook> list(Caller caller, Long clientId, Window window) {
    Account target = administered(caller, clientId);
    return store.list(target.id(), window);
  }

  /** One subscription; 404 when it is not of a client the caller administers. */
  public Webhook get(Caller caller, long id) {
    requireAdmin(caller);
    return visible(caller, id);
  }

  /** Changes the fields given; a new URL is checked like a created one. */
  public Webhook update(Caller caller, long id, Changes c) {
    requireAdmin(caller);
    Webhook before = visible(caller, id);
    String url = c.url() == null ? before.url() : checkedUrl(c.url());
    List<WebhookEvent> events = c.events() == null ? before.events() : events(c.events());
    Webhook after =
        new Webhook(
            before.id(),
            before.clientId(),
            url,
            events,
            c.enabled() == null ? before.enabled() : c.enabled(),
            c.hasDescription() ? c.description() : before.description(),
            before.secretSealed(),
            before.createAt(),
            now());
    if (!store.update(after)) {
      throw ServiceException.notFound();
    }
    return after;
  }

  /** Deletes a subscription; its pending deliveries are given up when they come due. */
  public Webhook delete(Caller caller, long id) {
    requireAdmin(caller);
    Webhook webhook = visible(caller, id);
    if (!store.delete(id)) {
      throw ServiceException.notFound();
    }
    return webhook;
  }

  /** A new signing secret, answered this once; the old one signs nothing from now on. */
  public Issued rotateSecret(Caller caller, long id) {
    requireAdmin(caller);
    Webhook before = visible(caller, id);
    String secret = secrets.generateWebhookSecret();
    Webhook after = withSecret(before, before.id(), secret);
    if (!store.update(after)) {
      throw ServiceException.notFound();
    }
    return new Issued(after, secret);
  }

  /** The subscription's deliveries, newest first. */
  public List<Notice> deliveries(Caller caller, long id, int limit, int offset) {
    requireAdmin(caller);
    Webhook webhook = visible(caller, id);
    return outbox.byRecipient(Notice.Kind.WEBHOOK, Long.toString(webhook.id()), limit, offset);
  }

  /** Sends a failed delivery again, now; 409 unless it had failed. */
  public Notice retry(Caller caller, long id, String deliveryId) {
    requireAdmin(caller);
    Webhook webhook = visible(caller, id);
    Notice delivery =
        outbox
            .find(deliveryId)
            .filter(
                n ->
                    n.kind() == Notice.Kind.WEBHOOK
                        && n.recipient().equals(Long.toString(webhook.id())))
            .orElseThrow(ServiceException::notFound);
    if (delivery.status() != Notice.Status.FAILED || !outbox.retry(delivery.id())) {
      throw ServiceException.conflict("Only a failed delivery can be retried");
    }
    return outbox.find(delivery.id()).orElseThrow(ServiceException::notFound);
  }

  /** Queues a test delivery ({@code ping}) to the subscription, enabled or not. */
  public Notice ping(Caller caller, long id) {
    requireAdmin(caller);
    Webhook webhook = visible(caller, id);
    String deliveryId =
        db.inTransaction(
            () ->
                publisher.queue(
                    webhook,
                    WebhookEvent.PING,
                    Map.of("webhook_id", webhook.id(), "message", "A test delivery")));
    return outbox.find(deliveryId).orElseThrow(ServiceException::notFound);
  }

  private Webhook withSecret(Webhook w, long id, String secret) {
    return new Webhook(
        id,
        w.clientId(),
        w.url(),
        w.events(),
        w.enabled(),
        w.description(),
        secrets.sealWebhookSecret(secret, id),
        w.createAt(),
        w.updateAt());
  }

  private String checkedUrl(String url) {
    String trimmed = url.trim();
    try {
      policy.resolve(AddressPolicy.parse(trimmed));
    } catch (AddressPolicy.Refused refused) {
      throw ValidationException.of("url", INVALID, url);
    }
    return trimmed;
  }

  private static List<WebhookEvent> events(List<String> names) {
    if (names.isEmpty()) {
      throw ValidationException.of("events", REQUIRED, names);
    }
    List<WebhookEvent> events = new ArrayList<>();
    for (String name : names) {
      WebhookEvent event =
          WebhookEvent.subscribable(name)
              .orElseThrow(() -> ValidationException.of("events", INVALID, name));
      if (!events.contains(event)) {
        events.add(event);
      }
    }
    return events;
  }

  private Account administered(Caller caller, Long clientId) {
    Account target = access.target(caller, clientId);
    if (!access.administers(caller, target)) {
      throw ServiceException.forbidden();
    }
    return target;
  }

  private void requireAdmin(Caller caller) {
    if (!access.administers(caller, caller.homeClient())) {
      throw ServiceException.forbidden();
    }
  }

  private Webhook visible(Caller caller, long id) {
    Optional<Webhook> found = store.find(id);
    return found
        .filter(
            w ->
                clients
                    .find(w.clientId())
                    .map(client -> access.administers(caller, client))
                    .orElse(false))
        .orElseThrow(ServiceException::notFound);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
