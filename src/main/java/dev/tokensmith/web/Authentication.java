package dev.tokensmith.web;

import dev.tokensmith.access.Caller;
import java.util.Optional;

/**
 * Turns a request's credentials into the caller; the web layer asks, the authentication feature
 * answers.
 */
public interface Authentication {

  /** The caller, or a 401 / 403 (CSRF) / 429 error. May reach the database. */
  Caller authenticate(Credentials credentials);

  /**
   * The caller when memory alone can tell (a token in the verification cache), or empty when the
   * database is needed; a refusal memory can tell throws like {@link #authenticate}. Never blocks.
   */
  Optional<Caller> authenticateCached(Credentials credentials);
}
