package dev.tokensmith.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tokensmith.keys.Keyring;
import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.storage.Database;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.webhooks.JdbcWebhookStore;
import dev.tokensmith.webhooks.Receiver;
import dev.tokensmith.webhooks.WebhookSender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A crash between sending and marking, injected: a worker's process "dies" right after a receiver
 * accepted a delivery, before anything is marked (its sender throws, and its database writes fail
 * from then on, as a dead process writes nothing). Another worker, once the claim has run out on
 * the moved clock (never a sleep), sends every claimed delivery: the ones the dead worker had sent
 * again, under the same delivery id, and the one it never reached once. May repeat, never lose.
 */
@UsesDatabase
class OutboxCrashIT {
  static Receiver receiver;
  static TestServer server;
  static Fixtures fixtures;

  @BeforeAll
  static void start() {
    receiver = new Receiver();
    server = TestServer.start(Map.of("TOKENSMITH_WEBHOOK_ALLOW_PRIVATE", "true"));
    fixtures = new Fixtures(server);
  }

  @AfterAll
  static void stop() {
    try {
      server.close();
    } finally {
      receiver.close();
    }
  }

  /** What a dying process throws: nothing after it runs but the JVM's own unwinding. */
  static final class ProcessDied extends Error {
    ProcessDied() {
      super("the process died", null, false, false);
    }
  }

  /** Delivers, then dies before returning on the {@code dieAfter}-th send. */
  static final class DyingSender implements Sender {
    private final Sender real;
    private final int dieAfter;
    private final AtomicBoolean dead;
    private final AtomicInteger sends = new AtomicInteger();

    DyingSender(Sender real, int dieAfter, AtomicBoolean dead) {
      this.real = real;
      this.dieAfter = dieAfter;
      this.dead = dead;
    }

    @Override
    public Notice.Kind kind() {
      return real.kind();
    }

    @Override
    public void send(Notice notice) throws Failure {
      real.send(notice);
      if (sends.incrementAndGet() == dieAfter) {
        dead.set(true);
        throw new ProcessDied();
      }
    }
  }

  /** The outbox's store, writing nothing once its process is dead. */
  static final class DyingStore implements NoticeStore {
    private final NoticeStore real;
    private final AtomicBoolean dead;

    DyingStore(NoticeStore real, AtomicBoolean dead) {
      this.real = real;
      this.dead = dead;
    }

    private void alive() {
      if (dead.get()) {
        throw new ProcessDied();
      }
    }

    @Override
    public void insert(Notice notice) {
      alive();
      real.insert(notice);
    }

    @Override
    public Optional<Notice> find(String id) {
      alive();
      return real.find(id);
    }

    @Override
    public List<Notice> claimDue(Instant now, Instant claimUntil, int limit) {
      alive();
      return real.claimDue(now, claimUntil, limit);
    }

    @Override
    public void markSent(List<String> ids, Instant at) {
      alive();
      real.markSent(ids, at);
    }

    @Override
    public void markRetry(String id, Instant next, String error) {
      alive();
      real.markRetry(id, next, error);
    }

    @Override
    public void markFailed(String id, Instant at, String error) {
      alive();
      real.markFailed(id, at, error);
    }

    @Override
    public List<Notice> byRecipient(Notice.Kind kind, String recipient, int limit, int offset) {
      alive();
      return real.byRecipient(kind, recipient, limit, offset);
    }

    @Override
    public boolean retry(String id, Instant now) {
      alive();
      return real.retry(id, now);
    }

    @Override
    public int deleteEndedBefore(Instant cutoff, int limit) {
      alive();
      return real.deleteEndedBefore(cutoff, limit);
    }

    @Override
    public Backlog backlog() {
      alive();
      return real.backlog();
    }
  }

