package dev.tokensmith.tokens;

import dev.tokensmith.audit.ActivityLog;
import dev.tokensmith.audit.Origin;
import dev.tokensmith.clients.ClientService;
import dev.tokensmith.notify.MailTemplate;
import dev.tokensmith.notify.Mailer;
import dev.tokensmith.storage.Database;
import dev.tokensmith.users.UserDirectory;
import dev.tokensmith.webhooks.WebhookEvent;
import dev.tokensmith.webhooks.WebhookEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Warns of a token's expiry three days ahead (T15): an e-mail to its owner, or for a shared token
 * to every administrator of its client, and a {@code token.expiring} activity record. Once per
 * token per expiry date: the date warned about is recorded under the token's row lock in the
 * transaction that queues the mails, so neither a restart nor a second instance warns twice, and a
 * new expiry date gets a warning of its own. A token whose whole lifetime is under three days is
 * not warned about (its creator knew). The {@code token.expiring} webhook event is queued in the
 * same transaction.
 */
public final class ExpiryNotices {
  /** How long before its expiry a token is warned about, and the shortest lifetime warned of. */
  public static final Duration AHEAD = Duration.ofDays(3);

  /** How many tokens one step of the walk reads. */
  static final int STEP = 500;

  private final Database db;
  private final TokenStore store;
  private final TokenMail mail;
  private final WebhookEvents events;
  private final ActivityLog activity;
  private final Clock clock;

  public ExpiryNotices(
      Database db,
      TokenStore store,
      UserDirectory directory,
      ClientService clients,
      Mailer mailer,
      WebhookEvents events,
      ActivityLog activity,
      Clock clock) {
    this.db = db;
    this.store = store;
    this.mail = new TokenMail(directory, clients, mailer);
    this.events = events;
    this.activity = activity;
    this.clock = clock;
  }

  /**
   * Warns of every token due a warning now, walking the tokens that expire within {@link #AHEAD} in
   * steps of {@link #STEP} (so no statement reads more, however many were warned already) for at
   * most the round's budget; returns how many it warned of.
   */
  public int warnDue() {
    Instant now = clock.instant();
    long until = now.plus(AHEAD).toEpochMilli();
    long deadline = System.nanoTime() + TokenLifecycle.ROUND_BUDGET.toNanos();
    // Expiring after now: (now, the largest id) comes before every later expiry.
    long afterAt = now.toEpochMilli();
    long afterId = Long.MAX_VALUE;
    int warned = 0;
    while (true) {
      List<TokenStore.Expiring> step = store.findExpiring(afterAt, afterId, until, STEP);
      for (TokenStore.Expiring seen : step) {
        if (seen.warnedFor() != seen.token().expireAt().toEpochMilli() && due(seen.token(), now)) {
          warned += warnUnderLock(seen.token().id(), now);
        }
      }
      if (step.size() < STEP || System.nanoTime() > deadline) {
        return warned;
      }
      ApiToken last = step.get(step.size() - 1).token();
      afterAt = last.expireAt().toEpochMilli();
      afterId = last.id();
    }
  }

  // Read again under the lock: a request may have changed its expiry or disabled it meanwhile.
  private int warnUnderLock(long tokenId, Instant now) {
    return db.inTransaction(
        () ->
            store
                .lock(tokenId)
                .filter(t -> due(t, now))
                .filter(
                    t ->
                        store.markExpiryWarned(
                            t.id(), t.expireAt().toEpochMilli(), now.toEpochMilli()))
                .map(
                    t -> {
                      warn(t);
                      return 1;
                    })
                .orElse(0));
  }

  private static boolean due(ApiToken t, Instant now) {
    Instant expireAt = t.expireAt();
    return t.enabled()
        && expireAt != null
        && expireAt.isAfter(now)
        && !expireAt.isAfter(now.plus(AHEAD))
        && Duration.between(t.history().createAt(), expireAt).compareTo(AHEAD) >= 0;
  }

  private void warn(ApiToken token) {
    mail.send(token, MailTemplate.TOKEN_EXPIRING, "expire_at", token.expireAt());
    events.publish(WebhookEvent.TOKEN_EXPIRING, token.clientId(), TokenWriter.webhookData(token));
    activity.record(
        Origin.SYSTEM,
        token.clientId(),
        "api_token",
        token.id(),
        token.realname(),
        "expiring",
        ActivityLog.changes().put("expire_at", null, token.expireAt()).map());
  }
}
