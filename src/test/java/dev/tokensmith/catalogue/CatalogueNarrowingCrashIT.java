package dev.tokensmith.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.ChildServer;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestDatabase;
import dev.tokensmith.testing.UsesDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start that takes a removed resource's permissions from stored tokens and users is killed with
 * SIGKILL while it works, several times; the start after that still ends with every token and user
 * narrowed exactly once: each has lost the removed permissions, and each change has exactly one
 * activity record. On the embedded default database and, in the PostgreSQL run, on PostgreSQL.
 */
@UsesDatabase
class CatalogueNarrowingCrashIT {
  private static final int TOKENS = 1_500;
  private static final int KILLS = 2;
  private static final Path SUITE_LOG = Path.of("target", "test-logs", "tokensmith.log");
  private static final String BILLING =
      """
      resources:
        - id: invoices
          actions: [view, create]
          roles:
            admin: [view, create]
        - id: customers
          actions: [view, update]
          roles:
            admin: [view, update]
      """;

  @TempDir Path dir;

  @Test
  void startKilledWhileNarrowingThenTheNextStartNarrowsEveryTokenAndUserOnce() throws Exception {
    TestDatabase database = TestDatabase.postgresqlSelected() ? TestDatabase.create() : null;
    try {
      Path before = dir.resolve("billing.yaml");
      Path after = dir.resolve("billing-without-customers.yaml");
      Files.writeString(before, BILLING);
      Files.writeString(after, BILLING.substring(0, BILLING.indexOf("  - id: customers")));
      ChildServer.Config config = ChildServer.Config.of(dir, database);
      ChildServer.Config withCustomers =
          config.with("TOKENSMITH_CATALOGUE_FILE", before.toString());
      ChildServer.Config withoutCustomers =
          config.with("TOKENSMITH_CATALOGUE_FILE", after.toString());

      long userId;
      try (ChildServer server = ChildServer.start(withCustomers)) {
        Auth.Session admin = server.admin();
        Response created =
            server.http.post(
                "/v1/objects/user/create",
                admin,
                Map.of(
                    "email", "clerk@billing.example",
                    "realname", "Clerk",
                    "password", "clerk-password-1",
                    "permissions", List.of("invoices:view", "customers:view")));
        assertThat(created.status()).as("%s", created).isEqualTo(200);
        userId = created.body().path("id").asLong();
        assertThat(server.stop()).isZero();
      }
      Process seed =
          ChildServer.launch(
              withCustomers,
              "seed",
              "--tokens",
              String.valueOf(TOKENS),
              "--pool",
              "1",
              "--out",
              dir.resolve("pool.txt").toString(),
              "--permissions",
              "invoices:view,customers:view");
      assertThat(seed.waitFor(120, TimeUnit.SECONDS)).as("seeding ends").isTrue();
      assertThat(seed.exitValue()).as("seeding: %s", read(config.output())).isZero();

      int interrupted = 0;
      for (int kill = 0; kill < KILLS; kill++) {
        long logOffset = Files.exists(SUITE_LOG) ? Files.size(SUITE_LOG) : 0;
        Process start = ChildServer.launch(withoutCustomers);
        try {
          awaitLogLine(start, logOffset, "Catalogue " + after + ": permissions were");
          Thread.sleep(ThreadLocalRandom.current().nextInt(0, 100));
          start.destroyForcibly();
          assertThat(start.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
          start.destroyForcibly();
        }
        if (!read(SUITE_LOG, logOffset).contains("removed permissions taken from")) {
          interrupted++;
        }
      }
      assertThat(interrupted).as("starts killed before the narrowing committed").isPositive();

      try (ChildServer server = ChildServer.start(withoutCustomers)) {
        Auth.Session admin = server.admin();
        List<JsonNode> tokens = all(server, admin, "/v2/api_tokens?limit=1000");
        assertThat(tokens).hasSize(TOKENS);
        assertThat(tokens)
            .allSatisfy(
                token ->
                    assertThat(token.path("permissions").toString())
                        .isEqualTo("[\"invoices:view\"]"));
        JsonNode user =
            server
                .http
                .post("/v1/objects/user", admin, Map.of("filter", Map.of("id", userId)))
                .body()
                .get(0);
        assertThat(user.path("permissions").toString()).isEqualTo("[\"invoices:view\"]");

        Map<String, Integer> recordsPerObject = new HashMap<>();
        for (JsonNode record : all(server, admin, "/v2/activity_log?action=update&limit=1000")) {
          recordsPerObject.merge(
              record.path("object_type").asText() + ":" + record.path("object_id").asText(),
              1,
              Integer::sum);
        }
        assertThat(recordsPerObject).hasSize(TOKENS + 1).containsEntry("user:" + userId, 1);
        assertThat(recordsPerObject.values()).containsOnly(1);
      }
    } finally {
      if (database != null) {
        database.close();
      }
    }
  }

  /** Every page of a list of up to 1000 per page. */
  private static List<JsonNode> all(ChildServer server, Auth admin, String path) {
    List<JsonNode> items = new ArrayList<>();
    for (int offset = 0; ; offset += 1000) {
      Response page = server.http.get(path + "&offset=" + offset, admin);
      assertThat(page.status()).as("%s", page).isEqualTo(200);
      page.body().forEach(items::add);
      if (page.body().size() < 1000) {
        return items;
      }
    }
  }

  private static void awaitLogLine(Process process, long offset, String line)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!read(SUITE_LOG, offset).contains(line)) {
      assertThat(process.isAlive()).as("the server is starting").isTrue();
      assertThat(System.nanoTime()).as("'%s' logged within 60 s", line).isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private static String read(Path file) throws IOException {
    return read(file, 0);
  }

  private static String read(Path file, long offset) throws IOException {
    if (!Files.exists(file)) {
      return "";
    }
    byte[] bytes = Files.readAllBytes(file);
    int from = (int) Math.min(offset, bytes.length);
    return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
  }
}
