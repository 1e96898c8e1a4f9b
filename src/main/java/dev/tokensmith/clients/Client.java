package dev.tokensmith.clients;

import dev.tokensmith.access.Account;
import java.time.Instant;

/**
 * A company account. {@code partnerId} and {@code partnerUuid} are null for a stand-alone company;
 * {@code technical} is true for the client where a partner's global users live.
 *
 * @param maxTokens the most tokens this client may hold; null = the server's default
 * @param tokenPolicy the rules its tokens are written under
 */
public record Client(
    long id,
    String uuid,
    String name,
    String vulnPrefix,
    boolean enabled,
    Long partnerId,
    String partnerUuid,
    boolean technical,
    boolean showOnce,
    Integer maxTokens,
    TokenPolicy tokenPolicy,
    Instant createAt)
    implements Account {

  /** The same client with other changeable values (name, state, settings). */
  public Client with(
      String name, boolean enabled, boolean showOnce, Integer maxTokens, TokenPolicy tokenPolicy) {
    return new Client(
        id,
        uuid,
        name,
        vulnPrefix,
        enabled,
        partnerId,
        partnerUuid,
        technical,
        showOnce,
        maxTokens,
        tokenPolicy,
        createAt);
  }
}
