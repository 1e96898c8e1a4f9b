package dev.tokensmith.auth;

import dev.tokensmith.tokens.Verification;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Counts token verifications by outcome ({@code tokensmith_token_verifications_total{result=…}})
 * and failed Console logins ({@code tokensmith_login_failures_total}). Labels are the fixed outcome
 * names only: never a secret, a token id, an e-mail or an address.
 */
public final class VerificationMetrics {
  private final Counter verified;
  private final Counter loginFailures;
  private final Map<Verification.Reason, Counter> rejected =
      new EnumMap<>(Verification.Reason.class);

  public VerificationMetrics(MeterRegistry registry) {
    this.verified = counter(registry, "verified");
    this.loginFailures =
        Counter.builder("tokensmith.login.failures")
            .description(
                "Console logins refused for a wrong e-mail or password, or a disabled user or"
                    + " client")
            .register(registry);
    for (Verification.Reason reason : Verification.Reason.values()) {
      rejected.put(reason, counter(registry, reason.name().toLowerCase(Locale.ROOT)));
    }
  }

  private static Counter counter(MeterRegistry registry, String result) {
    return Counter.builder("tokensmith.token.verifications")
        .tag("result", result)
        .description("Token verifications by outcome")
        .register(registry);
  }

  void loginFailed() {
    loginFailures.increment();
  }

  void count(Verification result) {
    if (result instanceof Verification.Rejected r) {
      rejected.get(r.reason()).increment();
    } else {
      verified.increment();
    }
  }
}
