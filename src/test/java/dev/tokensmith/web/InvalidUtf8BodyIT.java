package dev.tokensmith.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A JSON body must be UTF-8: bad bytes answer 400 like any body that is not JSON, and change
 * nothing.
 */
@UsesDatabase
class InvalidUtf8BodyIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** Byte sequences no UTF-8 decoder may accept. */
  static final List<byte[]> INVALID =
      List.of(
          new byte[] {(byte) 0xC3, 0x28}, // a lead byte without its continuation
          new byte[] {(byte) 0xFF}, // never valid in UTF-8
          new byte[] {(byte) 0x80}, // a lone continuation byte
          new byte[] {(byte) 0xC0, (byte) 0xAE}, // overlong "."
          new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate
          new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // beyond U+10FFFF
          new byte[] {(byte) 0xE2, (byte) 0x82}); // cut short

  @AutoClose static TestServer server;
  static Issued token;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    Fixtures fixtures = new Fixtures(server);
    token =
        fixtures.token(
            fixtures.user(fixtures.tenant("Bytes"), "admin").session(), List.of("admin"));
  }

  /** {@code prefix + bytes + suffix} sent with the token; the answer's envelope. */
  private static JsonNode send(
      String method, String path, String prefix, byte[] bytes, String suffix) throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
    body.writeBytes(bytes);
    body.writeBytes(suffix.getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
            .header("X-WallarmApi-Token", token.secret())
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
            .build();
    HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode envelope = JSON.readTree(response.body());
    assertThat(envelope.path("status").asInt())
        .as(response.body())
        .isEqualTo(response.statusCode());
    return envelope;
  }

  private static int tokenCount() {
    return server.http.get("/v2/api_tokens", token.auth()).body().size();
  }

  @Test
  void checkWhenBodyIsNotUtf8ThenBadRequestEnvelope() throws Exception {
    for (byte[] bytes : INVALID) {
      JsonNode answer = send("POST", "/v2/auth/check", "{\"pad\":\"", bytes, "\"}");

      assertThat(answer.path("status").asInt()).as("%s", answer).isEqualTo(400);
      assertThat(answer.path("body").path("body").path("error").asText())
          .as("%s", answer)
          .isEqualTo("invalid");
    }
    JsonNode trailing = send("POST", "/v2/auth/check", "{}", new byte[] {(byte) 0xFF}, "");
    assertThat(trailing.path("status").asInt()).isEqualTo(400);
  }

  @Test
  void createWhenBodyIsNotUtf8ThenBadRequestAndNothingCreated() throws Exception {
    int before = tokenCount();
    for (byte[] bytes : INVALID) {
      JsonNode answer =
          send(
              "POST",
              "/v2/api_tokens",
              "{\"realname\":\"x",
              bytes,
              "\",\"permissions\":[\"admin\"]}");

      assertThat(answer.path("status").asInt()).as("%s", answer).isEqualTo(400);
      assertThat(answer.path("body").path("body").path("error").asText())
          .as("%s", answer)
          .isEqualTo("invalid");
    }
    assertThat(tokenCount()).isEqualTo(before);
  }

  @Test
  void createWhenTextEscapesAnUnpairedSurrogateThenBadRequestAndNothingCreated() throws Exception {
    // Valid JSON, but not text: stored, it would come back as "?" (UTF-8 cannot hold it).
    int before = tokenCount();
    for (String escaped : List.of("\\ud800", "a\\udfffb", "\\udd1e\\ud834", "x\\ud834")) {
      JsonNode answer =
          send(
              "POST",
              "/v2/api_tokens",
              "{\"realname\":\"" + escaped + "\",\"permissions\":[\"admin\"]}",
              new byte[0],
              "");

      assertThat(answer.path("status").asInt()).as("%s: %s", escaped, answer).isEqualTo(400);
      assertThat(answer.path("body").path("realname").path("error").asText())
          .as("%s", answer)
          .isEqualTo("invalid");
    }
    JsonNode user =
        send(
            "POST",
            "/v1/objects/user/create",
            "{\"email\":\"u\\ud800@example.com\",\"realname\":\"x\",\"permissions\":[\"analytic\"]}",
            new byte[0],
            "");
    assertThat(user.path("status").asInt()).as("%s", user).isEqualTo(400);
    assertThat(tokenCount()).isEqualTo(before);
  }

  @Test
  void createWhenBodyIsValidMultiByteUtf8ThenStoredAsSent() throws Exception {
    String name = "caf\u00e9 \u2713 \ud834\udd1e";
    JsonNode created =
        send(
            "POST",
            "/v2/api_tokens",
            "{\"realname\":\"",
            name.getBytes(StandardCharsets.UTF_8),
            "\",\"permissions\":[\"admin\"]}");

    assertThat(created.path("status").asInt()).as("%s", created).isEqualTo(200);
    String read =
        server
            .http
            .get("/v2/api_tokens/" + created.path("body").path("id").asLong(), token.auth())
            .body()
            .path("realname")
            .asText();
    assertThat(read).isEqualTo(name);
    assertThat(send("POST", "/v2/auth/check", "", new byte[0], "").path("status").asInt())
        .isEqualTo(200);
    assertThat(send("POST", "/v2/auth/check", " \r\n", new byte[0], "").path("status").asInt())
        .isEqualTo(200);
    assertThat(send("POST", "/v2/auth/check", "{}", new byte[0], "").path("status").asInt())
        .isEqualTo(200);
    assertThat(
            server
                .http
                .post("/v2/auth/check", token.auth(), Map.of("permission", "users:view"))
                .status())
        .isEqualTo(200);
  }
}
