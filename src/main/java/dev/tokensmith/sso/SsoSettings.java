package dev.tokensmith.sso;

import java.util.List;

/**
 * A client's single sign-on through an OpenID Connect IdP. {@code sealedSecret} is the IdP's client
 * secret sealed under the master key (null when none is set); {@code defaultRole} may be null.
 */
public record SsoSettings(
    long clientId,
    boolean enabled,
    String issuer,
    String oidcClientId,
    String sealedSecret,
    String roleClaim,
    String defaultRole,
    boolean provisioning,
    boolean strict,
    List<String> emailDomains) {

  public static final String DEFAULT_ROLE_CLAIM = "tokensmith_role";

  public SsoSettings {
    emailDomains = List.copyOf(emailDomains);
  }

  /** True when the client's users must sign in through the IdP. */
  public boolean strictInForce() {
    return enabled && strict;
  }

  /** True when logins through the IdP create the users they do not find, and the IdP owns them. */
  public boolean provisioningInForce() {
    return enabled && provisioning;
  }

  @Override
  public String toString() {
    return "SsoSettings[client=" + clientId + ", issuer=" + issuer + "]";
  }
}
