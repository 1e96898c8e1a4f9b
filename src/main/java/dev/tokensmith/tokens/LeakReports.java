package dev.tokensmith.tokens;

import dev.tokensmith.audit.Actor;
import dev.tokensmith.audit.Origin;
import dev.tokensmith.clients.ClientService;
import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.notify.MailTemplate;
import dev.tokensmith.notify.Mailer;
import dev.tokensmith.storage.Database;
import dev.tokensmith.users.UserDirectory;
import dev.tokensmith.webhooks.WebhookEvent;
import dev.tokensmith.webhooks.WebhookEvents;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Leaked-token reports: anyone who finds a secret (a secret scanner, a person reading a log) hands
 * it in, and the token it belongs to is disabled at once with {@code disabled_reason: leaked}. Each
 * token is disabled in a transaction of its own, under its row lock, with its activity record
 * (actor system, source {@code leak_report}), the mails to its owner (a shared token: every
 * administrator of its client), the {@code token.disabled} and {@code token.leaked} webhook events,
 * and the change announcement that makes every instance refuse it. A token already disabled or
 * expired stays as it is. The caller learns nothing of what matched.
 */
public final class LeakReports {
  /** How many values one report may hold. */
  public static final int MAX_SECRETS = 100;

  /** The source of the activity records a report writes. */
  static final String SOURCE = "leak_report";

  private final Database db;
  private final TokenStore store;
  private final TokenWriter writer;
  private final TokenSecrets secrets;
  private final TokenMail mail;
  private final WebhookEvents events;
  private final Clock clock;

  public LeakReports(
      Database db,
      TokenStore store,
      TokenWriter writer,
      TokenSecrets secrets,
      UserDirectory directory,
      ClientService clients,
      Mailer mailer,
      WebhookEvents events,
      Clock clock) {
    this.db = db;
    this.store = store;
    this.writer = writer;
    this.secrets = secrets;
    this.mail = new TokenMail(directory, clients, mailer);
    this.events = events;
    this.clock = clock;
  }

  /**
   * Disables every live token one of whose working values is among {@code candidates} (values that
   * fail the checksum are dropped before any lookup); returns how many tokens it disabled, which
   * the caller must not tell the reporter.
   *
   * @param ip the reporter's address, kept in the activity records
   */
  public int report(Collection<String> candidates, String ip) {
    Origin origin = new Origin(Actor.SYSTEM, SOURCE, ip);
    Set<Long> matched = new LinkedHashSet<>();
    Instant now = clock.instant();
    for (String candidate : candidates) {
      if (!secrets.isWellFormed(candidate)) {
        continue;
      }
      store
          .findBySecretDigests(secrets.lookupDigests(candidate))
          // A previous value past its grace period opens nothing any more.
          .filter(m -> m.validUntil() == null || now.toEpochMilli() < m.validUntil())
          .ifPresent(m -> matched.add(m.token().id()));
    }
    int disabled = 0;
    for (long id : matched) {
      disabled += db.inTransaction(() -> disable(id, origin)) ? 1 : 0;
    }
    return disabled;
  }

  // Read again under the lock: a request may have disabled or deleted it meanwhile.
  private boolean disable(long id, Origin origin) {
    Instant now = clock.instant();
    return store
        .lock(id)
        .filter(t -> t.enabled() && !t.expiredAt(now))
        .map(
            token -> {
              ApiToken leaked =
                  writer.update(
                      origin,
                      token,
                      token
                          .draft()
                          .enabled(false)
                          .disabledReason(DisabledReason.LEAKED)
                          .disabledAt(now)
                          .build());
              notifyOf(leaked, now);
              return true;
            })
        .orElse(false);
  }

  private void notifyOf(ApiToken token, Instant reportedAt) {
    mail.send(token, MailTemplate.TOKEN_LEAKED, "reported_at", reportedAt);
    events.publish(WebhookEvent.TOKEN_LEAKED, token.clientId(), TokenWriter.webhookData(token));
  }
}
