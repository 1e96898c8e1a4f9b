package dev.tokensmith.sso;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.util.DateUtils;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What Tokensmith asks of an OpenID Connect IdP, through the Nimbus SDK: discovery, the
 * authorization request (code + PKCE S256), the code exchange and the ID token's checks (signature
 * by the IdP's JWKS, fetched again when an unknown key appears, {@code iss}, {@code aud}, {@code
 * exp}, {@code nonce}). Discovery and keys are kept a few minutes per IdP. The times of an ID token
 * are read against the injected clock, with {@link #MAX_CLOCK_SKEW_SECONDS} of leeway.
 */
public final class OidcProvider {
  /** How far the IdP's clock may be from ours for an ID token's {@code exp} and {@code iat}. */
  static final int MAX_CLOCK_SKEW_SECONDS = 60;

  private final int timeoutMillis;
  private final Cache<String, Idp> idps;
  private final Clock clock;

  /**
   * One IdP as this client knows it: its metadata, and the selector of the keys (from its JWKS)
   * that may sign an ID token for {@code clientId}.
   */
  record Idp(
      OIDCProviderMetadata metadata, String clientId, JWSKeySelector<SecurityContext> keys) {}

  public OidcProvider(Duration timeout, Duration keep, Clock clock) {
    this.timeoutMillis = (int) timeout.toMillis();
    this.idps = Caffeine.newBuilder().expireAfterWrite(keep).maximumSize(1000).build();
    this.clock = clock;
  }

  /**
   * The IdP's metadata from {@code <issuer>/.well-known/openid-configuration}, fetched now.
   *
   * @throws SsoFailure when it cannot be had or names another issuer
   */
  public OIDCProviderMetadata discover(String issuer) {
    try {
      return OIDCProviderMetadata.resolve(new Issuer(issuer), timeoutMillis, timeoutMillis);
    } catch (Exception e) {
      throw new SsoFailure("discovery_failed", e);
    }
  }

  Idp idp(String issuer, String clientId) {
    return idps.get(issuer + " " + clientId, key -> build(issuer, clientId));
  }

  private Idp build(String issuer, String clientId) {
    OIDCProviderMetadata metadata = discover(issuer);
    try {
      JWKSource<SecurityContext> keys =
          JWKSourceBuilder.create(
                  metadata.getJWKSetURI().toURL(),
                  new DefaultResourceRetriever(timeoutMillis, timeoutMillis, 512 * 1024))
              .build();
      List<JWSAlgorithm> listed = metadata.getIDTokenJWSAlgs();
      Set<JWSAlgorithm> algorithms =
          listed == null || listed.isEmpty() ? Set.of(JWSAlgorithm.RS256) : new HashSet<>(listed);
      // "none" is never accepted, whatever the IdP lists.
      algorithms.removeIf(a -> a.getName().equals("none") || a.getName().startsWith("HS"));
      return new Idp(metadata, clientId, new JWSVerificationKeySelector<>(algorithms, keys));
    } catch (Exception e) {
      throw new SsoFailure("discovery_failed", e);
    }
  }

  /** Where to send the browser: the IdP's authorization endpoint with the request's values. */
  URI authorizationUri(
      Idp idp,
      String clientId,
      URI redirectUri,
      String state,
      String nonce,
      String codeVerifier,
      String loginHint) {
    AuthenticationRequest.Builder request =
        new AuthenticationRequest.Builder(
                new ResponseType(ResponseType.Value.CODE),
                new Scope("openid", "email", "profile"),
                new ClientID(clientId),
                redirectUri)
            .endpointURI(idp.metadata().getAuthorizationEndpointURI())
            .state(new State(state))
            .nonce(new Nonce(nonce))
            .codeChallenge(new CodeVerifier(codeVerifier), CodeChallengeMethod.S256);
    if (loginHint != null) {
      request.loginHint(loginHint);
    }
    return request.build().toURI();
  }

  /**
   * Exchanges the code for tokens and returns the checked ID token's claims.
   *
   * @throws SsoFailure when the exchange fails or the ID token does not pass every check
   */
  IDTokenClaimsSet exchange(
      Idp idp,
      String clientId,
      String clientSecret,
      String code,
      URI redirectUri,
      String codeVerifier,
      String nonce) {
    JWT idToken;
    try {
      AuthorizationCodeGrant grant =
          new AuthorizationCodeGrant(
              new AuthorizationCode(code), redirectUri, new CodeVerifier(codeVerifier));
      URI endpoint = idp.metadata().getTokenEndpointURI();
      TokenRequest request =
          clientSecret == null
              ? new TokenRequest(endpoint, new ClientID(clientId), grant)
              : new TokenRequest(
                  endpoint,
                  new ClientSecretBasic(new ClientID(clientId), new Secret(clientSecret)),
                  grant);
      HTTPRequest http = request.toHTTPRequest();
      http.setConnectTimeout(timeoutMillis);
      http.setReadTimeout(timeoutMillis);
      TokenResponse response = OIDCTokenResponseParser.parse(http.send());
      if (!response.indicatesSuccess()) {
        throw new SsoFailure("code_refused", null);
      }
      idToken = ((OIDCTokenResponse) response.toSuccessResponse()).getOIDCTokens().getIDToken();
    } catch (SsoFailure e) {
      throw e;
    } catch (Exception e) {
      throw new SsoFailure("code_exchange_failed", e);
    }
    return validate(idp, idToken, nonce);
  }

  /**
   * The ID token's claims when it passes every check: signed by a key of the IdP's JWKS, {@code
   * iss} the IdP, {@code aud} naming this client, {@code nonce} the login's, {@code exp} not passed
   * and {@code iat} not ahead by the injected clock.
   */
  IDTokenClaimsSet validate(Idp idp, JWT idToken, String nonce) {
    if (idToken == null) {
      throw new SsoFailure("no_id_token", null);
    }
    try {
      DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
      processor.setJWSKeySelector(idp.keys());
      processor.setJWTClaimsSetVerifier(
          new ClaimsVerifier(idp.metadata().getIssuer().getValue(), idp.clientId(), nonce, clock));
      return new IDTokenClaimsSet(processor.process(idToken, null));
    } catch (Exception e) {
      throw new SsoFailure("id_token_invalid", e);
    }
  }

  /**
   * The library's claims check (audience, exact {@code iss} and {@code nonce}, required claims,
   * {@code exp} and {@code nbf} with the skew) at the injected clock's time, through the hook the
   * library gives for it; plus the ID token's own rules that {@code iat} is not in the future and
   * that {@code azp} names this client when present or when there are several audiences.
   */
  private static final class ClaimsVerifier extends DefaultJWTClaimsVerifier<SecurityContext> {
    private final Clock clock;
    private final String clientId;

    ClaimsVerifier(String issuer, String clientId, String nonce, Clock clock) {
      super(
          Set.of(clientId),
          new JWTClaimsSet.Builder().issuer(issuer).claim("nonce", nonce).build(),
          Set.of(JWTClaimNames.SUBJECT, JWTClaimNames.ISSUED_AT, JWTClaimNames.EXPIRATION_TIME),
          null);
      this.clock = clock;
      this.clientId = clientId;
      setMaxClockSkew(MAX_CLOCK_SKEW_SECONDS);
    }

    @Override
    protected Date currentTime() {
      return Date.from(clock.instant());
    }

    @Override
    public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
      super.verify(claims, context);
      if (!DateUtils.isBefore(claims.getIssueTime(), currentTime(), MAX_CLOCK_SKEW_SECONDS)) {
        throw new BadJWTException("ID token issued in the future");
      }
      // OpenID Connect Core 3.1.3.7: a token for several audiences names the party it was issued
      // to (azp), and an azp present must be this client.
      Object azp = claims.getClaim("azp");
      if (azp != null ? !clientId.equals(azp) : claims.getAudience().size() > 1) {
        throw new BadJWTException("ID token authorized for another party");
      }
    }
  }
}
