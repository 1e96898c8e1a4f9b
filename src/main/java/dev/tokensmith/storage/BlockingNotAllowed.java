package dev.tokensmith.storage;

/**
 * Thrown instead of touching the database from a thread that must never block (an event loop). The
 * web layer catches it and runs the request again on the worker pool; it never reaches a caller.
 */
public final class BlockingNotAllowed extends RuntimeException {
  public BlockingNotAllowed() {
    super("database access on a non-blocking thread", null, false, false);
  }
}
