package dev.tokensmith.access;

import dev.tokensmith.audit.Actor;
import dev.tokensmith.audit.Origin;

/**
 * Who is making a request, as established by one credential.
 *
 * @param user the session's user, the token's owner, or a shared token's creator; null only for a
 *     shared token whose creator has since been deleted
 * @param userClient the user's client (for such a shared token: the token's client)
 * @param token the token used, or null for a Console session
 * @param tokenClient the token's client, or null for a Console session
 * @param ip the caller's address
 */
public record Caller(
    Principal user, Account userClient, Credential token, Account tokenClient, String ip) {

  public boolean sharedToken() {
    return token != null && token.shared();
  }

  /** The client a request acts on when it names none: the token's, or the session user's. */
  public Account homeClient() {
    return token != null ? tokenClient : userClient;
  }

  /** The same caller with the user as read again (under their row lock, inside a change). */
  public Caller withUser(Principal current) {
    return new Caller(current, userClient, token, tokenClient, ip);
  }

  /** The same caller with the token as read again (inside a change). */
  public Caller withToken(Credential current) {
    return new Caller(user, userClient, current, tokenClient, ip);
  }

  /** The user's id, or the shared token's creator id. */
  public long actingUserId() {
    return user != null ? user.id() : token.createdBy();
  }

  /** How the activity log names this caller. */
  public Origin origin() {
    if (token != null) {
      return new Origin(
          new Actor("api_token", token.id(), token.realname() + " (" + token.secretHint() + ")"),
          "api_token",
          ip);
    }
    return new Origin(new Actor("user", user.id(), user.email()), "ui", ip);
  }
}
