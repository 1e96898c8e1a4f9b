package dev.tokensmith.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.MailServer;
import dev.tokensmith.testing.MailServer.Mail;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.SecretLedger;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A notice whose mail server is down: tried again after growing, jittered waits as the clock moves
 * (never a sleep), sent once the server is back, and given up 24 hours after it was written.
 */
@UsesDatabase
class OutboxRetryIT {
  static MailServer mail;
  static TestServer server;
  static Fixtures fixtures;

  @BeforeAll
  static void start() {
    mail = MailServer.start();
    server = TestServer.start(mail.settings());
    fixtures = new Fixtures(server);
  }

  @AfterAll
  static void stop() {
    try {
      server.close();
    } finally {
      mail.close();
    }
  }

  @Test
  void sendWhenMailServerDownThenRetriedWithGrowingWaitsAndSentOnceWhenItIsBack() {
    mail.down();
    String id = invite("Retried");
    double failedAttemptsBefore = metric("tokensmith_notices_attempts_failed_total{kind=\"mail\"");

    // Attempt n fails and waits between half and all of 30 s · 2^(n-1).
    Duration longest = Duration.ofSeconds(30);
    for (int attempt = 1; attempt <= 4; attempt++) {
      assertThat(server.app.deliverNotices()).as("attempt %d", attempt).isEqualTo(1);
      Notice n = notice(id);
      assertThat(n.status()).isEqualTo(Notice.Status.PENDING);
      assertThat(n.attempts()).isEqualTo(attempt);
      assertThat(n.lastError()).contains("could not be reached");
      Duration wait = Duration.between(server.clock.instant(), n.nextAttemptAt());
      assertThat(wait)
          .as("wait after attempt %d", attempt)
          .isBetween(longest.dividedBy(2), longest);
      assertThat(server.app.deliverNotices()).as("not due before its time").isZero();
      server.clock.advance(wait.minusSeconds(1));
      assertThat(server.app.deliverNotices()).as("not due a second early").isZero();
      server.clock.advance(Duration.ofSeconds(1));
      longest = longest.multipliedBy(2);
    }
    assertThat(metric("tokensmith_notices_attempts_failed_total{kind=\"mail\""))
        .isEqualTo(failedAttemptsBefore + 4);
    assertThat(metric("tokensmith_notices_backlog")).isGreaterThanOrEqualTo(1);
    assertThat(metric("tokensmith_notices_oldest_pending_age_seconds")).isGreaterThan(60);

    mail.up();
    assertThat(server.app.deliverNotices()).isEqualTo(1);

    Notice sent = notice(id);
    assertThat(sent.status()).isEqualTo(Notice.Status.SENT);
    assertThat(sent.attempts()).isEqualTo(5);
    assertThat(sent.lastError()).isNull();
    List<Mail> mails = mail.received();
    assertThat(mails).extracting(Mail::deliveryId).containsExactly(id);
    record(mails.get(0));
    server.clock.advance(Duration.ofDays(2));
    assertThat(server.app.deliverNotices()).as("sent once, never again").isZero();
    assertThat(mail.received()).hasSize(1);
    mail.clear();
  }

  @Test
  void sendWhenMailServerDownForADayThenMarkedFailedAfter24HoursAndNeverSent() {
    mail.down();
    String id = invite("Given up");
    Instant created = notice(id).createAt();
    double failedBefore = metric("tokensmith_notices_failed_total{kind=\"mail\"");

    // The longest wait is an hour: every step of 61 minutes finds it due.
    for (int round = 0; round < 100; round++) {
      server.app.deliverNotices();
      if (notice(id).status() != Notice.Status.PENDING) {
        break;
      }
      server.clock.advance(Duration.ofMinutes(61));
    }

    Notice failed = notice(id);
    assertThat(failed.status()).isEqualTo(Notice.Status.FAILED);
    assertThat(server.clock.instant())
        .as("given up no sooner than 24 hours after it was written, and at the first try after")
        .isAfterOrEqualTo(created.plus(Duration.ofHours(24)))
        .isBefore(created.plus(Duration.ofHours(24)).plus(Duration.ofMinutes(61)));
    assertThat(failed.attempts()).as("one try per step of the day").isBetween(23, 26);
    assertThat(failed.lastError()).contains("could not be reached");
    assertThat(metric("tokensmith_notices_failed_total{kind=\"mail\"")).isEqualTo(failedBefore + 1);

    mail.up();
    server.clock.advance(Duration.ofHours(1));
    assertThat(server.app.deliverNotices()).as("a failed notice is not sent").isZero();
    assertThat(mail.received()).isEmpty();
  }

  // Invites a new user of a new tenant; returns the delivery id of the mail it queued.
  private static String invite(String name) {
    long tenant = fixtures.tenant(name);
    TestUser admin = fixtures.user(tenant, "admin");
    TestUser user = fixtures.user(admin.session(), tenant, List.of("analytic"));
    Response invited =
        server.http.post(
            "/v1/objects/user/invite", admin.session(), Map.of("filter", Map.of("id", user.id())));
    assertThat(invited.status()).as("%s", invited).isEqualTo(200);
    return deliveryIdFor(user.email());
  }

  private static String deliveryIdFor(String email) {
    try (Connection c =
            DriverManager.getConnection(server.database.url(), server.database.user(), "");
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id FROM notices WHERE recipient = ? ORDER BY create_at DESC")) {
      s.setString(1, email);
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).as("a notice to %s", email).isTrue();
        return rs.getString(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Notice notice(String id) {
    return server.app.outbox().find(id).orElseThrow();
  }

  private static double metric(String prefix) {
    String text = server.http.get("/metrics", Auth.NONE).text();
    for (String line : text.split("\n")) {
      if (line.startsWith(prefix)) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no metric " + prefix);
  }

  private static void record(Mail m) {
    Matcher code = Pattern.compile("code=([A-Za-z0-9_-]{43})").matcher(m.text());
    assertThat(code.find()).isTrue();
    SecretLedger.record(code.group(1));
  }
}
