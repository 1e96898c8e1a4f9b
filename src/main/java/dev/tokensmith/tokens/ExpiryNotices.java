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

  /** The most steps of the walk a round takes. */
  static final int STEPS = 20;

  private final Database db;
  private final TokenStore store;
  private final TokenMail mail;
  private final WebhookEvents events;
  private final ActivityLog activity;
  private final Clock clock;

  // Where the walk stopped (expiry, id); 0: start from the window's beginning. The scheduler runs
  // one round at a time (its runOnce is synchronized, which also publishes these between threads).
  private long afterAt;
  private long afterId;

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
   * Warns of the tokens due a warning, walking those that expire within {@link #AHEAD} in steps of
   * {@link #STEP} (no statement reads more, however many were warned already), at most {@link
   * #STEPS} steps or the round's budget a round; the next round goes on where this one stopped, and
   * the round after the end of the window starts again from its beginning. A window of N tokens is
   * walked in N / (STEP × STEPS) rounds: each round costs at most that much of the database, and a
   * token is warned within that many rounds of becoming due (days before its expiry). Returns how
   * many it warned of.
   */
  public int warnDue() {
    Instant now = clock.instant();
    long until = now.plus(AHEAD).toEpochMilli();
    long deadline = System.nanoTime() + TokenLifecycle.ROUND_BUDGET.toNanos();
    // From the beginning of the window: (now, the largest id) comes before every later expiry.
    if (afterAt <= now.toEpochMilli()) {
      afterAt = now.toEpochMilli();
      afterId = Long.MAX_VALUE;
    }
    int warned = 0;
    for (int steps = 1; ; steps++) {
      List<TokenStore.Expiring> step = store.findExpiring(afterAt, afterId, until, STEP);
      for (TokenStore.Expiring seen : step) {
        if (seen.warnedFor() != seen.expireAtMillis()
            && due(seen.expireAtMillis(), seen.createAtMillis(), now)) {
          warned += warnUnderLock(seen.id(), now);
        }
      }
      if (step.size() < STEP) {
        afterAt = 0; // the end of the window: the next round starts again
        return warned;
      }
      TokenStore.Expiring last = step.get(step.size() - 1);
      afterAt = last.expireAtMillis();
      afterId = last.id();
      if (steps == STEPS || System.nanoTime() > deadline) {
        return warned;
      }
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
    return t.enabled()
        && t.expireAt() != null
        && due(t.expireAt().toEpochMilli(), t.history().createAt().toEpochMilli(), now);
  }

  private static boolean due(long expireAtMillis, long createAtMillis, Instant now) {
    return expireAtMillis > now.toEpochMilli()
        && expireAtMillis <= now.plus(AHEAD).toEpochMilli()
        && expireAtMillis - createAtMillis >= AHEAD.toMillis();
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