  @Test
  void sendWhenProcessDiesBetweenSendAndMarkThenAnotherWorkerRepeatsItWithTheSameIdAndLosesNone() {
    TestUser admin = fixtures.user(fixtures.tenant("Crash"), "admin");
    Response hook =
        server.http.post(
            "/v2/webhooks",
            admin.session(),
            Map.of("url", receiver.url("/crash"), "events", List.of("token.created")));
    assertThat(hook.status()).as("%s", hook).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Response ping =
          server.http.post("/v2/webhooks/" + hook.id() + "/ping", admin.session(), Map.of());
      assertThat(ping.status()).as("%s", ping).isEqualTo(200);
      ids.add(ping.body().path("id").asText());
    }

    Map<String, String> keys = server.database.keys();
    try (Database db = server.database.migrated()) {
      TokenSecrets secrets =
          new TokenSecrets(
              Keyring.parse(keys.get("TOKENSMITH_MASTER_KEYS"), keys.get("TOKENSMITH_PEPPER")),
              new SecureRandom(),
              "tks1");
      Sender webhooks = WebhookSender.of(new JdbcWebhookStore(db), secrets, true, server.clock);
      NoticeStore store = new JdbcNoticeStore(db);
      Function<List<Sender>, OutboxWorker> worker =
          senders ->
              new OutboxWorker(
                  db,
                  store,
                  senders,
                  new NoticeMetrics(new SimpleMeterRegistry(), server.clock),
                  server.clock,
                  new Random(7));

      // The first worker claims all three, delivers two and dies after the second.
      AtomicBoolean dead = new AtomicBoolean();
      OutboxWorker dying =
          new OutboxWorker(
              db,
              new DyingStore(store, dead),
              List.of(new DyingSender(webhooks, 2, dead)),
              new NoticeMetrics(new SimpleMeterRegistry(), server.clock),
              server.clock,
              new Random(7));
      assertThat(catchThrowable(dying::deliverDue)).isInstanceOf(ProcessDied.class);
      List<String> beforeCrash = delivered();
      assertThat(beforeCrash).as("accepted before the crash").hasSize(2).doesNotHaveDuplicates();
      assertThat(ids).containsAll(beforeCrash);
      String neverReached =
          ids.stream().filter(id -> !beforeCrash.contains(id)).findFirst().orElseThrow();
      for (String id : ids) {
        Notice n = server.app.outbox().find(id).orElseThrow();
        assertThat(n.status()).as("%s after the crash", id).isEqualTo(Notice.Status.PENDING);
        assertThat(n.attempts()).isEqualTo(1);
      }

      // Another worker (the server's own, or a new process) waits out the dead worker's claim.
      OutboxWorker survivor = worker.apply(List.of(webhooks));
      assertThat(survivor.deliverDue()).as("claimed by the dead worker").isZero();
      server.clock.advance(OutboxWorker.CLAIM.minusSeconds(1));
      assertThat(survivor.deliverDue()).as("a second before the claim ends").isZero();
      server.clock.advance(Duration.ofSeconds(1));
      assertThat(survivor.deliverDue()).isEqualTo(3);

      Map<String, Long> byId =
          delivered().stream().collect(Collectors.groupingBy(id -> id, Collectors.counting()));
      assertThat(byId.keySet()).as("no delivery lost").containsExactlyInAnyOrderElementsOf(ids);
      assertThat(byId.get(beforeCrash.get(0))).as("sent before the crash: again").isEqualTo(2);
      assertThat(byId.get(beforeCrash.get(1))).as("sent at the crash: again").isEqualTo(2);
      assertThat(byId.get(neverReached)).as("never reached by the dead worker").isEqualTo(1);
      for (String id : ids) {
        Notice n = server.app.outbox().find(id).orElseThrow();
        assertThat(n.status()).isEqualTo(Notice.Status.SENT);
        assertThat(n.attempts()).isEqualTo(2);
      }

      // Marked now: nothing is sent again, however late.
      server.clock.advance(Duration.ofDays(2));
      assertThat(survivor.deliverDue()).isZero();
      assertThat(server.app.deliverNotices()).isZero();
      assertThat(delivered()).hasSize(5);
    }
  }

  private static List<String> delivered() {
    return receiver.received("/crash").stream()
        .map(r -> r.header("X-Tokensmith-Delivery"))
        .toList();
  }
}
