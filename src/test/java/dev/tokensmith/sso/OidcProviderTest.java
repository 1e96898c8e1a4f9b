package dev.tokensmith.sso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tokensmith.testing.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ID token's checks (4.6), each against a token an in-process IdP issued. */
class OidcProviderTest {
  static MockOAuth2Server idpServer;
  static final MutableClock clock = new MutableClock();
  static OidcProvider provider;
  static OidcProvider.Idp idp;
  static String issuer;

  @BeforeAll
  static void start() throws Exception {
    idpServer = new MockOAuth2Server();
    idpServer.start(InetAddress.getByName("127.0.0.1"), 0);
    issuer = idpServer.issuerUrl("idp").toString();
    provider = new OidcProvider(Duration.ofSeconds(30), Duration.ofMinutes(1), clock);
    idp = provider.idp(issuer, "tokensmith");
  }

  @AfterAll
  static void stop() {
    idpServer.shutdown();
  }

  private static SignedJWT issued(String issuerId, List<String> audience, long expirySeconds) {
    return idpServer.issueToken(
        issuerId,
        "tokensmith",
        new DefaultOAuth2TokenCallback(
            issuerId,
            "subject-1",
            "JWT",
            audience,
            Map.of("nonce", "nonce-1", "email", "a@example.com"),
            expirySeconds));
  }

  @Test
  void validateWhenEveryCheckPassesThenClaims() {
    var claims = provider.validate(idp, issued("idp", List.of("tokensmith"), 600), "nonce-1");

    assertThat(claims.getStringClaim("email")).isEqualTo("a@example.com");
  }

  @Test
  void validateWhenNonceDiffersThenRefused() {
    assertThatThrownBy(
            () -> provider.validate(idp, issued("idp", List.of("tokensmith"), 600), "other"))
        .isInstanceOf(SsoFailure.class);
  }

  @Test
  void validateWhenAnotherIssuerThenRefused() {
    assertThatThrownBy(
            () ->
                provider.validate(idp, issued("other-idp", List.of("tokensmith"), 600), "nonce-1"))
        .isInstanceOf(SsoFailure.class);
  }

  @Test
  void validateWhenAnotherAudienceThenRefused() {
    assertThatThrownBy(
            () -> provider.validate(idp, issued("idp", List.of("someone-else"), 600), "nonce-1"))
        .isInstanceOf(SsoFailure.class);
  }

  // A token the IdP issued to the client {@code azp} (the in-process IdP names it in azp itself).
  private static SignedJWT issuedTo(String azp, List<String> audience) {
    return idpServer.issueToken(
        "idp",
        azp,
        new DefaultOAuth2TokenCallback(
            "idp", "subject-1", "JWT", audience, Map.of("nonce", "nonce-1"), 600));
  }

  @Test
  void validateWhenAzpNamesAnotherPartyThenRefused() {
    List<String> both = List.of("tokensmith", "someone-else");
    assertThat(provider.validate(idp, issuedTo("tokensmith", both), "nonce-1").getClaim("azp"))
        .isEqualTo("tokensmith");
    assertThatThrownBy(() -> provider.validate(idp, issuedTo("someone-else", both), "nonce-1"))
        .as("several audiences, issued to another party")
        .isInstanceOf(SsoFailure.class);
    assertThatThrownBy(
            () ->
                provider.validate(idp, issuedTo("someone-else", List.of("tokensmith")), "nonce-1"))
        .as("one audience, issued to another party")
        .isInstanceOf(SsoFailure.class);
  }

  @Test
  void validateWhenExpiredThenRefused() {
    assertThatThrownBy(
            () -> provider.validate(idp, issued("idp", List.of("tokensmith"), -600), "nonce-1"))
        .isInstanceOf(SsoFailure.class);
  }

  @Test
  void validateWhenSignedByAKeyTheJwksDoesNotHoldThenRefused() throws Exception {
    // A key the IdP rotated out (or never had), under a key id the JWKS does not list.
    RSAKey foreign = new RSAKeyGenerator(2048).keyID("rotated-out").generate();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .audience("tokensmith")
            .subject("subject-1")
            .claim("nonce", "nonce-1")
            .issueTime(new Date())
            .expirationTime(new Date(System.currentTimeMillis() + 600_000))
            .build();
    SignedJWT token =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(foreign.getKeyID()).build(), claims);
    token.sign(new RSASSASigner(foreign));

    assertThatThrownBy(() -> provider.validate(idp, token, "nonce-1"))
        .isInstanceOf(SsoFailure.class);
  }

  @Test
  void validateWhenSignatureTamperedThenRefused() throws Exception {
    SignedJWT good = issued("idp", List.of("tokensmith"), 600);
    String[] parts = good.serialize().split("\\.");
    JWTClaimsSet widened =
        new JWTClaimsSet.Builder(good.getJWTClaimsSet()).claim("email", "b@example.com").build();
    String body = com.nimbusds.jose.util.Base64URL.encode(widened.toString()).toString();
    SignedJWT tampered = SignedJWT.parse(parts[0] + "." + body + "." + parts[2]);

    assertThatThrownBy(() -> provider.validate(idp, tampered, "nonce-1"))
        .isInstanceOf(SsoFailure.class);
  }

  // ---- times are read on the injected clock --------------------------------------------------

  /** A provider whose clock is {@code offset} away from the real time the IdP signs with. */
  private static OidcProvider providerAt(Duration offset) {
    MutableClock moved = new MutableClock();
    moved.advance(offset);
    return new OidcProvider(Duration.ofSeconds(30), Duration.ofMinutes(1), moved);
  }

  @Test
  void validateWhenTheClockIsPastExpiryThenRefused() {
    OidcProvider later = providerAt(Duration.ofMinutes(15));
    SignedJWT token = issued("idp", List.of("tokensmith"), 600);

    assertThatThrownBy(() -> later.validate(later.idp(issuer, "tokensmith"), token, "nonce-1"))
        .isInstanceOf(SsoFailure.class);
  }

  @Test
  void validateWhenIssuedAheadOfTheClockThenRefused() {
    OidcProvider earlier = providerAt(Duration.ofMinutes(-20));
    SignedJWT token = issued("idp", List.of("tokensmith"), 600);

    assertThatThrownBy(() -> earlier.validate(earlier.idp(issuer, "tokensmith"), token, "nonce-1"))
        .isInstanceOf(SsoFailure.class);
  }

  @Test
  void validateWhenExpiredWithinTheAllowedSkewThenClaims() {
    OidcProvider later = providerAt(Duration.ofSeconds(40));
    SignedJWT token = issued("idp", List.of("tokensmith"), 10);

    var claims = later.validate(later.idp(issuer, "tokensmith"), token, "nonce-1");

    assertThat(claims.getStringClaim("email")).isEqualTo("a@example.com");
  }

  @Test
  void discoverWhenNoIdpThereThenFailure() {
    assertThatThrownBy(() -> provider.discover("http://127.0.0.1:1/nothing"))
        .isInstanceOf(SsoFailure.class);
  }
}
