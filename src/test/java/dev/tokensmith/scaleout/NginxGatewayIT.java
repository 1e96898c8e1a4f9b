package dev.tokensmith.scaleout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real nginx in front of a small upstream, asking {@code /v2/auth/forward} through {@code
 * auth_request} (issue 4, criterion 6). The nginx configuration is the README's snippet.
 */
class NginxGatewayIT {
  static TestServer server;
  static HttpServer upstream;
  static Process nginx;
  static Path dir;
  static int nginxPort;
  static Issued reader;
  static final HttpClient CLIENT = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    boolean installed = Files.isExecutable(Path.of("/usr/sbin/nginx"));
    if (!installed && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("nginx is required under CI=true (.ci/run installs it)");
    }
    assumeTrue(
        installed, "nginx is not installed (apt-get install nginx); skipping the gateway test");
    dir = Files.createTempDirectory("nginx-test");
    Path routes = dir.resolve("routes.txt");
    Files.writeString(
        routes, "GET /api/attacks/** attacks:view\nPOST /api/attacks attacks:create\n");
    server = TestServer.start(Map.of("TOKENSMITH_FORWARD_ROUTES_FILE", routes.toString()));
    Fixtures fixtures = new Fixtures(server);
    long tenant = fixtures.tenant("Gateway");
    reader = fixtures.token(fixtures.user(tenant, "admin").session(), List.of("attacks:view"));

    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          String body =
              "upstream saw user="
                  + exchange.getRequestHeaders().getFirst("X-Auth-User-Id")
                  + " client="
                  + exchange.getRequestHeaders().getFirst("X-Auth-Client-Id")
                  + " token="
                  + exchange.getRequestHeaders().getFirst("X-Auth-Token-Id");
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    upstream.start();

    try (ServerSocket free = new ServerSocket(0)) {
      nginxPort = free.getLocalPort();
    }
    String config =
        Files.readString(Path.of("docs/nginx-gateway.conf"))
            .replace("listen 8000;", "listen 127.0.0.1:" + nginxPort + ";")
            .replace("127.0.0.1:8080", "127.0.0.1:" + server.app.port())
            .replace("127.0.0.1:9000", "127.0.0.1:" + upstream.getAddress().getPort());
    Files.writeString(
        dir.resolve("nginx.conf"),
        "worker_processes 1;\nerror_log "
            + dir.resolve("error.log")
            + " warn;\npid "
            + dir.resolve("nginx.pid")
            + ";\nevents { worker_connections 64; }\nhttp {\n"
            + "access_log off;\nclient_body_temp_path "
            + dir
            + "/body;\nproxy_temp_path "
            + dir
            + "/proxy;\n"
            + "fastcgi_temp_path "
            + dir
            + "/fastcgi;\nuwsgi_temp_path "
            + dir
            + "/uwsgi;\nscgi_temp_path "
            + dir
            + "/scgi;\n"
            + config
            + "\n}\n");
    nginx =
        new ProcessBuilder(
                "/usr/sbin/nginx",
                "-p",
                dir.toString(),
                "-c",
                dir.resolve("nginx.conf").toString(),
                "-g",
                "daemon off;")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("nginx.out").toFile())
            .start();
    waitForPort(nginxPort);
  }

  private static void waitForPort(int port) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        if (!nginx.isAlive()) {
          throw new IllegalStateException(
              "nginx exited: " + Files.readString(dir.resolve("nginx.out")));
        }
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("nginx did not listen on " + port);
  }

  @AfterAll
  static void stop() throws Exception {
    if (nginx != null) {
      nginx.destroy();
      nginx.waitFor(5, TimeUnit.SECONDS);
    }
    if (upstream != null) {
      upstream.stop(0);
    }
    if (server != null) {
      server.close();
    }
  }

  private static HttpResponse<String> send(String method, String path, Auth auth) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginxPort + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    auth.apply(request, false);
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void gatewayWhenTokenHoldsPermissionThenUpstreamAnswersWithIdentityHeaders() throws Exception {
    HttpResponse<String> r = send("GET", "/api/attacks/17", reader.auth());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .startsWith("upstream saw user=")
        .contains("token=" + reader.id())
        .doesNotContain("user=null")
        .doesNotContain("client=null");
  }

  @Test
  void gatewayWhenTokenLacksPermissionThenForbidden() throws Exception {
    HttpResponse<String> r = send("POST", "/api/attacks", reader.auth());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).doesNotStartWith("upstream");
  }

  @Test
  void gatewayWhenNoTokenThenUnauthorized() throws Exception {
    assertThat(send("GET", "/api/attacks/1", Auth.NONE).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/api/attacks/1", Auth.token("not-a-token")).statusCode())
        .isEqualTo(401);
  }
}
