package dev.tokensmith.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.storage.Database;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.webhooks.Receiver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The purge of old notices by the background jobs: sent and failed ones written more than 30 days
 * ago are deleted, in bounded batches; younger ones and pending ones, however old, stay. The clock
 * is moved, never slept on.
 */
@UsesDatabase
class OutboxPurgeIT {
  Receiver receiver;
  TestServer server;
  Fixtures fixtures;

  @BeforeEach
  void start() {
    receiver = new Receiver();
    server = TestServer.start(Map.of("TOKENSMITH_WEBHOOK_ALLOW_PRIVATE", "true"));
    fixtures = new Fixtures(server);
  }

  @AfterEach
  void stop() {
    try {
      server.close();
    } finally {
      receiver.close();
    }
  }

  private record Hook(long id, TestUser admin) {}

  private Hook hook(String path) {
    TestUser admin = fixtures.user(fixtures.tenant("Purge " + path), "admin");
    Response r =
        server.http.post(
            "/v2/webhooks",
            admin.session(),
            Map.of("url", receiver.url(path), "events", List.of("token.created")));
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    return new Hook(r.id(), admin);
  }

  private String ping(Hook hook) {
    // A new login each time: the clock moves by days between pings.
    Response r =
        server.http.post(
            "/v2/webhooks/" + hook.id() + "/ping",
            server.login(hook.admin().email(), Fixtures.PASSWORD),
            Map.of());
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    return r.body().path("id").asText();
  }

  private Optional<Notice> notice(String id) {
    return server.app.outbox().find(id);
  }

  @Test
  void purgeWhenSentAndFailedOlderThanThirtyDaysThenDeletedAndPendingAndYoungerKept() {
    Hook accepting = hook("/ok");
    Hook failing = hook("/gone");
    String sent = ping(accepting);
    String failed = ping(failing);
    // Disabled: its delivery is given up at the next attempt (failed).
    assertThat(
            server
                .http
                .put(
                    "/v2/webhooks/" + failing.id(),
                    failing.admin().session(),
                    Map.of("enabled", false))
                .status())
        .isEqualTo(200);
    server.app.deliverNotices();
    assertThat(notice(sent).orElseThrow().status()).isEqualTo(Notice.Status.SENT);
    assertThat(notice(failed).orElseThrow().status()).isEqualTo(Notice.Status.FAILED);

    // Pending for good: written now, not due for 60 days (no worker run below reaches it).
    String pending = server.app.outbox().newId();
    Instant now = server.clock.instant();
    try (Database db = server.database.migrated()) {
      new JdbcNoticeStore(db)
          .insert(
              new Notice(
                  pending,
                  Notice.Kind.WEBHOOK,
                  Long.toString(accepting.id()),
                  "ping",
                  null,
                  "{}",
                  Notice.Status.PENDING,
                  1,
                  now.plus(Duration.ofDays(60)),
                  now,
                  null,
                  null));
    }

    server.clock.advance(Duration.ofDays(20));
    String younger = ping(accepting);
    server.app.deliverNotices();
    assertThat(notice(younger).orElseThrow().status()).isEqualTo(Notice.Status.SENT);

    server.clock.advance(Duration.ofDays(10).minusMinutes(1));
    assertThat(server.app.runJobs()).isTrue();
    assertThat(notice(sent)).as("a minute short of 30 days").isPresent();
    assertThat(notice(failed)).isPresent();

    server.clock.advance(Duration.ofMinutes(2));
    assertThat(server.app.runJobs()).isTrue();
    assertThat(notice(sent)).as("sent, 30 days old").isEmpty();
    assertThat(notice(failed)).as("failed, 30 days old").isEmpty();
    assertThat(notice(pending)).as("pending, however old").isPresent();
    assertThat(notice(younger)).as("sent 10 days ago").isPresent();
    Response deliveries =
        server.http.get(
            "/v2/webhooks/" + accepting.id() + "/deliveries",
            server.login(accepting.admin().email(), Fixtures.PASSWORD));
    List<String> listed = new java.util.ArrayList<>();
    deliveries.body().forEach(d -> listed.add(d.path("id").asText()));
    assertThat(listed).containsExactlyInAnyOrder(younger, pending);
  }

  @Test
  void deleteEndedBeforeWhenMoreThanTheLimitThenOneBoundedBatchOldestFirst() {
    Hook hook = hook("/batch");
    List<String> ids = List.of(ping(hook), advanced(() -> ping(hook)), advanced(() -> ping(hook)));
    server.app.deliverNotices();
    server.clock.advance(Outbox.RETENTION.plusDays(1));
    try (Database db = server.database.migrated()) {
      NoticeStore store = new JdbcNoticeStore(db);
      Instant cutoff = server.clock.instant().minus(Outbox.RETENTION);
      assertThat(store.deleteEndedBefore(cutoff, 2)).isEqualTo(2);
      assertThat(notice(ids.get(0))).as("oldest first").isEmpty();
      assertThat(notice(ids.get(1))).isEmpty();
      assertThat(notice(ids.get(2))).isPresent();
      assertThat(store.deleteEndedBefore(cutoff, 2)).isEqualTo(1);
      assertThat(store.deleteEndedBefore(cutoff, 2)).isZero();
    }
  }

  private String advanced(java.util.function.Supplier<String> action) {
    server.clock.advance(Duration.ofSeconds(1));
    return action.get();
  }
}
