package dev.tokensmith.bench;

import dev.tokensmith.App;
import dev.tokensmith.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** An in-process Tokensmith over an in-memory H2 database, with seeded tokens, for benchmarks. */
final class BenchApp {
  final App app;
  final List<String> secrets;

  BenchApp(int tokens, int pool, int cacheSeconds) {
    try {
      Path dir = Files.createTempDirectory("tokensmith-bench");
      app =
          new App(
              Settings.from(
                  Map.of(
                      "TOKENSMITH_DATA_DIR",
                      dir.toString(),
                      "TOKENSMITH_DB_URL",
                      "jdbc:h2:mem:bench"
                          + UUID.randomUUID()
                          + ";DB_CLOSE_DELAY=-1;MODE=PostgreSQL;"
                          + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
                      "TOKENSMITH_ADMIN_PASSWORD",
                      "bench-password-1",
                      "TOKENSMITH_PASSWORD_MEMORY_KIB",
                      "64",
                      "TOKENSMITH_CACHE_SECONDS",
                      Integer.toString(cacheSeconds))),
              Clock.systemUTC());
      Path file = dir.resolve("pool.txt");
      app.seed(tokens, file, pool);
      secrets = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
