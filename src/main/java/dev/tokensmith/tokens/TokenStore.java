package dev.tokensmith.tokens;

import java.util.List;
import java.util.Optional;

/** Storage of tokens and of their secrets' lookup digests. */
interface TokenStore {

  Optional<ApiToken> find(long id);

  /**
   * The token, its row locked until the transaction ends (every change of a token reads it so); or
   * empty.
   */
  Optional<ApiToken> lock(long id);

  /**
   * The token one of whose values has this digest, with that value's end (null = current value); or
   * empty.
   */
  Optional<SecretMatch> findBySecretDigest(String digest);

  /**
   * {@link #findBySecretDigest} for the first of {@code digests} (one value's digests under each
   * pepper held, during a pepper rotation) that a secret has, in one read; empty if none.
   */
  /**
   * Throws {@code BlockingNotAllowed} where a read could not wait (an event loop), before a caller
   * waits for a read another thread makes.
   */
  void requireBlockingAllowed();

  default Optional<SecretMatch> findBySecretDigests(java.util.List<String> digests) {
    for (String digest : digests) {
      Optional<SecretMatch> found = findBySecretDigest(digest);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /**
   * A digest's token.
   *
   * @param validUntil epoch millis when this (previous) value stops working; null for the current
   *     value
   */
  record SecretMatch(ApiToken token, Long validUntil) {}

  List<ApiToken> list(TokenQuery query);

  /** Personal tokens of one user, ordered by id, their rows locked until the transaction ends. */
  List<ApiToken> lockByUser(long userId);

  /** {@link #lockByUser} after {@code afterId}, at most {@code limit}: one batch of them. */
  List<ApiToken> lockByUser(long userId, long afterId, int limit);

  long countByClient(long clientId);

  /**
   * Writes the owner's new name on each of their tokens (what the list by owner's name orders by);
   * inside the rename's transaction, the owner's row locked.
   */
  void ownerRenamed(long userId, String realname);

  /**
   * An id for a new token, taken before its row is written (its secret is sealed to it); never
   * given twice, even when the transaction that took it rolls back.
   */
  long newId();

  /**
   * Writes a new token's row, under the id {@link #newId} gave, and {@code digest} as its current
   * value.
   */
  void insert(ApiToken token, String digest);

  /** Inserts many tokens with their current secrets' digests in one batch (the seeding command). */
  void insertSeeded(List<ApiToken> tokens, List<String> digests);

  /**
   * Writes the fields in which {@code after} differs from {@code before} (the token as read under
   * its lock).
   */
  void update(ApiToken before, ApiToken after);

  /** The same for many tokens, in as few round trips as their changes allow. */
  void updateAll(List<TokenChange> changes);

  void delete(long id);

  /**
   * Makes {@code digest} the token's current value; older values end now, or at {@code
   * graceUntilMillis}.
   */
  void replaceSecret(long tokenId, String digest, Long graceUntilMillis);

  /**
   * Enabled tokens whose expiry has come, at most {@code limit}, earliest expiry first, their rows
   * locked until the transaction ends; rows another transaction holds are passed over (they are
   * being changed: the next batch looks again).
   */
  List<ApiToken> lockExpiredEnabled(long nowMillis, int limit);

  /**
   * Disables the tokens among {@code ids} that are still enabled, with the reason, at {@code
   * disabledAtMillis} or, when null, at each one's expiry; returns how many. For rows the caller
   * holds locked.
   */
  int disableAll(List<Long> ids, DisabledReason reason, Long disabledAtMillis);

  /** Deletes the tokens among {@code ids}; returns how many. For rows the caller holds locked. */
  int deleteAll(List<Long> ids);

  /**
   * Enabled personal tokens of one user after {@code afterId}, at most {@code limit}, in id order,
   * their rows locked until the transaction ends.
   */
  List<ApiToken> lockEnabledByUser(long userId, long afterId, int limit);

  /** A token that expires soon, with the expiry date it was last warned about (0: none). */
  record Expiring(long id, long expireAtMillis, long createAtMillis, long warnedFor) {}

  /**
   * One step of a walk through the tokens that expire soon: at most {@code limit} enabled tokens
   * that expire no later than {@code untilMillis} and come after {@code (afterExpireAtMillis,
   * afterId)} in (expiry, id) order, in that order. Each step reads a bounded range of one index,
   * however many of the tokens in it were warned about already.
   */
  List<Expiring> findExpiring(long afterExpireAtMillis, long afterId, long untilMillis, int limit);

  /**
   * Records that the token is warned about expiry {@code expireAtMillis}, unless it already was;
   * true when this call recorded it. Call with the token's row locked, in the transaction that
   * queues the warning, so it is sent once whatever the instances and restarts.
   */
  boolean markExpiryWarned(long tokenId, long expireAtMillis, long nowMillis);

  /**
   * Tokens disabled at or before the cutoff, at most {@code limit}, oldest first, their rows locked
   * until the transaction ends; rows another transaction holds are passed over.
   */
  List<ApiToken> lockDisabledBefore(long cutoffMillis, int limit);

  /** Forgets digests of old values whose grace period has ended. */
  int deleteEndedGraceSecrets(long nowMillis);

  /**
   * Tokens with a custom list after {@code afterId}, at most {@code limit}, in id order, their rows
   * locked until the transaction ends (to narrow them to a changed catalogue, batch by batch).
   */
  List<ApiToken> lockCustom(long afterId, int limit);

  /**
   * Writes last-used times and addresses, given in token id order (the order changes lock tokens
   * in), a few hundred tokens a transaction.
   */
  void recordUses(List<UsageRecorder.Use> uses);
}
