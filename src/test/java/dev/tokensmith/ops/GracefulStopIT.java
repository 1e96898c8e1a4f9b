package dev.tokensmith.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokensmith.testing.TestServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A stop (SIGTERM) first tells the load balancer: {@code /readyz} answers 503 at once while the
 * server still takes requests for the drain delay; then it stops accepting, and requests in flight
 * are answered before the connections close.
 */
class GracefulStopIT {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void stopWhenRequestInFlightThenReadyzUnavailableAtOnceAndTheRequestAnswered() throws Exception {
    // A password check this costly keeps a login busy for a while on any machine.
    try (TestServer server =
        TestServer.start(
            Map.of(
                "TOKENSMITH_PASSWORD_MEMORY_KIB",
                "32768",
                "TOKENSMITH_PASSWORD_PASSES",
                "40",
                "TOKENSMITH_SHUTDOWN_DRAIN_SECONDS",
                "1"))) {
      HttpRequest login =
          HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/login"))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"email\":\"nobody@example.com\",\"password\":\"not-the-one-1\"}"))
              .build();
      CompletableFuture<HttpResponse<String>> inFlight =
          CLIENT.sendAsync(login, HttpResponse.BodyHandlers.ofString());
      Thread.sleep(300);

      CompletableFuture<Void> stopped = CompletableFuture.runAsync(server.app::close);
      HttpResponse<String> ready = readyzOnceStopping(server);
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);

      HttpResponse<String> answered = inFlight.get(60, TimeUnit.SECONDS);
      assertThat(answered.statusCode()).as(answered.body()).isEqualTo(401);
      stopped.get(60, TimeUnit.SECONDS);
      assertThatThrownBy(() -> get(server, "/healthz")).isInstanceOf(ConnectException.class);
    }
  }

  // The stop runs on another thread: the first answer that is not 200 (within a second) is the one.
  private static HttpResponse<String> readyzOnceStopping(TestServer server) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    HttpResponse<String> ready = get(server, "/readyz");
    while (ready.statusCode() == 200 && System.nanoTime() < deadline) {
      Thread.sleep(20);
      ready = get(server, "/readyz");
    }
    return ready;
  }

  private static HttpResponse<String> get(TestServer server, String path)
      throws IOException, InterruptedException {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
