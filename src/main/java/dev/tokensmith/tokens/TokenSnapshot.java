package dev.tokensmith.tokens;

import dev.tokensmith.access.Credential;
import dev.tokensmith.clients.Client;
import dev.tokensmith.net.IpRange;
import dev.tokensmith.permissions.PermissionSet;
import dev.tokensmith.tokens.Verification.Reason;
import dev.tokensmith.tokens.Verification.Rejected;
import dev.tokensmith.users.User;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the database said about a token, held by the verifier for the cache lifetime: what a
 * request's checks and its caller need, and no more (a million of them may be held). It is the
 * {@link Credential} of the requests made with the token. {@code refused} is a reason that holds
 * until something changes (and an eviction); the rest is checked per request. The owner and the
 * clients are shared with the other tokens that have them; the permission set and the address
 * ranges are shared by the caller's choice (the verifier interns them). Only a snapshot that
 * verifies is ever seen as a {@code Credential}: its client is there and enabled, so the client's
 * id is the token's and is not held twice. It is also the token's {@link UsageRecorder.Mark}: when
 * its use was last written, so a verification within that minute writes nothing.
 */
sealed class TokenSnapshot extends UsageRecorder.Mark implements Credential
    permits TokenSnapshot.Previous {
  private final long id;
  private final long createdBy;
  // The owner's id when hasUser (a shared token has none).
  private final long userId;
  // The expiry when expires, as an Instant's two parts (one object fewer per token).
  private final long expireSeconds;
  private final int expireNanos;
  private final boolean expires;
  private final boolean hasUser;
  private final boolean shared;
  private final boolean nodeDeployment;
  private final String realname;
  private final String secretHint;
  private final PermissionSet permissionSet;
  private final List<IpRange> ranges;
  private final User owner;
  private final Client tokenClient;
  private final Client ownerClient;
  private final Reason refused;

  /**
   * A snapshot of a token's current value, or of a renewed token's previous one.
   *
   * @param validUntil when a renewed token's previous value stops working (epoch ms); null for the
   *     current value
   * @param owner the owner, or a shared token's creator (null if that user has been deleted)
   * @param permissionSet the token's permission set, or an equal one to share
   * @param ranges the token's {@code allowed_ips} parsed (empty: any address)
   * @param refused why it is refused whatever the request, or null
   */
  static TokenSnapshot of(
      ApiToken token,
      Long validUntil,
      User owner,
      Client tokenClient,
      Client ownerClient,
      Reason refused,
      PermissionSet permissionSet,
      List<IpRange> ranges) {
    return validUntil == null
        ? new TokenSnapshot(token, owner, tokenClient, ownerClient, refused, permissionSet, ranges)
        : new Previous(
            token, validUntil, owner, tokenClient, ownerClient, refused, permissionSet, ranges);
  }

  // See of().
  private TokenSnapshot(
      ApiToken token,
      User owner,
      Client tokenClient,
      Client ownerClient,
      Reason refused,
      PermissionSet permissionSet,
      List<IpRange> ranges) {
    super(token.history().lastUsedAt());
    this.id = token.id();
    this.createdBy = token.createdBy();
    this.hasUser = token.userId() != null;
    this.userId = hasUser ? token.userId() : 0;
    Instant expireAt = token.expireAt();
    this.expires = expireAt != null;
    this.expireSeconds = expires ? expireAt.getEpochSecond() : 0;
    this.expireNanos = expires ? expireAt.getNano() : 0;
    this.shared = token.shared();
    this.nodeDeployment = token.nodeDeployment();
    this.realname = token.realname();
    this.secretHint = token.secretHint();
    this.permissionSet = permissionSet;
    this.ranges = ranges;
    this.owner = owner;
    this.tokenClient = tokenClient;
    this.ownerClient = ownerClient;
    this.refused = refused;
  }

  /** Whether the secret works for this request, at {@code now} from {@code ip}. */
  Verification check(Instant now, String ip, boolean nodeRegistration) {
    if (refused != null) {
      return new Rejected(refused);
    }
    if (this instanceof Previous previous && now.toEpochMilli() >= previous.validUntil) {
      return new Rejected(Reason.UNKNOWN);
    }
    if (expiredAt(now)) {
      return new Rejected(Reason.EXPIRED);
    }
    if (!ranges.isEmpty() && !allowed(ip)) {
      return new Rejected(Reason.IP_NOT_ALLOWED);
    }
    if (nodeDeployment != nodeRegistration
        && !(nodeRegistration && permissionSet.has("nodes:create"))) {
      return new Rejected(Reason.WRONG_USAGE);
    }
    // The snapshot is also where the token's last written use is remembered.
    return new Verification.Verified(this, owner, tokenClient, ownerClient, this);
  }

  // As ApiToken.expiredAt: expired once now is not before the expiry.
  private boolean expiredAt(Instant now) {
    if (!expires) {
      return false;
    }
    long seconds = now.getEpochSecond();
    return seconds > expireSeconds || seconds == expireSeconds && now.getNano() >= expireNanos;
  }

  private boolean allowed(String ip) {
    Optional<byte[]> address = IpRange.address(ip);
    if (address.isEmpty()) {
      return false;
    }
    for (IpRange range : ranges) {
      if (range.contains(address.get())) {
        return true;
      }
    }
    return false;
  }

  /** The owner, or a shared token's creator; null if that user has been deleted. */
  User owner() {
    return owner;
  }

  Client tokenClient() {
    return tokenClient;
  }

  Client ownerClient() {
    return ownerClient;
  }

  @Override
  public long id() {
    return id;
  }

  @Override
  public long clientId() {
    return tokenClient.id();
  }

  @Override
  public Long userId() {
    return hasUser ? userId : null;
  }

  @Override
  public long createdBy() {
    return createdBy;
  }

  @Override
  public boolean shared() {
    return shared;
  }

  @Override
  public String realname() {
    return realname;
  }

  @Override
  public String secretHint() {
    return secretHint;
  }

  @Override
  public Instant expireAt() {
    return expires ? Instant.ofEpochSecond(expireSeconds, expireNanos) : null;
  }

  @Override
  public PermissionSet permissionSet() {
    return permissionSet;
  }

  @Override
  public boolean nodeDeployment() {
    return nodeDeployment;
  }

  @Override
  public String toString() {
    return "TokenSnapshot[id=" + id + ", refused=" + refused + "]";
  }

  /**
   * A renewed token's previous value in its grace period: it stops working at {@code validUntil}
   * (epoch ms). Few tokens are in one at a time, so the others do not carry the field.
   */
  static final class Previous extends TokenSnapshot {
    private final long validUntil;

    private Previous(
        ApiToken token,
        long validUntil,
        User owner,
        Client tokenClient,
        Client ownerClient,
        Reason refused,
        PermissionSet permissionSet,
        List<IpRange> ranges) {
      super(token, owner, tokenClient, ownerClient, refused, permissionSet, ranges);
      this.validUntil = validUntil;
    }
  }
}
