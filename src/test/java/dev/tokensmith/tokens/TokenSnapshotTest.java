package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.clients.Client;
import dev.tokensmith.net.IpRange;
import dev.tokensmith.testing.Records;
import dev.tokensmith.tokens.Verification.Reason;
import dev.tokensmith.tokens.Verification.Rejected;
import dev.tokensmith.tokens.Verification.Verified;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A cached token answers as the token it was made from (as the {@code Credential} of its requests)
 * and refuses as the verifier always has: refused, past its grace end, expired, from elsewhere, for
 * another usage.
 */
class TokenSnapshotTest {
  private static final String IP = "10.0.0.7";
  private static final Instant EXPIRY = Instant.parse("2026-06-01T12:00:00.123456789Z");

  private static Client client(long id) {
    return new Client(
        id, "c-" + id, "client " + id, "p", true, null, null, false, false, null, null, EXPIRY);
  }

  private static TokenSnapshot snapshot(ApiToken token, Long validUntil, Reason refused) {
    Client client = client(token.clientId());
    return TokenSnapshot.of(
        token, validUntil, null, client, client, refused, token.permissionSet(), List.of());
  }

  private static ApiToken expiring(ApiToken token) {
    return token.draft().expireAt(EXPIRY).build();
  }

  @Test
  void answersAsThePersonalTokenItWasMadeFrom() {
    ApiToken token = expiring(Records.token(41, 3, 5L, 6, false, "admin"));
    TokenSnapshot snapshot = snapshot(token, null, null);
    assertThat(snapshot.id()).isEqualTo(41);
    assertThat(snapshot.clientId()).isEqualTo(token.clientId());
    assertThat(snapshot.userId()).isEqualTo(5L);
    assertThat(snapshot.createdBy()).isEqualTo(6);
    assertThat(snapshot.shared()).isFalse();
    assertThat(snapshot.realname()).isEqualTo(token.realname());
    assertThat(snapshot.secretHint()).isEqualTo(token.secretHint());
    assertThat(snapshot.expireAt()).isEqualTo(EXPIRY);
    assertThat(snapshot.permissionSet()).isEqualTo(token.permissionSet());
    assertThat(snapshot.nodeDeployment()).isFalse();
  }

  @Test
  void aSharedTokenHasNoUserAndMayNeverExpire() {
    TokenSnapshot snapshot = snapshot(Records.token(42, 3, null, 6, true, "admin"), null, null);
    assertThat(snapshot.userId()).isNull();
    assertThat(snapshot.shared()).isTrue();
    assertThat(snapshot.expireAt()).isNull();
    assertThat(snapshot.check(Instant.MAX, IP, false)).isInstanceOf(Verified.class);
  }

  @Test
  void expiresAtItsExpiryToTheNanosecond() {
    TokenSnapshot snapshot =
        snapshot(expiring(Records.token(43, 3, 5L, 5, false, "admin")), null, null);
    Verification before = snapshot.check(EXPIRY.minusNanos(1), IP, false);
    assertThat(before).isInstanceOf(Verified.class);
    assertThat(((Verified) before).token()).isSameAs(snapshot);
    assertThat(((Verified) before).tokenClient().id()).isEqualTo(snapshot.clientId());
    assertThat(snapshot.check(EXPIRY, IP, false)).isEqualTo(new Rejected(Reason.EXPIRED));
    assertThat(snapshot.check(EXPIRY.plusSeconds(1).minusNanos(999_999_999), IP, false))
        .isEqualTo(new Rejected(Reason.EXPIRED));
  }

  @Test
  void aPreviousValueStopsAtItsGraceEnd() {
    long end = EXPIRY.minusSeconds(60).toEpochMilli();
    TokenSnapshot snapshot = snapshot(Records.token(44, 3, 5L, 5, false, "admin"), end, null);
    assertThat(snapshot.check(Instant.ofEpochMilli(end - 1), IP, false))
        .isInstanceOf(Verified.class);
    assertThat(snapshot.check(Instant.ofEpochMilli(end), IP, false))
        .isEqualTo(new Rejected(Reason.UNKNOWN));
  }

  @Test
  void aRefusalComesFirst() {
    TokenSnapshot snapshot =
        snapshot(expiring(Records.token(45, 3, 5L, 5, false, "admin")), 0L, Reason.CLIENT_DISABLED);
    assertThat(snapshot.check(EXPIRY, IP, false)).isEqualTo(new Rejected(Reason.CLIENT_DISABLED));
  }

  @Test
  void onlyItsAddressesMayUseIt() {
    ApiToken token = Records.token(46, 3, 5L, 5, false, "admin");
    TokenSnapshot snapshot =
        TokenSnapshot.of(
            token,
            null,
            null,
            client(3),
            client(3),
            null,
            token.permissionSet(),
            List.of(IpRange.parse("10.0.0.0/24").orElseThrow()));
    assertThat(snapshot.check(EXPIRY, IP, false)).isInstanceOf(Verified.class);
    assertThat(snapshot.check(EXPIRY, "10.0.1.7", false))
        .isEqualTo(new Rejected(Reason.IP_NOT_ALLOWED));
    assertThat(snapshot.check(EXPIRY, "not an address", false))
        .isEqualTo(new Rejected(Reason.IP_NOT_ALLOWED));
  }

  @Test
  void anApiTokenRegistersNodesOnlyWithThePermissionTo() {
    TokenSnapshot viewer = snapshot(Records.token(47, 3, 5L, 5, false, "users:view"), null, null);
    assertThat(viewer.check(EXPIRY, IP, true)).isEqualTo(new Rejected(Reason.WRONG_USAGE));
    TokenSnapshot admin = snapshot(Records.token(48, 3, 5L, 5, false, "admin"), null, null);
    assertThat(admin.permissionSet().has("nodes:create")).isTrue();
    assertThat(admin.check(EXPIRY, IP, true)).isInstanceOf(Verified.class);
  }
}
