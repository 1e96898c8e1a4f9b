package dev.tokensmith.users;

/**
 * What a client's single sign-on settings decide for its users (4.6); the sso side answers it from
 * the stored settings. Both are false when the client has no SSO or it is not enabled.
 */
public interface ClientSso {

  /** True while the client's SSO is enabled and strict: nobody signs in with a password. */
  boolean strict(long clientId);

  /**
   * True while the client's SSO is enabled and provisions users: the users it created are the IdP's
   * to disable and delete, not Tokensmith's.
   */
  boolean provisioning(long clientId);
}
