package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.storage.Database;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.Issued;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import dev.tokensmith.web.IsoTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Background work on more tokens than one batch holds, through the running server: the disabled
 * owner's cascade (no token verifies once the API answered, every token disabled with its record in
 * the end, a crash between batches finished by the next round, a re-enable not undone), expiry and
 * purge.
 */
@UsesDatabase
@WithServer
class BatchedJobsIT {
  /** More than two batches. */
  private static final int MANY = 2 * TokenLifecycle.BATCH + 100;

  static TestServer server;
  static Fixtures fixtures;
  static long tenant;
  static TestUser admin;
  static Database sql;

  @BeforeAll
  static void seed() {
    tenant = fixtures.tenant("Batches");
    admin = fixtures.user(tenant, "admin");
    sql = server.database.migrated();
  }

  @AfterAll
  static void closeSql() {
    sql.close();
  }

  // Tests move the clock by days; every test starts with a live session.
  @BeforeEach
  void login() {
    admin =
        new TestUser(
            admin.id(), tenant, admin.email(), server.login(admin.email(), Fixtures.PASSWORD));
  }

  private static int check(Issued token) {
    return server.http.post("/v2/auth/check", token.auth(), Map.of()).status();
  }

  private static int disableUser(long userId, boolean enabled) {
    return fixtures.updateUser(admin.session(), userId, Map.of("enabled", enabled)).status();
  }

  // Copies of a token's row (no value of their own: they stand for the many a user may hold).
  private static void copies(long tokenId, int count) {
    sql.withHandle(
        h -> {
          var batch =
              h.prepareBatch(
                  "INSERT INTO api_tokens (client_id, user_id, created_by, realname, shared,"
                      + " token_usage, source_role, permissions, enabled, disabled_reason,"
                      + " disabled_at, expire_at, create_at, token_generated_at, legacy,"
                      + " allowed_ips, secret_hint) SELECT client_id, user_id, created_by, realname,"
                      + " shared, token_usage, source_role, permissions, enabled, disabled_reason,"
                      + " disabled_at, expire_at, create_at, token_generated_at, legacy,"
                      + " allowed_ips, secret_hint FROM api_tokens WHERE id = :id");
          for (int i = 0; i < count; i++) {
            batch.bind("id", tokenId).add();
          }
          return batch.execute();
        });
  }

  // An administrator's personal token that expires at {@code expireAt}.
  private static Issued expiring(TestUser user, String name, Instant expireAt) {
    return fixtures.token(
        user.session(),
        Map.of(
            "realname",
            name,
            "permissions",
            List.of("admin"),
            "expire_at",
            IsoTime.format(expireAt)));
  }

  private static long count(String query, Object... idThenValues) {
    return sql.withHandle(
        h -> {
          var q = h.createQuery(query);
          for (int i = 0; i < idThenValues.length; i++) {
            q.bind(i, idThenValues[i]);
          }
          return q.mapTo(Long.class).one();
        });
  }

  private static long enabledTokensOf(long userId) {
    return count("SELECT COUNT(*) FROM api_tokens WHERE user_id = ? AND enabled = TRUE", userId);
  }

  private static long tokensOf(long userId, String reason) {
    return count(
        "SELECT COUNT(*) FROM api_tokens WHERE user_id = ? AND enabled = FALSE"
            + " AND disabled_reason = ?",
        userId,
        reason);
  }

  // Two plain reads matched here: a join of fresh tables may get a poor plan before statistics.
  private static long disableRecordsOf(long userId, String actorType) {
    Set<Long> tokens =
        new HashSet<>(
            sql.withHandle(
                h ->
                    h.createQuery("SELECT id FROM api_tokens WHERE user_id = ?")
                        .bind(0, userId)
                        .mapTo(Long.class)
                        .list()));
    List<Long> recorded =
        sql.withHandle(
            h ->
                h.createQuery(
                        "SELECT object_id FROM activity WHERE client_id = ? AND object_type ="
                            + " 'api_token' AND action = 'disable' AND actor_type = ?")
                    .bind(0, tenant)
                    .bind(1, actorType)
                    .mapTo(Long.class)
                    .list());
    return recorded.stream().filter(tokens::contains).count();
  }

