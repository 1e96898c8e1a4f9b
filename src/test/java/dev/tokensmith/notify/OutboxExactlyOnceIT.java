package dev.tokensmith.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.MailServer;
import dev.tokensmith.testing.MailServer.Mail;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestDatabase;
import dev.tokensmith.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Two instances on one PostgreSQL database, the outbox worker running on both at once: 500 notices
 * (invitations of 500 users created on one instance) are each delivered exactly once, counted by
 * delivery id at a real mail server. PostgreSQL only (several instances share a database there).
 */
class OutboxExactlyOnceIT {
  private static final int NOTICES = 500;

  @Test
  void deliverWhenTwoInstancesWorkTheQueueAtOnceThenEachNoticeIsSentExactlyOnce() throws Exception {
    try (MailServer mail = MailServer.start();
        TestDatabase database = TestDatabase.postgresqlOnly()) {
      Map<String, String> settings = new HashMap<>(database.keys());
      settings.putAll(mail.settings());
      try (TestServer a = TestServer.startOn(database, settings);
          TestServer b = TestServer.startOn(database, settings)) {
        Fixtures fixtures = new Fixtures(a);
        long tenant = fixtures.tenant("Exactly once");
        TestUser admin = fixtures.user(tenant, "admin");
        List<String> emails = createWithoutPasswords(a, admin, tenant);
        assertThat(pending(database)).isEqualTo(NOTICES);

        // Both workers at once, each until it finds nothing left to claim.
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        long started = System.nanoTime();
        List<Future<Integer>> rounds = new ArrayList<>();
        for (TestServer server : List.of(a, b)) {
          Callable<Integer> work =
              () -> {
                go.await();
                int sent = 0;
                for (int n = server.app.deliverNotices(); n > 0; n = server.app.deliverNotices()) {
                  sent += n;
                }
                return sent;
              };
          rounds.add(threads.submit(work));
        }
        go.countDown();
        int byA = rounds.get(0).get();
        int byB = rounds.get(1).get();
        double seconds = (System.nanoTime() - started) / 1e9;
        threads.shutdown();
        System.out.printf(
            "OutboxExactlyOnceIT: %d notices, %d sent by A and %d by B in %.2f s (%.0f/s)%n",
            NOTICES, byA, byB, seconds, NOTICES / seconds);

        assertThat(byA + byB).as("attempts, all successful").isEqualTo(NOTICES);
        assertThat(byA).as("instance A took a share").isPositive();
        assertThat(byB).as("instance B took a share").isPositive();
        assertThat(pending(database)).isZero();
        assertThat(mail.await(NOTICES, 30_000)).isTrue();
        List<Mail> mails = mail.received();
        assertThat(mails).hasSize(NOTICES);
        Map<String, Long> byDelivery =
            mails.stream().collect(Collectors.groupingBy(Mail::deliveryId, Collectors.counting()));
        assertThat(byDelivery).hasSize(NOTICES);
        assertThat(byDelivery.values()).allMatch(count -> count == 1);
        Map<String, Long> byRecipient =
            mails.stream()
                .collect(Collectors.groupingBy(m -> m.to().get(0), Collectors.counting()));
        assertThat(byRecipient.keySet()).isEqualTo(Set.copyOf(emails));
        assertThat(byRecipient.values()).allMatch(count -> count == 1);
      }
    }
  }

  // Users created without a password, each of whom gets an invitation by e-mail; four at a time.
  private static List<String> createWithoutPasswords(TestServer a, TestUser admin, long tenant)
      throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(4);
    Function<Integer, String> create =
        i -> {
          String email = "exactly" + i + "-" + System.nanoTime() + "@example.com";
          Map<String, Object> body = new HashMap<>();
          body.put("email", email);
          body.put("realname", "Invitee " + i);
          body.put("permissions", List.of("analytic"));
          body.put("clientid", tenant);
          Response r = a.http.post("/v1/objects/user/create", admin.session(), body);
          assertThat(r.status()).as("%s", r).isEqualTo(200);
          return email;
        };
    List<Future<String>> created = new ArrayList<>();
    for (int i = 0; i < NOTICES; i++) {
      int n = i;
      created.add(threads.submit(() -> create.apply(n)));
    }
    List<String> emails = new ArrayList<>();
    for (Future<String> f : created) {
      emails.add(f.get());
    }
    threads.shutdown();
    return emails;
  }

  private static long pending(TestDatabase database) throws SQLException {
    try (Connection c = DriverManager.getConnection(database.url(), database.user(), "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM notices WHERE status = 'pending'")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
