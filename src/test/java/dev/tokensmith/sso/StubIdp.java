package dev.tokensmith.sso;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenID provider standing in for a real one where the mock IdP cannot: one whose keys the test
 * rotates, and whose token endpoint signs the ID token with whatever key (and names whatever key
 * id) the test chooses. It serves discovery, its JWKS (counting the fetches), an authorization
 * endpoint that answers at once with a code, and the token endpoint; the ID token vouches for the
 * e-mail the test set, with the login's nonce, for {@code audience}, times on the server's clock.
 * Signing is Nimbus's (test code only).
 */
final class StubIdp implements AutoCloseable {
  private final HttpServer http;
  private final String issuer;
  private final String audience;
  private final Clock clock;
  private final Map<String, String> nonceByCode = new ConcurrentHashMap<>();
  private final AtomicInteger jwksFetches = new AtomicInteger();
  private volatile JWKSet published;
  private volatile RSAKey signingKey;
  private volatile String headerKeyId;
  private volatile String email;

  StubIdp(String audience, Clock clock) throws IOException {
    this.audience = audience;
    this.clock = clock;
    http = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    issuer = "http://127.0.0.1:" + http.getAddress().getPort() + "/stub";
    http.createContext("/stub/.well-known/openid-configuration", this::discovery);
    http.createContext("/stub/jwks", this::jwks);
    http.createContext("/stub/authorize", this::authorize);
    http.createContext("/stub/token", this::token);
    http.start();
  }

  static RSAKey newKey(String keyId) {
    try {
      return new RSAKeyGenerator(2048).keyID(keyId).generate();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  String issuer() {
    return issuer;
  }

  String authorizationEndpoint() {
    return issuer + "/authorize";
  }

  /** The keys the JWKS lists from now on (public halves). */
  void publish(RSAKey... keys) {
    published = new JWKSet(List.of(keys)).toPublicJWKSet();
  }

  /** The next ID tokens are signed by {@code key}, their header naming {@code keyId}. */
  void signWith(RSAKey key, String keyId) {
    signingKey = key;
    headerKeyId = keyId;
  }

  void signWith(RSAKey key) {
    signWith(key, key.getKeyID());
  }

  void vouchFor(String email) {
    this.email = email;
  }

  int jwksFetches() {
    return jwksFetches.get();
  }

  private void discovery(HttpExchange exchange) throws IOException {
    OIDCProviderMetadata metadata =
        new OIDCProviderMetadata(
            new Issuer(issuer), List.of(SubjectType.PUBLIC), URI.create(issuer + "/jwks"));
    metadata.setAuthorizationEndpointURI(URI.create(authorizationEndpoint()));
    metadata.setTokenEndpointURI(URI.create(issuer + "/token"));
    metadata.setIDTokenJWSAlgs(List.of(JWSAlgorithm.RS256));
    json(exchange, metadata.toJSONObject().toJSONString());
  }

  private void jwks(HttpExchange exchange) throws IOException {
    jwksFetches.incrementAndGet();
    json(exchange, published.toString());
  }

  private void authorize(HttpExchange exchange) throws IOException {
    Map<String, List<String>> query = URLUtils.parseParameters(exchange.getRequestURI().getQuery());
    String code = UUID.randomUUID().toString();
    nonceByCode.put(code, query.get("nonce").get(0));
    String location =
        query.get("redirect_uri").get(0)
            + "?code="
            + code
            + "&state="
            + URLEncoder.encode(query.get("state").get(0), StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Location", location);
    exchange.sendResponseHeaders(302, -1);
    exchange.close();
  }

  private void token(HttpExchange exchange) throws IOException {
    String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String code = URLUtils.parseParameters(form).get("code").get(0);
    String nonce = nonceByCode.remove(code);
    if (nonce == null) {
      exchange.sendResponseHeaders(400, -1);
      exchange.close();
      return;
    }
    Date now = Date.from(clock.instant());
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .audience(audience)
            .subject("subject-" + email)
            .claim("email", email)
            .claim("nonce", nonce)
            .issueTime(now)
            .expirationTime(Date.from(clock.instant().plus(Duration.ofMinutes(10))))
            .build();
    try {
      SignedJWT idToken =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(headerKeyId).build(), claims);
      idToken.sign(new RSASSASigner(signingKey));
      OIDCTokenResponse response =
          new OIDCTokenResponse(new OIDCTokens(idToken, new BearerAccessToken(), null));
      json(exchange, response.toJSONObject().toJSONString());
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  private static void json(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