  private static long pendingCascades() {
    return count("SELECT COUNT(*) FROM token_owner_cascades");
  }

  @Test
  void ownerDisabledWhenMoreTokensThanABatchThenNoneVerifiesAndEachDisabledWithItsRecord() {
    TestUser user = fixtures.user(tenant, "admin");
    Issued first = fixtures.token(user.session(), List.of("admin"));
    Issued second = fixtures.token(user.session(), List.of("users:view"));
    copies(first.id(), MANY);
    assertThat(check(first)).isEqualTo(200);
    assertThat(check(second)).isEqualTo(200);

    assertThat(disableUser(user.id(), false)).isEqualTo(200);

    assertThat(check(first)).isEqualTo(401);
    assertThat(check(second)).isEqualTo(401);
    assertThat(enabledTokensOf(user.id())).isZero();
    assertThat(tokensOf(user.id(), "owner_disabled")).isEqualTo(MANY + 2);
    assertThat(disableRecordsOf(user.id(), "user")).isEqualTo(MANY + 2);
    assertThat(pendingCascades()).isZero();
    assertThat(
            count(
                "SELECT COUNT(DISTINCT disabled_at) FROM api_tokens WHERE user_id = ?", user.id()))
        .as("every token disabled as of the user's change")
        .isEqualTo(1);
  }

  // What a crash right after the user's change commits leaves: the user disabled, the cascade
  // pending, the first batch done and the rest not.
  private static void crashAfterFirstBatch(TestUser user) {
    long at = server.clock.millis();
    sql.inTransaction(
        () ->
            sql.withHandle(
                h -> {
                  h.createUpdate("UPDATE users SET enabled = FALSE WHERE id = ?")
                      .bind(0, user.id())
                      .execute();
                  h.createUpdate(
                          "INSERT INTO token_owner_cascades (user_id, disabled_at, actor_type,"
                              + " actor_id, actor_name, source, ip)"
                              + " VALUES (?, ?, 'user', ?, ?, 'ui', '127.0.0.1')")
                      .bind(0, user.id())
                      .bind(1, at)
                      .bind(2, admin.id())
                      .bind(3, admin.email())
                      .execute();
                  return h.createUpdate(
                          "UPDATE api_tokens SET enabled = FALSE, disabled_reason ="
                              + " 'owner_disabled', disabled_at = ? WHERE id IN (SELECT id FROM"
                              + " api_tokens WHERE user_id = ? ORDER BY id LIMIT ?)")
                      .bind(0, at)
                      .bind(1, user.id())
                      .bind(2, TokenLifecycle.BATCH)
                      .execute();
                }));
  }

  @Test
  void ownerDisabledWhenCrashBetweenBatchesThenRefusedMeanwhileAndTheNextRoundFinishes() {
    TestUser user = fixtures.user(tenant, "admin");
    Issued kept = fixtures.token(user.session(), List.of("admin"));
    copies(kept.id(), MANY);
    Issued last = fixtures.token(user.session(), List.of("admin"));

    crashAfterFirstBatch(user);

    assertThat(check(last)).as("its owner is disabled").isEqualTo(401);
    assertThat(enabledTokensOf(user.id())).isEqualTo(MANY + 2 - TokenLifecycle.BATCH);

    server.app.runJobs();

    assertThat(enabledTokensOf(user.id())).isZero();
    assertThat(tokensOf(user.id(), "owner_disabled")).isEqualTo(MANY + 2);
    assertThat(disableRecordsOf(user.id(), "user"))
        .as("recorded as the administrator's change")
        .isEqualTo(MANY + 2 - TokenLifecycle.BATCH);
    assertThat(pendingCascades()).isZero();
    assertThat(check(last)).isEqualTo(401);
  }

