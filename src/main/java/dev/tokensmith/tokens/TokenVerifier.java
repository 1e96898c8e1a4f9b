package dev.tokensmith.tokens;

import dev.tokensmith.clients.Client;
import dev.tokensmith.clients.ClientService;
import dev.tokensmith.keys.Keyring;
import dev.tokensmith.net.IpRange;
import dev.tokensmith.tokens.Verification.Reason;
import dev.tokensmith.tokens.Verification.Rejected;
import dev.tokensmith.tokens.Verification.Verified;
import dev.tokensmith.users.Sso;
import dev.tokensmith.users.User;
import dev.tokensmith.users.UserDirectory;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Decides whether a secret authenticates, in the order of the spec (section 3): checksum, digest,
 * enabled, expiry, client, owner, SSO, source address, usage. A bad checksum is refused before
 * anything is looked up. The digest lookup compares keyed HMACs, so the index comparison leaks
 * nothing usable about a secret.
 */
public final class TokenVerifier {
  private static final HexFormat HEX = HexFormat.of();

  private final TokenStore store;
  private final UserDirectory users;
  private final ClientService clients;
  private final Keyring keyring;
  private final Clock clock;

  public TokenVerifier(TokenStore store, UserDirectory users, ClientService clients, Keyring keyring, Clock clock) {
    this.store = store;
    this.users = users;
    this.clients = clients;
    this.keyring = keyring;
    this.clock = clock;
  }

  /** The lookup digest of a secret, as stored. */
  public String digest(String secret) {
    return HEX.formatHex(keyring.digest(secret));
  }

  /**
   * Checks a secret presented from {@code ip}.
   *
   * @param nodeRegistration true only on the node registration endpoint (rule T13)
   */
  public Verification verify(String secret, String ip, boolean nodeRegistration) {
    if (!TokenSecret.isWellFormed(secret)) {
      return new Rejected(Reason.MALFORMED);
    }
    Instant now = clock.instant();
    Optional<ApiToken> found = store.findBySecretDigest(digest(secret), now.toEpochMilli());
    if (found.isEmpty()) {
      return new Rejected(Reason.UNKNOWN);
    }
    ApiToken token = found.get();
    if (!token.enabled()) {
      return new Rejected(Reason.DISABLED);
    }
    if (token.expiredAt(now)) {
      return new Rejected(Reason.EXPIRED);
    }
    Optional<Client> tokenClient = clients.find(token.clientId()).filter(Client::enabled);
    if (tokenClient.isEmpty()) {
      return new Rejected(Reason.CLIENT_DISABLED);
    }
    long ownerId = token.shared() ? token.createdBy() : token.userId();
    User owner = users.find(ownerId).orElse(null);
    Client ownerClient = tokenClient.get();
    if (!token.shared()) {
      if (owner == null || !owner.enabled()) {
        return new Rejected(Reason.OWNER_DISABLED);
      }
      Optional<Client> home = clients.find(owner.clientId()).filter(Client::enabled);
      if (home.isEmpty()) {
        return new Rejected(Reason.OWNER_DISABLED);
      }
      ownerClient = home.get();
      if (owner.sso() != Sso.NONE && !owner.apiAccess()) {
        return new Rejected(Reason.SSO_WITHOUT_API_ACCESS);
      }
    } else if (owner != null && owner.clientId() != token.clientId()) {
      ownerClient = clients.find(owner.clientId()).orElse(tokenClient.get());
    }
    if (!allowed(token, ip)) {
      return new Rejected(Reason.IP_NOT_ALLOWED);
    }
    if ((token.usage() == Usage.NODE_DEPLOYMENT) != nodeRegistration
        && !(nodeRegistration && token.permissionSet().has("nodes:create"))) {
      return new Rejected(Reason.WRONG_USAGE);
    }
    return new Verified(token, owner, tokenClient.get(), ownerClient);
  }

  private static boolean allowed(ApiToken token, String ip) {
    if (token.allowedIps().isEmpty()) {
      return true;
    }
    Optional<byte[]> address = IpRange.address(ip);
    return address.isPresent() && token.allowedIps().stream()
        .map(IpRange::parse).flatMap(Optional::stream).anyMatch(range -> range.contains(address.get()));
  }
}
