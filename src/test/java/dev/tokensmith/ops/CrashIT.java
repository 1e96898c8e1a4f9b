package dev.tokensmith.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.ChildServer;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestDatabase;
import dev.tokensmith.testing.UsesDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An answered write is on disk: a server under a write load (token creates, renames, renewals) is
 * killed with SIGKILL several times and restarted on the same data, and after every restart each
 * acknowledged write is there. Runs on the embedded default database (a file in the data folder)
 * and, in the PostgreSQL run, on PostgreSQL.
 */
@UsesDatabase
class CrashIT {
  private static final int CYCLES = 3;
  private static final long LOAD_MILLIS = 2_000;
  private static final int WRITERS = 3;

  @TempDir Path dir;

  @Test
  void killWhenWritesWereAcknowledgedThenEveryOneSurvivesTheRestart() throws Exception {
    TestDatabase database = TestDatabase.postgresqlSelected() ? TestDatabase.create() : null;
    try {
      ChildServer.Config config = ChildServer.Config.of(dir, database);
      List<Writer> writers = new ArrayList<>();
      for (int i = 0; i < WRITERS; i++) {
        writers.add(new Writer(i));
      }
      for (int cycle = 0; cycle < CYCLES; cycle++) {
        try (ChildServer server = ChildServer.start(config)) {
          Auth.Session admin = server.admin();
          assertAcknowledgedWritesPresent(server, admin, writers, cycle);
          AtomicBoolean stop = new AtomicBoolean();
          List<Thread> threads = new ArrayList<>();
          for (Writer writer : writers) {
            Thread thread =
                new Thread(() -> writer.run(server, admin, stop), "writer-" + writer.number);
            thread.start();
            threads.add(thread);
          }
          Thread.sleep(LOAD_MILLIS);
          server.kill();
          stop.set(true);
          for (Thread thread : threads) {
            thread.join(30_000);
          }
          for (Writer writer : writers) {
            assertThat(writer.failure).as("writer %d", writer.number).isNull();
          }
        }
      }
      try (ChildServer server = ChildServer.start(config)) {
        assertAcknowledgedWritesPresent(server, server.admin(), writers, CYCLES);
      }
      int acknowledged = writers.stream().mapToInt(w -> w.acknowledged).sum();
      assertThat(acknowledged).as("acknowledged writes").isGreaterThan(WRITERS * CYCLES);
      System.out.printf(
          "CrashIT (%s): %d acknowledged writes across %d kills, none lost%n",
          database == null ? "h2" : "postgresql", acknowledged, CYCLES);
    } finally {
      if (database != null) {
        database.close();
      }
    }
  }

  private static void assertAcknowledgedWritesPresent(
      ChildServer server, Auth admin, List<Writer> writers, int restart) {
    Map<Long, String> names = storedNames(server, admin);
    List<String> lost = new ArrayList<>();
    int checked = 0;
    for (Writer writer : writers) {
      for (Known token : writer.tokens) {
        checked++;
        String name = names.get(token.id);
        if (name == null) {
          lost.add("create of token " + token.id);
          continue;
        }
        if (!name.equals(token.name) && !name.equals(token.pendingName)) {
          lost.add("rename of token " + token.id + " to " + token.name + " (stored: " + name + ")");
        }
        token.name = name;
        token.pendingName = null;
        if (token.secret != null) {
          Response check = server.http.post("/v2/auth/check", Auth.token(token.secret), Map.of());
          if (check.status() == 200) {
            assertThat(check.body().path("token_id").asLong()).isEqualTo(token.id);
            token.secretInDoubt = false;
          } else if (token.secretInDoubt) {
            // The renewal in flight at the kill was committed; its new value was never seen.
            token.revoked.add(token.secret);
            token.secret = null;
            token.secretInDoubt = false;
          } else {
            lost.add(
                "renewal of token "
                    + token.id
                    + " (its acknowledged secret answers "
                    + check.status()
                    + ")");
          }
        }
        for (String revoked : token.revoked) {
          int status = server.http.post("/v2/auth/check", Auth.token(revoked), Map.of()).status();
          if (status != 401) {
            lost.add("renewal of token " + token.id + " (a revoked secret answers " + status + ")");
          }
        }
      }
    }
    assertThat(lost)
        .as("acknowledged writes lost after restart %d (of %d tokens)", restart, checked)
        .isEmpty();
  }

  private static Map<Long, String> storedNames(ChildServer server, Auth admin) {
    Map<Long, String> names = new HashMap<>();
    for (int offset = 0; ; offset += 1000) {
      Response page = server.http.get("/v2/api_tokens?limit=1000&offset=" + offset, admin);
      assertThat(page.status()).as("%s", page).isEqualTo(200);
      page.body().forEach(t -> names.put(t.path("id").asLong(), t.path("realname").asText()));
      if (page.body().size() < 1000) {
        return names;
      }
    }
  }

  /** What the server acknowledged about one token; only one writer ever touches it. */
  private static final class Known {
    final long id;
    String name;

    /** A rename in flight when the server died: either name may be stored. */
    String pendingName;

    /** The last acknowledged secret (null: a committed renewal's value was never seen). */
    String secret;

    /** A renewal in flight when the server died. */
    boolean secretInDoubt;

    final List<String> revoked = new ArrayList<>();

    Known(long id, String name, String secret) {
      this.id = id;
      this.name = name;
      this.secret = secret;
    }
  }

  /** One client thread: creates, renames and renews its own tokens until the server dies. */
  private static final class Writer {
    final int number;
    final List<Known> tokens = new ArrayList<>();
    int acknowledged;
    int sequence;
    volatile Throwable failure;

    Writer(int number) {
      this.number = number;
    }

    void run(ChildServer server, Auth admin, AtomicBoolean stop) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      while (!stop.get()) {
        int op = tokens.size() < 5 ? 0 : random.nextInt(3);
        Known token = tokens.isEmpty() ? null : tokens.get(random.nextInt(tokens.size()));
        String name = "w" + number + "-" + ++sequence;
        try {
          switch (op) {
            case 0 -> create(server, admin, name);
            case 1 -> rename(server, admin, token, name);
            default -> renew(server, admin, token);
          }
        } catch (IllegalStateException connectionLost) {
          return;
        } catch (Throwable e) {
          failure = e;
          return;
        }
      }
    }

    private void create(ChildServer server, Auth admin, String name) {
      Response r =
          server.http.post(
              "/v2/api_tokens",
              admin,
              Map.of("realname", name, "permissions", List.of("partner_admin")));
      assertThat(r.status()).as("%s", r).isEqualTo(200);
      tokens.add(new Known(r.id(), name, r.body().path("secret").asText()));
      acknowledged++;
    }

    private void rename(ChildServer server, Auth admin, Known token, String name) {
      token.pendingName = name;
      Response r = server.http.put("/v2/api_tokens/" + token.id, admin, Map.of("realname", name));
      assertThat(r.status()).as("%s", r).isEqualTo(200);
      token.name = name;
      token.pendingName = null;
      acknowledged++;
    }

    private void renew(ChildServer server, Auth admin, Known token) {
      token.secretInDoubt = true;
      Response r = server.http.post("/v2/api_tokens/" + token.id + "/secret", admin, Map.of());
      assertThat(r.status()).as("%s", r).isEqualTo(200);
      if (token.secret != null) {
        token.revoked.add(token.secret);
      }
      token.secret = r.body().path("secret").asText();
      token.secretInDoubt = false;
      acknowledged++;
    }
  }
}
