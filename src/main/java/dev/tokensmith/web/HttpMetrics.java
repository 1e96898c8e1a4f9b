package dev.tokensmith.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * HTTP requests answered, by method, route template (never the raw path, which holds ids) and
 * status, with a latency histogram: {@code http_server_requests_seconds}. Each route's timers are
 * resolved once per status and kept, so that recording a request allocates nothing.
 */
public final class HttpMetrics {
  /** The route of a request no route took (404, 405). */
  static final String UNMATCHED = "unmatched";

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
  // From a cached verification (well under a millisecond) to a request that hit the time limits.
  private static final Duration[] BUCKETS = {
    Duration.ofNanos(250_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofNanos(2_500_000),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  private final MeterRegistry registry;
  private final Counter tooManyRequests;
  private final ConcurrentHashMap<String, Route> routes = new ConcurrentHashMap<>();

  public HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.tooManyRequests =
        Counter.builder("tokensmith.rate.limited")
            .description(
                "Requests answered 429 because their address (or account) failed to authenticate"
                    + " too often")
            .register(registry);
  }

  /** The timers of one route (the same object for the same method and template). */
  Route route(HttpMethod method, String template) {
    String name = METHODS.contains(method.name()) ? method.name() : "OTHER";
    return routes.computeIfAbsent(name + " " + template, key -> new Route(name, template));
  }

  /** One route's timers, one per status seen, created on first use. */
  final class Route {
    private static final int LOWEST = 100;
    private final String method;
    private final String template;
    // Indexed by status - 100; a race creates the same timer twice, and the registry returns one.
    private final Timer[] byStatus = new Timer[500];

    private Route(String method, String template) {
      this.method = method;
      this.template = template;
    }

    String method() {
      return method;
    }

    String template() {
      return template;
    }

    void record(int status, long nanos) {
      int index = status - LOWEST;
      if (index < 0 || index >= byStatus.length) {
        return;
      }
      Timer timer = byStatus[index];
      if (timer == null) {
        timer =
            Timer.builder("http.server.requests")
                .description("HTTP requests answered, by method, route template and status")
                .tag("method", method)
                .tag("route", template)
                .tag("status", Integer.toString(status))
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
        byStatus[index] = timer;
      }
      timer.record(nanos, TimeUnit.NANOSECONDS);
      if (status == 429) {
        tooManyRequests.increment();
      }
    }
  }
}
