package dev.tokensmith.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The floor for {@code bench/load.sh BARE=1}: a bare Vert.x server on the same machine, with no
 * Tokensmith in it, answering the same two requests. {@code GET /healthz} answers a constant;
 * {@code POST /v2/auth/check} reads the body, takes one HMAC-SHA-256 of the token header and looks
 * it up in a map of the pool's digests — a hash-and-lookup request, the least a verifier can do.
 *
 * <p>{@code java -cp … dev.tokensmith.bench.BareServer <port> <pool file>}
 */
public final class BareServer {
  private BareServer() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    List<String> pool = Files.readAllLines(Path.of(args[1]));
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    SecretKeySpec pepper = new SecretKeySpec(key, "HmacSHA256");
    Map<ByteBuffer, Long> digests = new HashMap<>();
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(pepper);
    for (int i = 0; i < pool.size(); i++) {
      digests.put(
          ByteBuffer.wrap(mac.doFinal(pool.get(i).getBytes(StandardCharsets.US_ASCII))),
          (long) i + 1);
    }
    Vertx vertx = Vertx.vertx();
    int loops = Runtime.getRuntime().availableProcessors();
    vertx
        .deployVerticle(
            () -> new Server(port, pepper, Map.copyOf(digests)),
            new DeploymentOptions().setInstances(loops))
        .await();
    System.out.println(
        "bare server on "
            + port
            + " with "
            + loops
            + " event loops, "
            + digests.size()
            + " tokens");
  }

  private static final class Server extends VerticleBase {
    private final int port;
    private final Mac mac;
    private final Map<ByteBuffer, Long> digests;

    Server(int port, SecretKeySpec pepper, Map<ByteBuffer, Long> digests) {
      this.port = port;
      try {
        this.mac = Mac.getInstance("HmacSHA256");
        this.mac.init(pepper);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
      this.digests = digests;
    }

    @Override
    public Future<?> start() {
      return vertx
          .createHttpServer(new HttpServerOptions().setHost("127.0.0.1"))
          .requestHandler(this::handle)
          .listen(port);
    }

    private void handle(HttpServerRequest request) {
      if (request.method() == HttpMethod.GET && request.path().equals("/healthz")) {
        request
            .response()
            .putHeader("Content-Type", "application/json")
            .end("{\"status\":200,\"body\":\"ok\"}");
        return;
      }
      request.body().onSuccess(body -> check(request, body));
    }

    private void check(HttpServerRequest request, Buffer body) {
      String token = request.getHeader("X-WallarmApi-Token");
      // One verticle per event loop: its Mac is only ever used from that loop's thread.
      Long id =
          token == null
              ? null
              : digests.get(
                  ByteBuffer.wrap(mac.doFinal(token.getBytes(StandardCharsets.US_ASCII))));
      if (id == null) {
        request
            .response()
            .setStatusCode(401)
            .putHeader("Content-Type", "application/json")
            .end("{\"status\":401,\"body\":\"Unauthorized\"}");
        return;
      }
      request
          .response()
          .putHeader("Content-Type", "application/json")
          .end(
              "{\"status\":200,\"body\":{\"token_id\":"
                  + id
                  + ",\"body_bytes\":"
                  + body.length()
                  + "}}");
    }
  }
}
