package dev.tokensmith.sso;

import dev.tokensmith.users.ClientSso;

/** {@link ClientSso} as the client's stored settings have it now. */
public final class SsoInForce implements ClientSso {
  private final SsoStore store;

  public SsoInForce(SsoStore store) {
    this.store = store;
  }

  @Override
  public boolean strict(long clientId) {
    return store.find(clientId).map(SsoSettings::strictInForce).orElse(false);
  }

  @Override
  public boolean provisioning(long clientId) {
    return store.find(clientId).map(SsoSettings::provisioningInForce).orElse(false);
  }
}
