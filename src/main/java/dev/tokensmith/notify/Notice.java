package dev.tokensmith.notify;

import java.time.Instant;
import java.util.Locale;

/**
 * One notice in the outbox: an e-mail or a webhook delivery, and how far its sending got.
 *
 * @param id the delivery id, which the recipient sees and de-duplicates by
 * @param recipient an e-mail address, or for a webhook delivery the webhook's id
 * @param topic what it tells (the e-mail's template, or the event type), never a secret
 * @param clientId the client it concerns, or null
 * @param payload what the sender needs to build it (JSON; for a webhook delivery, the body to
 *     post); a secret in it is sealed, never clear
 * @param nextAttemptAt when the next attempt is due (while a worker sends it: the end of its claim)
 * @param lastError why the last attempt failed (never a secret), or null
 */
public record Notice(
    String id,
    Kind kind,
    String recipient,
    String topic,
    Long clientId,
    String payload,
    Status status,
    int attempts,
    Instant nextAttemptAt,
    Instant createAt,
    Instant sentAt,
    String lastError) {

  /** What is sent, and so which sender sends it. */
  public enum Kind {
    MAIL,
    WEBHOOK;

    /** The name stored and shown ({@code mail}, {@code webhook}). */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Kind of(String id) {
      return valueOf(id.toUpperCase(Locale.ROOT));
    }
  }

  /** Where a notice stands. */
  public enum Status {
    /** Not sent yet: due at {@code nextAttemptAt}. */
    PENDING,
    /** Sent (the receiver accepted it). */
    SENT,
    /** Given up: every attempt failed for the whole retry window, or it can never be sent. */
    FAILED;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Status of(String id) {
      return valueOf(id.toUpperCase(Locale.ROOT));
    }
  }

  @Override
  public String toString() {
    // The recipient and payload stay out of logs.
    return "Notice[" + id + ", " + kind.id() + ", " + topic + ", " + status.id() + "]";
  }
}
