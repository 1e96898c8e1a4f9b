package dev.tokensmith.tokens;

import dev.tokensmith.testing.Records;
import dev.tokensmith.tokens.TokenCommands.Create;
import dev.tokensmith.tokens.TokenCommands.Update;
import java.util.List;

/**
 * Token commands as the token endpoints make them, for the service tier (one place for their
 * shape).
 */
final class TokenRequests {
  private TokenRequests() {}

  /** A personal token of the caller in their client, enabled, never expiring. */
  static Create personal(String... permissions) {
    return new Create(
        null,
        "personal",
        null,
        null,
        true,
        false,
        null,
        Records.grant(permissions),
        false,
        Usage.API,
        List.of());
  }

  /** A shared token of the caller's client. */
  static Create shared(String... permissions) {
    return new Create(
        null,
        "shared",
        null,
        null,
        true,
        false,
        null,
        Records.grant(permissions),
        true,
        Usage.API,
        List.of());
  }

  /** New permissions, nothing else. */
  static Update permissions(String... permissions) {
    return new Update(null, false, null, null, false, null, Records.grant(permissions), null);
  }

  /** Disabled by hand. */
  static Update disable() {
    return new Update(null, false, null, false, false, null, null, null);
  }
}
