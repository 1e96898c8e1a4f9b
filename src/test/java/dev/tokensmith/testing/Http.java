package dev.tokensmith.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * A small HTTP client for API tests: sends JSON, parses the envelope, remembers every secret it is
 * handed ({@link SecretLedger}) and fails at once if an error body ever carries one.
 */
public final class Http {
  private static final ObjectMapper JSON = new ObjectMapper();

  // A node's "token" is its node token.
  private static final Set<String> SECRET_FIELDS =
      Set.of("secret", "csrf_token", "token", "signing_secret");

  private final String base;
  // A pool of its own for each server: a connection of a stopped server is never handed to a
  // request for a later one that got its port from the system again.
  private final HttpClient client;

  public Http(String base) {
    this.base = base;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  public Response get(String path, Auth auth) {
    return send("GET", path, auth, null, Map.of());
  }

  public Response post(String path, Auth auth, Object body) {
    return send("POST", path, auth, body, Map.of());
  }

  public Response put(String path, Auth auth, Object body) {
    return send("PUT", path, auth, body, Map.of());
  }

  public Response delete(String path, Auth auth) {
    return send("DELETE", path, auth, null, Map.of());
  }

  /** Sends any request; {@code body} is a raw String or an object serialised as JSON. */
  public Response send(
      String method, String path, Auth auth, Object body, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    auth.apply(request, !method.equals("GET") && !method.equals("HEAD"));
    headers.forEach(request::header);
    String text = body == null ? null : body instanceof String s ? s : write(body);
    request.method(
        method,
        text == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(text));
    if (text != null) {
      request.header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return remember(response);
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Response remember(HttpResponse<String> response) {
    JsonNode json = null;
    try {
      json = response.body().isEmpty() ? null : JSON.readTree(response.body());
    } catch (IOException e) {
      // not JSON (CSV, metrics)
    }
    if (json != null) {
      collect(json);
    }
    response
        .headers()
        .allValues("Set-Cookie")
        .forEach(
            cookie -> {
              int eq = cookie.indexOf('=');
              int end = cookie.indexOf(';');
              SecretLedger.record(cookie.substring(eq + 1, end < 0 ? cookie.length() : end));
            });
    if (response.statusCode() >= 400) {
      assertThat(SecretLedger.findIn(response.body()))
          .as("a secret in an error body: %s", response.body())
          .isNull();
    }
    assertThat(response.statusCode())
        .as("no request may produce a 500: %s", response.body())
        .isNotEqualTo(500);
    return new Response(response.statusCode(), response.body(), json, response.headers());
  }

  private static void collect(JsonNode node) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              field -> {
                if (SECRET_FIELDS.contains(field.getKey()) && field.getValue().isTextual()) {
                  SecretLedger.record(field.getValue().asText());
                }
                if (field.getKey().equals("set_password_url") && field.getValue().isTextual()) {
                  String url = field.getValue().asText();
                  SecretLedger.record(url.substring(url.indexOf("code=") + "code=".length()));
                }
                collect(field.getValue());
              });
    } else if (node.isArray()) {
      node.forEach(Http::collect);
    }
  }

  private static String write(Object body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
