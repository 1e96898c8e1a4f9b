package dev.tokensmith.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What a node instance sends to a Tokensmith server, over plain HTTP: its registration with a node
 * token (or an API token made for node deployment) and its syncs with the credential pair the
 * registration returned. Used by the {@code tokensmith node} commands.
 */
public final class NodeClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String base;
  private final HttpClient http;

  /** A client of the server at {@code baseUrl} ({@code http(s)://host:port}, no path needed). */
  public NodeClient(String baseUrl) {
    this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    URI uri = URI.create(this.base);
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "the server URL must be http:// or https:// with a host: " + baseUrl);
    }
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  /**
   * True when what this client sends would cross a network unencrypted: plain {@code http://} to a
   * host other than this machine.
   */
  public boolean inTheClear() {
    URI uri = URI.create(base);
    String host = uri.getHost().toLowerCase(java.util.Locale.ROOT);
    boolean loopback =
        host.equals("localhost")
            || host.startsWith("127.")
            || host.equals("[::1]")
            || host.equals("::1");
    return "http".equals(uri.getScheme()) && !loopback;
  }

  /** The server answered with an error: its status and its message (never a secret). */
  public static final class Refused extends Exception {
    private final int status;

    Refused(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }

    /** 401 or 403: the credential is not (or no longer) accepted; retrying will not help. */
    public boolean unauthorized() {
      return status == 401 || status == 403;
    }

    /** A server-side or rate-limit answer that may pass on its own. */
    public boolean mayPass() {
      return status == 429 || status >= 500;
    }
  }

  /** The answer of a sync. */
  public record Synced(long nodeId, long configVersion) {}

  /**
   * Registers an instance named {@code hostname}; {@code group} names the node when the token is an
   * API token (null: none sent).
   *
   * @return the instance's credential pair
   */
  public NodeCredentials register(String token, String hostname, String group)
      throws IOException, InterruptedException, Refused {
    ObjectNode body = JSON.createObjectNode().put("hostname", hostname);
    if (group != null) {
      body.putObject("labels").put("group", group);
    }
    JsonNode answer =
        send(
            request("/v2/node/register", body).header("X-WallarmApi-Token", token).build(),
            "registration");
    String uuid = answer.path("uuid").asText("");
    String secret = answer.path("secret").asText("");
    if (uuid.isEmpty() || secret.isEmpty() || !answer.path("node_id").canConvertToLong()) {
      throw new IOException("the registration answer carries no credential pair");
    }
    return new NodeCredentials(base, uuid, secret, answer.path("node_id").asLong());
  }

  /** One sync with the instance's pair. */
  public Synced sync(NodeCredentials credentials)
      throws IOException, InterruptedException, Refused {
    JsonNode answer =
        send(
            request("/v2/node/sync", JSON.createObjectNode())
                .header("X-WallarmAPI-UUID", credentials.uuid())
                .header("X-WallarmAPI-Secret", credentials.secret())
                .build(),
            "sync");
    return new Synced(answer.path("node_id").asLong(), answer.path("config_version").asLong());
  }

  private HttpRequest.Builder request(String path, JsonNode body) throws IOException {
    return HttpRequest.newBuilder(URI.create(base + path))
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
  }

  private JsonNode send(HttpRequest request, String what)
      throws IOException, InterruptedException, Refused {
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    JsonNode envelope;
    try {
      envelope = JSON.readTree(response.body());
    } catch (IOException notJson) {
      envelope = null;
    }
    if (response.statusCode() == 200 && envelope != null && envelope.has("body")) {
      return envelope.path("body");
    }
    throw new Refused(
        response.statusCode(),
        what
            + " refused: HTTP "
            + response.statusCode()
            + " "
            + message(envelope, response.body()));
  }

  // The server's errors name fields and codes, never a credential; at most one short line.
  private static String message(JsonNode envelope, byte[] raw) {
    String text =
        envelope == null
            ? new String(raw, StandardCharsets.UTF_8)
            : envelope.has("body") ? envelope.path("body").toString() : envelope.toString();
    text = text.replaceAll("\\s+", " ").strip();
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }
}