  @Test
  void ownerEnabledAgainWhileCascadePendingThenTokensStayDisabledAndReEnableIsNotUndone() {
    TestUser user = fixtures.user(tenant, "admin");
    Issued token = fixtures.token(user.session(), List.of("admin"));
    copies(token.id(), MANY);
    Issued last = fixtures.token(user.session(), List.of("admin"));
    crashAfterFirstBatch(user);

    assertThat(disableUser(user.id(), true)).isEqualTo(200);

    assertThat(enabledTokensOf(user.id())).as("finished before the user came back").isZero();
    assertThat(pendingCascades()).isZero();
    assertThat(check(last)).isEqualTo(401);
    var enabled =
        server.http.put(
            "/v2/api_tokens/" + last.id(),
            admin.session(),
            Map.of(
                "enabled",
                true,
                "expire_at",
                IsoTime.format(server.clock.instant().plus(Duration.ofDays(1)))));
    assertThat(enabled.status()).as("%s", enabled).isEqualTo(200);

    server.app.runJobs();

    assertThat(check(last)).isEqualTo(200);
    assertThat(enabledTokensOf(user.id())).isEqualTo(1);
  }

  @Test
  void ownerNarrowedWhenManyTokensThenRefusedAtOnceAndNoTokenLeftWiderThanTheOwner() {
    TestUser user = fixtures.user(tenant, "admin");
    Issued token = fixtures.token(user.session(), List.of("admin"));
    copies(token.id(), MANY);
    assertThat(server.http.post("/v1/objects/user", token.auth(), Map.of()).status())
        .isEqualTo(200);

    var lowered =
        fixtures.updateUser(admin.session(), user.id(), Map.of("permissions", List.of("analytic")));

    assertThat(lowered.status()).as("%s", lowered).isEqualTo(200);
    assertThat(server.http.post("/v1/objects/user", token.auth(), Map.of()).status())
        .isEqualTo(403);
    assertThat(
            count(
                "SELECT COUNT(*) FROM api_tokens WHERE user_id = ? AND source_role <> 'custom'",
                user.id()))
        .as("no token keeps the administrator's preset")
        .isZero();
    assertThat(
            count(
                "SELECT COUNT(*) FROM api_tokens WHERE user_id = ? AND permissions LIKE"
                    + " '%users:%'",
                user.id()))
        .as("no token keeps a permission the analyst lacks")
        .isZero();
  }

