package dev.tokensmith.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A request must arrive whole within the request timeout (here 1 s): a client that never finishes
 * its head or body, or sends it a byte at a time, loses the connection; a client that keeps its
 * connection open between requests, or reads its answer slowly, does not.
 */
class SlowRequestIT {
  private static final long TIMEOUT_MILLIS = 1000;

  /** How long a refused client may wait for the close: the timeout and a second. */
  private static final long BOUND_MILLIS = TIMEOUT_MILLIS + 1000;

  @AutoClose static TestServer server;
  static Issued token;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("TOKENSMITH_REQUEST_TIMEOUT_SECONDS", "1"));
    Fixtures fixtures = new Fixtures(server);
    token =
        fixtures.token(fixtures.user(fixtures.tenant("Slow"), "admin").session(), List.of("admin"));
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", server.app.port());
    socket.setTcpNoDelay(true);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
  }

  /** Sends {@code text} one byte every 200 ms from another thread, until the server closes. */
  private static void trickle(Socket socket, String text) {
    Thread thread =
        new Thread(
            () -> {
              try {
                OutputStream out = socket.getOutputStream();
                for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
                  out.write(b);
                  out.flush();
                  Thread.sleep(200);
                }
              } catch (IOException | InterruptedException e) {
                // closed by the server: the point
              }
            },
            "trickle");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * What the server sent until it closed; fails when it is still open {@code BOUND_MILLIS} after
   * {@code since}.
   */
  private static String closedWithinBound(Socket socket, long since) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    while (true) {
      long left = since + BOUND_MILLIS - System.currentTimeMillis();
      assertThat(left)
          .as("still open %d ms after the first byte; received %s", BOUND_MILLIS, received)
          .isPositive();
      socket.setSoTimeout((int) left);
      try {
        int b = in.read();
        if (b < 0) {
          return received.toString(StandardCharsets.UTF_8);
        }
        received.write(b);
      } catch (SocketTimeoutException e) {
        throw new AssertionError(
            "still open " + BOUND_MILLIS + " ms after the first byte; received " + received);
      } catch (SocketException e) {
        return received.toString(
            StandardCharsets.UTF_8); // reset: closed while we were still sending
      }
    }
  }

  private static String head(String method, String path, String... headers) {
    StringBuilder head =
        new StringBuilder(
            method
                + " "
                + path
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "X-WallarmApi-Token: "
                + token.secret()
                + "\r\n");
    for (String header : headers) {
      head.append(header).append("\r\n");
    }
    return head.append("\r\n").toString();
  }

  @Test
  void connectionWhenNothingSentThenClosedWithinTimeout() throws IOException {
    try (Socket socket = connect()) {
      assertThat(closedWithinBound(socket, System.currentTimeMillis())).isEmpty();
    }
  }

  @Test
  void requestWhenHeadNeverCompletesThenClosedWithinTimeout() throws IOException {
    for (String partial :
        List.of(
            "POST /v2/auth/check HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Wallarm",
            "GET /v2/api_tokens HTTP/1.1\r\n",
            "PRI * HTTP/2.0\r\n",
            "P",
            "\r\n")) {
      try (Socket socket = connect()) {
        long since = System.currentTimeMillis();
        send(socket, partial);
        assertThat(closedWithinBound(socket, since)).as(partial).isEmpty();
      }
    }
  }

  @Test
  void requestWhenHeadArrivesOneByteAtATimeThenClosedWithinTimeoutOfItsFirstByte()
      throws IOException {
    for (String head :
        List.of(
            head("POST", "/v2/auth/check", "X-Pad: " + "x".repeat(100)),
            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")) {
      try (Socket socket = connect()) {
        long since = System.currentTimeMillis();
        trickle(socket, head);
        closedWithinBound(socket, since);
      }
    }
  }

  @Test
  void requestWhenBodyNeverCompletesThenTimeoutAnswerInEnvelopeAndClosed() throws IOException {
    for (String path : List.of("/v2/auth/check", "/v2/api_tokens")) {
      for (String framing : List.of("Content-Length: 40", "Transfer-Encoding: chunked")) {
        try (Socket socket = connect()) {
          long since = System.currentTimeMillis();
          send(
              socket,
              head("POST", path, "Content-Type: application/json", framing)
                  + (framing.startsWith("Content") ? "{\"realname\":" : "b\r\n{\"realname\"\r\n"));
          String answer = closedWithinBound(socket, since);

          assertThat(answer)
              .as("%s %s", path, framing)
              .startsWith("HTTP/1.1 408 ")
              .endsWith("{\"status\":408,\"body\":\"Request timeout\"}");
          assertThat(answer.toLowerCase(Locale.ROOT))
              .contains("connection: close", "x-content-type-options: nosniff", "x-request-id: ");
        }
      }
    }
  }

  @Test
  void pipelinedRequestWhenItsHeadOrBodyNeverCompletesThenClosedWithinTimeout() throws IOException {
    // The stalled request's first bytes come in the same packet as the end of a whole one before
    // it.
    String whole = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    for (String stalled :
        List.of(
            "G",
            "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n",
            head("POST", "/v2/auth/check", "Content-Length: 40") + "{\"pad\":")) {
      try (Socket socket = connect()) {
        long since = System.currentTimeMillis();
        send(socket, whole + stalled);
        String answers = closedWithinBound(socket, since);

        assertThat(answers).as(stalled).startsWith("HTTP/1.1 200 ");
        if (stalled.endsWith(":")) {
          assertThat(answers).endsWith("{\"status\":408,\"body\":\"Request timeout\"}");
        }
      }
    }
  }

  @Test
  void keepAliveWhenRequestsPipelinedOrALineEndFollowsTheBodyThenIdleConnectionKept()
      throws Exception {
    String check = head("POST", "/v2/auth/check", "Content-Length: 2") + "{}";
    try (Socket socket = connect()) {
      socket.setSoTimeout(10_000);
      send(socket, check + check + check);
      for (int i = 0; i < 3; i++) {
        assertThat(readAnswer(socket)).startsWith("HTTP/1.1 200 ");
      }
      Thread.sleep(TIMEOUT_MILLIS + 500);
      // Some clients end a body with an extra CRLF, which servers ignore: it starts no request.
      send(socket, check + "\r\n");
      assertThat(readAnswer(socket)).startsWith("HTTP/1.1 200 ");
      Thread.sleep(TIMEOUT_MILLIS + 500);
      send(socket, check);
      assertThat(readAnswer(socket)).startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void requestWhenBodyArrivesOneByteAtATimeThenClosedWithinTimeoutOfItsFirstByte()
      throws IOException {
    try (Socket socket = connect()) {
      long since = System.currentTimeMillis();
      send(socket, head("POST", "/v2/auth/check", "Content-Length: 200"));
      trickle(socket, "{\"pad\":\"" + "x".repeat(190) + "\"}");
      closedWithinBound(socket, since);
    }
  }

  @Test
  void http2StreamWhenBodyNeverCompletesThenTimeoutAnswerAndTheConnectionKeepsServing()
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      // Prior knowledge: the JDK client holds an HTTP/2 answer back until its own body is sent.
      HttpClient client =
          vertx.createHttpClient(
              new HttpClientOptions()
                  .setProtocolVersion(HttpVersion.HTTP_2)
                  .setHttp2ClearTextUpgrade(false)
                  .setDefaultHost("127.0.0.1")
                  .setDefaultPort(server.app.port()));
      for (String path : List.of("/v2/auth/check", "/v2/api_tokens")) {
        long since = System.currentTimeMillis();
        String answer =
            client
                .request(HttpMethod.POST, path)
                .compose(
                    request -> {
                      // The server resets the stream after its answer (so that the client stops
                      // sending): expected.
                      request.exceptionHandler(e -> {});
                      request
                          .putHeader("X-WallarmApi-Token", token.secret())
                          .putHeader("Content-Length", "100");
                      request.write("{\"pad\":");
                      return request.response();
                    })
                .compose(
                    response ->
                        response
                            .body()
                            .map(
                                body ->
                                    response.version() + " " + response.statusCode() + " " + body))
                .toCompletionStage()
                .toCompletableFuture()
                .get(BOUND_MILLIS, TimeUnit.MILLISECONDS);

        assertThat(answer)
            .as(path)
            .isEqualTo("HTTP_2 408 {\"status\":408,\"body\":\"Request timeout\"}");
        assertThat(System.currentTimeMillis() - since).isLessThan(BOUND_MILLIS);
      }
      String after =
          client
              .request(HttpMethod.POST, "/v2/auth/check")
              .compose(
                  request -> request.putHeader("X-WallarmApi-Token", token.secret()).send("{}"))
              .map(response -> response.version() + " " + response.statusCode())
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      assertThat(after).isEqualTo("HTTP_2 200");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void keepAliveWhenTheFirstRequestArrivesWholeThenTheIdleConnectionIsKept() throws Exception {
    String check = head("POST", "/v2/auth/check", "Content-Length: 2") + "{}";
    for (String first : List.of(check, head("GET", "/healthz"))) {
      try (Socket socket = connect()) {
        socket.setSoTimeout(10_000);
        send(socket, first);
        assertThat(readAnswer(socket)).startsWith("HTTP/1.1 200 ");
        // Idle after its first request for longer than the timeout: a pooled connection.
        Thread.sleep(TIMEOUT_MILLIS + 500);
        send(socket, check);
        assertThat(readAnswer(socket)).as("after %s", first).startsWith("HTTP/1.1 200 ");
      }
    }
  }

  @Test
  void keepAliveWhenRequestsKeepComingOrPauseBetweenThemThenEveryOneAnswered() throws Exception {
    String check = head("POST", "/v2/auth/check", "Content-Length: 2") + "{}";
    try (Socket socket = connect()) {
      socket.setSoTimeout(10_000);
      // Longer than the timeout in all, each request prompt: the clock starts again with every
      // request.
      for (int i = 0; i < 6; i++) {
        send(socket, check);
        assertThat(readAnswer(socket)).startsWith("HTTP/1.1 200 ");
        Thread.sleep(300);
      }
      // Idle between requests for longer than the timeout: kept.
      Thread.sleep(TIMEOUT_MILLIS + 500);
      send(socket, check);
      assertThat(readAnswer(socket)).startsWith("HTTP/1.1 200 ");
      // A head in two parts well within the timeout, then a body a moment later.
      send(socket, check.substring(0, 30));
      Thread.sleep(300);
      send(socket, check.substring(30, check.length() - 2));
      Thread.sleep(300);
      send(socket, "{}");
      assertThat(readAnswer(socket)).startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void answerWhenReadSlowerThanTheTimeoutThenDeliveredWhole() throws Exception {
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(4096);
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", server.app.port()));
      socket.setSoTimeout(10_000);
      send(
          socket,
          "GET /console/swagger-ui/swagger-ui-bundle.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      Thread.sleep(TIMEOUT_MILLIS + 500);
      String answer = readAnswer(socket);
      assertThat(answer).startsWith("HTTP/1.1 200 ");
      send(socket, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assertThat(readAnswer(socket)).startsWith("HTTP/1.1 200 ");
    }
  }

  /** One answer with a Content-Length, read whole. */
  private static String readAnswer(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      assertThat(b).as("answer head so far: %s", head).isNotNegative();
      head.append((char) b);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    assertThat(body).hasSize(length);
    return head + new String(body, StandardCharsets.UTF_8);
  }
}
