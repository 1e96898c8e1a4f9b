package dev.tokensmith.web;

import dev.tokensmith.access.Caller;
import dev.tokensmith.errors.ServiceException;
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

  /**
   * The caller of the node registration endpoint, the one place a token made for registering nodes
   * is accepted (an API token is accepted there only when it holds {@code nodes:create}); a session
   * never is. May reach the database.
   */
  Caller authenticateNodeRegistration(Credentials credentials);

  /**
   * Counts a credential that failed to authenticate from this address and returns the error to
   * answer with: 401, or 429 once the address has failed too often.
   */
  ServiceException failed(String ip);
}