  @Test
  void expiryAndPurgeWhenMoreThanABatchThenEachTokenChangedWithItsRecord() {
    TestUser user = fixtures.user(tenant, "admin");
    Issued due = expiring(user, "due", server.clock.instant().plus(Duration.ofHours(1)));
    copies(due.id(), MANY);
    Issued later = expiring(user, "later", server.clock.instant().plus(Duration.ofDays(30)));
    server.clock.advance(Duration.ofHours(1));

    server.app.runJobs();

    assertThat(tokensOf(user.id(), "expired")).isEqualTo(MANY + 1);
    assertThat(disableRecordsOf(user.id(), "system")).isEqualTo(MANY + 1);
    assertThat(enabledTokensOf(user.id())).isEqualTo(1);
    assertThat(
            count(
                "SELECT COUNT(*) FROM api_tokens WHERE user_id = ? AND disabled_at <> expire_at",
                user.id()))
        .as("disabled as of their expiry")
        .isZero();

    server.clock.advance(TokenLifecycle.PURGE_AFTER.plusMinutes(1));
    server.app.runJobs();

    assertThat(count("SELECT COUNT(*) FROM api_tokens WHERE user_id = ?", user.id()))
        .as("the one not yet expired stays")
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT COUNT(*) FROM activity WHERE object_type = 'api_token'"
                    + " AND action = 'delete' AND actor_type = 'system' AND object_id >= ?"
                    + " AND object_id < ?",
                due.id(),
                later.id()))
        .isEqualTo(MANY + 1);
  }

  @Test
  void expiryNoticesWhenMoreTokensExpireAtOneMomentThanAStepThenEachWarnedOnceForItsDate() {
    TestUser user = fixtures.user(tenant, "admin");
    Instant expireAt = server.clock.instant().plus(Duration.ofDays(4));
    Issued soon = expiring(user, "soon", expireAt);
    // More tokens at one moment than a step reads: the walk goes on past ties.
    copies(soon.id(), ExpiryNotices.STEP + 100);
    long millis = expireAt.toEpochMilli();
    sql.withHandle(
        h -> {
          // The first step's worth warned already of this date, the next one of an earlier date.
          h.createUpdate(
                  "INSERT INTO token_expiry_notices (token_id, expire_at, notified_at)"
                      + " SELECT id, ?, ? FROM api_tokens WHERE user_id = ? ORDER BY id LIMIT ?")
              .bind(0, millis)
              .bind(1, server.clock.millis())
              .bind(2, user.id())
              .bind(3, ExpiryNotices.STEP)
              .execute();
          return h.createUpdate(
                  "INSERT INTO token_expiry_notices (token_id, expire_at, notified_at)"
                      + " SELECT MIN(id), ?, ? FROM api_tokens WHERE user_id = ? AND id NOT IN"
                      + " (SELECT token_id FROM token_expiry_notices)")
              .bind(0, millis - Duration.ofDays(1).toMillis())
              .bind(1, server.clock.millis())
              .bind(2, user.id())
              .execute();
        });
    server.clock.advance(Duration.ofDays(1).plusMinutes(1));

    server.app.runJobs();
    server.app.runJobs();

    assertThat(
            count(
                "SELECT COUNT(*) FROM activity WHERE object_type = 'api_token'"
                    + " AND action = 'expiring' AND object_id IN"
                    + " (SELECT id FROM api_tokens WHERE user_id = ?)",
                user.id()))
        .as("the tokens not yet warned of this date, each once")
        .isEqualTo(101);
    assertThat(
            count(
                "SELECT COUNT(*) FROM token_expiry_notices n JOIN api_tokens t ON t.id ="
                    + " n.token_id WHERE t.user_id = ? AND n.expire_at = ?",
                user.id(),
                millis))
        .isEqualTo(ExpiryNotices.STEP + 101);
  }

  @Test
  void expiryNoticesWhenTheWindowHoldsMoreThanARoundReadsThenTheNextRoundGoesOnWhereItStopped() {
    TestUser user = fixtures.user(tenant, "admin");
    Instant expireAt = server.clock.instant().plus(Duration.ofDays(2));
    // Created two days before their expiry: never warned of, but read by the walk.
    Issued shortLived = expiring(user, "short", expireAt);
    copies(shortLived.id(), ExpiryNotices.STEP * ExpiryNotices.STEPS);
    // Last in the walk's order (the same expiry, a higher id), and due: made four days before it.
    Issued due = expiring(user, "due", expireAt);
    sql.withHandle(
        h ->
            h.createUpdate("UPDATE api_tokens SET create_at = ? WHERE id = ?")
                .bind(0, server.clock.instant().minus(Duration.ofDays(2)).toEpochMilli())
                .bind(1, due.id())
                .execute());
    String warned =
        "SELECT COUNT(*) FROM activity WHERE object_type = 'api_token' AND action = 'expiring'"
            + " AND object_id IN (SELECT id FROM api_tokens WHERE user_id = ?)";

    server.app.runJobs();
    long afterOneRound = count(warned, user.id());
    server.app.runJobs();

    assertThat(afterOneRound).as("a round reads at most its steps").isZero();
    assertThat(count(warned, user.id())).as("the next round went on").isEqualTo(1);
  }
}
