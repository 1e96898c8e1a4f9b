package dev.tokensmith.sso;

import java.util.Optional;

/** Where single sign-on settings and the logins under way are kept. */
public interface SsoStore {
  Optional<SsoSettings> find(long clientId);

  /** The settings of the client that claims the e-mail domain (lower case). */
  Optional<SsoSettings> findByDomain(String domain);

  /** The settings of the client with this uuid. */
  Optional<SsoSettings> findByClientUuid(String uuid);

  /** The client that claims the domain, if any. */
  Optional<Long> domainOwner(String domain);

  /** Writes the settings and the client's domains in place of what was there. */
  void save(SsoSettings settings, long atMillis);

  /** A login under way: the state and browser values as digests. */
  record Pending(
      String stateDigest,
      String browserDigest,
      long clientId,
      String nonce,
      String codeVerifier,
      String redirectUri,
      long expireAt) {
    @Override
    public String toString() {
      return "Pending[client=" + clientId + "]";
    }
  }

  void insertPending(Pending pending);

  /** Takes the login of the state digest away (once): empty when unknown or already taken. */
  Optional<Pending> takePending(String stateDigest);

  /** Forgets logins that were never completed. */
  int deleteExpired(long nowMillis);
}
