package dev.tokensmith.notify;

/**
 * Sends one kind of notice (e-mail over SMTP, webhook deliveries over HTTP). Called by the outbox
 * worker on its own thread, never on an event loop; it may block, within its own timeouts.
 */
public interface Sender {

  /** The kind of notice this sender sends. */
  Notice.Kind kind();

  /**
   * Sends the notice once; returns when the receiver has accepted it.
   *
   * @throws Failure when it was not accepted (the outbox retries it, unless it is permanent)
   */
  void send(Notice notice) throws Failure;

  /**
   * Called after each round of sends: a sender that keeps a connection open between the notices of
   * a round (one SMTP session for many mails) closes it here.
   */
  default void endRound() {}

  /** A failed attempt. The message is kept with the notice, so it never holds a secret. */
  final class Failure extends Exception {
    private final boolean permanent;

    public Failure(String message, boolean permanent) {
      super(message, null, false, false);
      this.permanent = permanent;
    }

    /** A failure that may pass (the receiver is down, too busy, unreachable). */
    public static Failure retryable(String message) {
      return new Failure(message, false);
    }

    /** A failure no retry can mend (a malformed address): the notice is marked failed at once. */
    public static Failure permanent(String message) {
      return new Failure(message, true);
    }

    public boolean permanent() {
      return permanent;
    }
  }
}
