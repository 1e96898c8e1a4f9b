package dev.tokensmith.tokens;

import static dev.tokensmith.errors.ValidationException.Code.REQUIRED;

import dev.tokensmith.errors.TooManyRequestsException;
import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.web.Api;
import dev.tokensmith.web.Reply;
import dev.tokensmith.web.Request;
import dev.tokensmith.web.Routes;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The leaked-token report, open to anyone: {@code POST /v2/api_tokens/revoke} with {@code
 * {"secrets": [...]}}. A well-formed report is always answered 202 with the number of values
 * received, whatever they matched, so it cannot be used to test whether a value is a live secret.
 */
public final class LeakApi implements Api {
  private final LeakReports reports;
  private final ToLongFunction<String> limiter;

  /**
   * @param limiter counts one report of an address: 0 while it is within its limit, else the
   *     seconds until it may report again
   */
  public LeakApi(LeakReports reports, ToLongFunction<String> limiter) {
    this.reports = reports;
    this.limiter = limiter;
  }

  @Override
  public void routes(Routes routes) {
    routes.publicPost("/v2/api_tokens/revoke", this::report);
  }

  private Object report(Request request) {
    // Counted before the body is read: a malformed report costs its place too.
    long retryAfter = limiter.applyAsLong(request.ip());
    if (retryAfter > 0) {
      throw new TooManyRequestsException(retryAfter);
    }
    List<String> secrets =
        request
            .body()
            .foundTexts("secrets", LeakReports.MAX_SECRETS)
            .orElseThrow(() -> ValidationException.of("secrets", REQUIRED, null));
    reports.report(secrets, request.ip());
    return Reply.of(202, Map.of("accepted", secrets.size()));
  }
}
