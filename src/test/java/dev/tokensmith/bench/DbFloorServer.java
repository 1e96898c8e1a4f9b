package dev.tokensmith.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The database floor for {@code bench/miss.sh}: a bare Vert.x server that answers {@code POST
 * /v2/auth/check} with one primary-key read per request, handed from the event loop to the worker
 * pool and run through HikariCP with Tokensmith's pool size — what a verifier whose every request
 * misses cannot do without.
 *
 * <p>The row read is the token's secret row, by its key: {@code SELECT token_id, valid_until FROM
 * api_token_secrets WHERE digest = ?}. That is the very index Tokensmith's lookup walks (64
 * characters of random digest, one leaf per key), so the floor differs from a miss by what
 * Tokensmith does around the read, not by a cheaper key. The server does not hold the pepper: it
 * reads every stored digest at start in token order, which is the pool file's order when the pool
 * is every seeded token ({@code seed --tokens N --pool N}), and maps each secret to its digest in
 * memory.
 *
 * <p>{@code java -cp … dev.tokensmith.bench.DbFloorServer <port> <pool file> <jdbc url> <user>
 * [pool size=16]}
 */
public final class DbFloorServer {
  private DbFloorServer() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    List<String> pool = Files.readAllLines(Path.of(args[1]));
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(args[2]);
    config.setUsername(args[3]);
    config.setMaximumPoolSize(args.length > 4 ? Integer.parseInt(args[4]) : 16);
    config.setPoolName("floor");
    HikariDataSource db = new HikariDataSource(config);
    List<String> stored = new ArrayList<>(pool.size());
    try (Connection c = db.getConnection();
        PreparedStatement all =
            c.prepareStatement("SELECT digest FROM api_token_secrets ORDER BY token_id");
        ResultSet rows = all.executeQuery()) {
      while (rows.next()) {
        stored.add(rows.getString(1));
      }
    }
    if (stored.size() != pool.size()) {
      throw new IllegalStateException(
          "the pool file must hold every seeded token: "
              + pool.size()
              + " lines, "
              + stored.size()
              + " secrets stored");
    }
    Map<String, String> digests = new HashMap<>();
    for (int i = 0; i < pool.size(); i++) {
      digests.put(pool.get(i), stored.get(i));
    }
    Vertx vertx = Vertx.vertx();
    int loops = Runtime.getRuntime().availableProcessors();
    Map<String, String> frozen = Map.copyOf(digests);
    vertx
        .deployVerticle(
            () -> new Server(port, db, frozen), new DeploymentOptions().setInstances(loops))
        .await();
    System.out.println(
        "database floor server on "
            + port
            + " with "
            + loops
            + " event loops, "
            + config.getMaximumPoolSize()
            + " connections, "
            + digests.size()
            + " tokens");
  }

  private static final class Server extends VerticleBase {
    private final int port;
    private final HikariDataSource db;
    private final Map<String, String> digests;

    Server(int port, HikariDataSource db, Map<String, String> digests) {
      this.port = port;
      this.db = db;
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
      String token = request.getHeader("X-WallarmApi-Token");
      // An unknown value is read too (under a key no row has): a flood costs the floor a read each.
      String digest = token == null ? null : digests.getOrDefault(token, token);
      request
          .body()
          .compose(body -> vertx.executeBlocking(() -> read(digest), false))
          .onComplete(
              read -> {
                if (read.failed()) {
                  request.response().setStatusCode(503).end();
                } else if (read.result() == null) {
                  request
                      .response()
                      .setStatusCode(401)
                      .putHeader("Content-Type", "application/json")
                      .end("{\"status\":401,\"body\":\"Unauthorized\"}");
                } else {
                  request
                      .response()
                      .putHeader("Content-Type", "application/json")
                      .end("{\"status\":200,\"body\":{\"token_id\":" + read.result() + "}}");
                }
              });
    }

    private Long read(String digest) throws SQLException {
      if (digest == null) {
        return null;
      }
      try (Connection c = db.getConnection();
          PreparedStatement select =
              c.prepareStatement(
                  "SELECT token_id, valid_until FROM api_token_secrets WHERE digest = ?")) {
        select.setString(1, digest);
        try (ResultSet row = select.executeQuery()) {
          return row.next() ? row.getLong(1) : null;
        }
      }
    }
  }
}
