package dev.tokensmith.tokens;

import java.util.List;
import java.util.Optional;

/** Storage of tokens and of their secrets' lookup digests. */
public interface TokenStore {

  Optional<ApiToken> find(long id);

  /** The token whose current value, or value still inside a grace period at {@code nowMillis}, has this digest. */
  Optional<ApiToken> findBySecretDigest(String digest, long nowMillis);

  List<ApiToken> list(TokenQuery query);

  /** Personal tokens of one user, ordered by id. */
  List<ApiToken> listByUser(long userId);

  long countByClient(long clientId);

  long insert(ApiToken token);

  /** Writes every mutable field of the token. */
  void update(ApiToken token);

  void delete(long id);

  /** Makes {@code digest} the token's current value; older values end now, or at {@code graceUntilMillis}. */
  void replaceSecret(long tokenId, String digest, Long graceUntilMillis);

  /** Enabled tokens whose expiry has come, at most {@code limit}. */
  List<ApiToken> findExpiredEnabled(long nowMillis, int limit);

  /** Tokens disabled before the cutoff, at most {@code limit}. */
  List<ApiToken> findDisabledBefore(long cutoffMillis, int limit);

  /** Forgets digests of old values whose grace period has ended. */
  int deleteEndedGraceSecrets(long nowMillis);

  /** Writes last-used times and addresses in one batch. */
  void recordUses(List<UsageRecorder.Use> uses);
}
