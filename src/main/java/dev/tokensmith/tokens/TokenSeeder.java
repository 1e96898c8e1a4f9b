package dev.tokensmith.tokens;

import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.permissions.Grant;
import dev.tokensmith.storage.Database;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills a database with many tokens quickly, straight through the store (no activity records, no
 * stored ciphertext), for benchmarks. Writes a sample of the secrets to a pool file, one per line,
 * for the load generator.
 */
public final class TokenSeeder {
  private static final int BATCH = 5_000;

  private final Database db;
  private final TokenStore store;
  private final TokenSecrets secrets;
  private final Clock clock;

  public TokenSeeder(Database db, TokenStore store, TokenSecrets secrets, Clock clock) {
    this.db = db;
    this.store = store;
    this.secrets = secrets;
    this.clock = clock;
  }

  /** What the seeded tokens are like, for the background jobs' benchmarks. */
  public enum Kind {
    /** Enabled, never expiring. */
    ENABLED,
    /** Still enabled, their expiry an hour ago (or as set): the expiry job's work. */
    EXPIRED,
    /** Disabled by hand eight days ago (or as set): the purge's work. */
    PURGEABLE
  }

  /**
   * Creates {@code count} personal tokens (permissions {@code preset}) in {@code clientId}, owned
   * by {@code ownerIds} in turn (token {@code i} by {@code ownerIds[i % size]}), of the given kind,
   * due for their job {@code dueIn} from now (null: an hour ago, a day ago for the purge) so that a
   * benchmark can start its load before the job; writes {@code poolSize} of their secrets, spread
   * evenly, to {@code pool}.
   */
  public void seed(
      long clientId,
      List<Long> ownerIds,
      Grant preset,
      int count,
      Path pool,
      int poolSize,
      Kind kind,
      Duration dueIn) {
    int step = Math.max(1, count / Math.max(1, poolSize));
    try (BufferedWriter out = Files.newBufferedWriter(pool)) {
      int written = 0;
      for (int start = 0; start < count; start += BATCH) {
        int size = Math.min(BATCH, count - start);
        List<ApiToken> tokens = new ArrayList<>(size);
        List<String> digests = new ArrayList<>(size);
        Instant now = clock.instant();
        for (int i = 0; i < size; i++) {
          String secret = secrets.generate();
          long ownerId = ownerIds.get((start + i) % ownerIds.size());
          tokens.add(
              new ApiToken(
                  0,
                  new ApiToken.Owner(clientId, ownerId, ownerId, false),
                  "seeded " + (start + i),
                  null,
                  new ApiToken.Scope(Usage.API, preset, List.of(), false),
                  state(kind, now, dueIn),
                  new ApiToken.Secret(secrets.hint(secret), null, now),
                  ApiToken.History.createdAt(now)));
          digests.add(secrets.digest(secret));
          if ((start + i) % step == 0 && written < poolSize) {
            out.write(secret);
            out.newLine();
            written++;
          }
        }
        db.inTransaction(() -> store.insertSeeded(tokens, digests));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ApiToken.State state(Kind kind, Instant now, Duration dueIn) {
    return switch (kind) {
      case ENABLED -> new ApiToken.State(true, null, null, null);
      case EXPIRED ->
          new ApiToken.State(
              true, null, null, now.plus(dueIn == null ? Duration.ofHours(-1) : dueIn));
      case PURGEABLE ->
          new ApiToken.State(
              false,
              DisabledReason.MANUAL,
              now.minus(TokenLifecycle.PURGE_AFTER)
                  .plus(dueIn == null ? Duration.ofDays(-1) : dueIn),
              null);
    };
  }
}
