package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.storage.Database;
import dev.tokensmith.testing.Records;
import dev.tokensmith.testing.UsesDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The token store contract on the JDBC store: on H2, and again on PostgreSQL in that run. */
@UsesDatabase
class JdbcTokenStoreTest extends TokenStoreContract {
  private static final Instant AT = Instant.parse("2030-07-01T08:00:00Z");

  @Override
  TokenStore store(Database db) {
    return new JdbcTokenStore(db, Records.CATALOGUE);
  }

  @Test
  void recordUsesWhenMoreThanATransactionTakesThenEachPartCommittedWithoutWaitingForTheRest()
      throws Exception {
    TokenStore inPairs = new JdbcTokenStore(db, Records.CATALOGUE, 1000, 2);
    List<ApiToken> tokens = insertedTokens(5);
    ApiToken last = tokens.get(4);

    // A change holds the last token's row while the flush runs.
    Blocked blocked = flushWhileHeld(inPairs, tokens, last);
    try {
      // The first four are written and seen by others while the flush waits for the fifth: no
      // transaction of the flush held them meanwhile.
      for (int tries = 0;
          tries < 300 && reread(tokens.get(3)).history().lastUsedAt() == null;
          tries++) {
        Thread.sleep(10);
      }
      for (ApiToken written : tokens.subList(0, 4)) {
        assertThat(reread(written).history().lastUsedAt()).isEqualTo(AT);
      }
      assertThat(blocked.flush()).isNotDone();
      assertThat(reread(last).history().lastUsedAt()).isNull();
    } finally {
      blocked.release();
    }
    blocked.flush().get(10, TimeUnit.SECONDS);
    assertThat(reread(last).history().lastUsedAt()).isEqualTo(AT);
    assertThat(reread(last).history().lastUsedIp()).isEqualTo("192.0.2.7");
  }

  @Test
  void recordUsesWhenATokenInTheMiddleIsHeldThenOnlyTheTokensBeforeItAreLockedMeanwhile()
      throws Exception {
    List<ApiToken> tokens = insertedTokens(5);
    ApiToken middle = tokens.get(2);

    // A change holds the middle token's row; the flush (one transaction for all five) waits on it.
    Blocked blocked = flushWhileHeld(store, tokens, middle);
    try {
      // The flush locks in id order, the order every change locks several tokens in: while it
      // waits for the middle token it holds the two before it and none after it, so a change
      // locking tokens in the same order can never wait in a circle with it.
      for (int tries = 0; tries < 300 && !heldByOthers(tokens.get(1)); tries++) {
        Thread.sleep(10);
      }
      assertThat(heldByOthers(tokens.get(0))).isTrue();
      assertThat(heldByOthers(tokens.get(1))).isTrue();
      assertThat(heldByOthers(tokens.get(3))).isFalse();
      assertThat(heldByOthers(tokens.get(4))).isFalse();
      if (db.dialect() == Database.Dialect.POSTGRESQL) {
        // The lock of an UPDATE of columns that are no key, as a plain UPDATE takes: a row that
        // references a held token (a new secret, a notice) can still be inserted meanwhile.
        assertThat(heldByOthers(tokens.get(0), "FOR KEY SHARE")).isFalse();
      }
      assertThat(blocked.flush()).isNotDone();
    } finally {
      blocked.release();
    }
    blocked.flush().get(10, TimeUnit.SECONDS);
    for (ApiToken written : tokens) {
      assertThat(reread(written).history().lastUsedAt()).isEqualTo(AT);
    }
  }

  @Test
  void recordUsesWhenATokenIsGoneThenTheOthersWritten() {
    ApiToken kept = inserted(personal(client, owner, "admin"));
    ApiToken gone = inserted(personal(client, owner, "admin"));
    store.delete(gone.id());

    store.recordUses(
        List.of(
            new UsageRecorder.Use(kept.id(), AT.toEpochMilli(), "192.0.2.7"),
            new UsageRecorder.Use(gone.id(), AT.toEpochMilli(), "192.0.2.8")));

    assertThat(reread(kept).history().lastUsedAt()).isEqualTo(AT);
    assertThat(store.find(gone.id())).isEmpty();
  }

  private List<ApiToken> insertedTokens(int count) {
    List<ApiToken> tokens = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      tokens.add(inserted(personal(client, owner, "admin")));
    }
    return tokens;
  }

  /**
   * A flush of uses of the tokens (at {@link #AT}) started while a change holds one token's row.
   */
  private record Blocked(
      CountDownLatch held, CompletableFuture<Void> change, CompletableFuture<Void> flush) {
    void release() throws Exception {
      held.countDown();
      change.get(10, TimeUnit.SECONDS);
    }
  }

  private Blocked flushWhileHeld(TokenStore flusher, List<ApiToken> tokens, ApiToken held) {
    List<UsageRecorder.Use> uses =
        tokens.stream()
            .map(token -> new UsageRecorder.Use(token.id(), AT.toEpochMilli(), "192.0.2.7"))
            .toList();
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> change = holding(held, release);
    return new Blocked(release, change, CompletableFuture.runAsync(() -> flusher.recordUses(uses)));
  }

  // Another transaction holding the token's row until released; returns once it holds it.
  private CompletableFuture<Void> holding(ApiToken token, CountDownLatch release) {
    CountDownLatch locked = new CountDownLatch(1);
    CompletableFuture<Void> holder =
        CompletableFuture.runAsync(
            () ->
                db.inTransaction(
                    () -> {
                      db.withHandle(
                          h ->
                              h.createQuery("SELECT id FROM api_tokens WHERE id = :id FOR UPDATE")
                                  .bind("id", token.id())
                                  .mapTo(Long.class)
                                  .one());
                      locked.countDown();
                      await(release);
                    }));
    await(locked);
    return holder;
  }

  // Whether another transaction holds the token's row: a lock that does not wait fails.
  private boolean heldByOthers(ApiToken token) {
    return heldByOthers(token, "FOR UPDATE");
  }

  private boolean heldByOthers(ApiToken token, String lock) {
    try {
      db.inTransaction(
          () ->
              db.withHandle(
                  h ->
                      h.createQuery("SELECT id FROM api_tokens WHERE id = :id " + lock + " NOWAIT")
                          .bind("id", token.id())
                          .mapTo(Long.class)
                          .one()));
      return false;
    } catch (RuntimeException e) {
      return true;
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
