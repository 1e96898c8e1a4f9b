package dev.tokensmith.web;

/** An endpoint's work: runs on a worker thread, returns the envelope's body or a {@link Reply}. */
@FunctionalInterface
public interface Handler {
  Object handle(Request request);
}
