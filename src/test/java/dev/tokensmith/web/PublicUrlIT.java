package dev.tokensmith.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sessions behind TLS (spec 6.1): with an {@code https://} public URL the session cookie is {@code
 * Secure} and every answer carries Strict-Transport-Security; with an {@code http://} one, neither.
 */
class PublicUrlIT {
  private static final String HSTS = "Strict-Transport-Security";

  @AutoClose static TestServer https;
  @AutoClose static TestServer http;

  @BeforeAll
  static void start() {
    https =
        TestServer.start(
            Map.of(
                "TOKENSMITH_PUBLIC_URL",
                "https://tokens.example.com",
                "TOKENSMITH_REQUEST_TIMEOUT_SECONDS",
                "1"));
    http = TestServer.start(Map.of("TOKENSMITH_PUBLIC_URL", "http://tokens.example.com:8080"));
  }

  @Test
  void loginAndLogoutWhenPublicUrlHttpsThenCookiesSecure() {
    Response login = login(https);
    Response logout = https.http.post("/v1/logout", session(login), null);

    assertThat(attributes(cookie(login))).contains("Secure", "HttpOnly", "SameSite=Strict");
    assertThat(logout.status()).as("%s", logout).isEqualTo(200);
    assertThat(attributes(cookie(logout)))
        .contains("Secure", "HttpOnly", "SameSite=Strict", "Max-Age=0");
  }

  @Test
  void loginAndLogoutWhenPublicUrlHttpThenCookiesNotSecure() {
    Response login = login(http);
    Response logout = http.http.post("/v1/logout", session(login), null);

    assertThat(attributes(cookie(login)))
        .contains("HttpOnly", "SameSite=Strict")
        .doesNotContain("Secure");
    assertThat(attributes(cookie(logout))).contains("Max-Age=0").doesNotContain("Secure");
  }

  @Test
  void everyAnswerWhenPublicUrlHttpsThenStrictTransportSecurity() throws Exception {
    for (HttpResponse<String> answer : answers(https)) {
      assertThat(answer.headers().allValues(HSTS))
          .as("%s %s", answer.uri(), answer.statusCode())
          .containsExactly("max-age=31536000");
    }
  }

  @Test
  void everyAnswerWhenPublicUrlHttpThenNoStrictTransportSecurity() throws Exception {
    for (HttpResponse<String> answer : answers(http)) {
      assertThat(answer.headers().firstValue(HSTS))
          .as("%s %s", answer.uri(), answer.statusCode())
          .isEmpty();
    }
  }

  @Test
  void requestTimeoutWhenPublicUrlHttpsThenItsAnswerHasStrictTransportSecurityToo()
      throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", https.app.port())) {
      socket.setSoTimeout(5_000);
      // A head, then a body that never comes: answered 408 by the request timeout, below the
      // router.
      socket
          .getOutputStream()
          .write(
              ("POST /v2/api_tokens HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String answer =
          new String(
              socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
      assertThat(answer)
          .startsWith("HTTP/1.1 408")
          .containsIgnoringCase(HSTS + ": max-age=31536000");
    }
  }

  /**
   * One answer of every kind: the hot lane, the router (200, 401, 404), a Console page and an
   * over-long header.
   */
  private static List<HttpResponse<String>> answers(TestServer server) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<HttpResponse<String>> answers = new ArrayList<>();
    for (String path :
        List.of(
            "/healthz",
            "/v2/auth/check",
            "/v1/user",
            "/no/such/path",
            "/console/",
            "/openapi.json")) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path));
      answers.add(
          client.send(
              path.equals("/v2/auth/check")
                  ? request.POST(HttpRequest.BodyPublishers.ofString("{}")).build()
                  : request.build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    answers.add(
        client.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/user"))
                .header("X-Large", "x".repeat(20_000))
                .build(),
            HttpResponse.BodyHandlers.ofString()));
    assertThat(answers)
        .extracting(HttpResponse::statusCode)
        .containsExactly(200, 401, 401, 404, 200, 200, 431);
    return answers;
  }

  private static Response login(TestServer server) {
    Response login =
        server.http.post(
            "/v1/login",
            Auth.NONE,
            Map.of("email", TestServer.ADMIN_EMAIL, "password", TestServer.ADMIN_PASSWORD));
    assertThat(login.status()).as("%s", login).isEqualTo(200);
    assertThat(login.headers().firstValue(HSTS).isPresent()).isEqualTo(server == https);
    return login;
  }

  private static Auth.Session session(Response login) {
    String cookie = cookie(login);
    return new Auth.Session(
        cookie.substring("tks_session=".length(), cookie.indexOf(';')),
        login.body().path("csrf_token").asText(),
        login.body().path("id").asLong(),
        login.body().path("client_id").asLong());
  }

  private static String cookie(Response response) {
    return response.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith("tks_session="))
        .findFirst()
        .orElseThrow();
  }

  private static List<String> attributes(String cookie) {
    return List.of(cookie.split(";")).stream().map(String::trim).toList();
  }
}
