package dev.tokensmith.tokens;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/** Storage of legacy credentials: a user's UUID, the keyed digest of its secret key, its token. */
interface LegacyStore {

  /**
   * A user's legacy credential as stored.
   *
   * @param tokenId the backward-compatible token; null once it has been deleted
   * @param secretDigest the keyed digest of the secret key; null once compatibility has ended
   */
  record Pair(long userId, String uuid, Long tokenId, String secretDigest) {
    /** True while the pair still authenticates. */
    boolean active() {
      return tokenId != null && secretDigest != null;
    }

    @Override
    public String toString() {
      return "Pair[user=" + userId + ", token=" + tokenId + "]";
    }
  }

  /** The credential with this UUID, ended or not; or empty. */
  Optional<Pair> findByUuid(String uuid);

  /** The user's credential, ended or not; or empty. */
  Optional<Pair> findByUser(long userId);

  void insert(Pair pair, long createAtMillis);

  /**
   * Erases the digest of the token's pair, for good. Returns false when there was no working pair.
   */
  boolean end(long tokenId, long endedAtMillis);

  /** Which of these tokens have a working pair. */
  Set<Long> activeAmong(Collection<Long> tokenIds);
}
