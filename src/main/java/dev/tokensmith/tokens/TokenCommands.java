package dev.tokensmith.tokens;

import dev.tokensmith.permissions.Grant;
import java.time.Instant;
import java.util.List;

/** What the token endpoints ask the service to do, already checked for shape by the web layer. */
final class TokenCommands {
  private TokenCommands() {}

  /**
   * {@code POST /v2/api_tokens}.
   *
   * @param expireAtGiven true when the request named {@code expire_at}; without it the client's
   *     default lifetime applies
   * @param expireAt null = never
   * @param description null = none
   */
  public record Create(
      Long clientId,
      String realname,
      String description,
      Long userId,
      boolean enabled,
      boolean expireAtGiven,
      Instant expireAt,
      Grant grant,
      boolean shared,
      Usage usage,
      List<String> allowedIps) {

    /** The same request with its expiry settled. */
    Create expiringAt(Instant at) {
      return new Create(
          clientId,
          realname,
          description,
          userId,
          enabled,
          true,
          at,
          grant,
          shared,
          usage,
          allowedIps);
    }
  }

  /**
   * {@code PUT /v2/api_tokens/{id}}: null fields are left as they are.
   *
   * @param expireAtGiven true when the request named {@code expire_at} (then {@code expireAt} null
   *     = never)
   * @param descriptionGiven true when the request named {@code description} (null or empty: none)
   */
  public record Update(
      String realname,
      boolean descriptionGiven,
      String description,
      Boolean enabled,
      boolean expireAtGiven,
      Instant expireAt,
      Grant grant,
      List<String> allowedIps) {}

  /** A token with its secret, shown once at create and renew. */
  public record Issued(ApiToken token, String secret) {
    @Override
    public String toString() {
      return "Issued[token=" + token.id() + "]";
    }
  }
}
