package dev.tokensmith.ops;

import dev.tokensmith.storage.Database;
import dev.tokensmith.web.Api;
import dev.tokensmith.web.Reply;
import dev.tokensmith.web.Routes;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpMethod;
import java.util.function.BooleanSupplier;

/** Liveness, readiness and metrics. */
public final class OpsApi implements Api {
  private final Database db;
  private final PrometheusMeterRegistry metrics;
  private final BooleanSupplier stopping;
  // The liveness answer never changes: the envelope, plus the build's version beside its body.
  private final String healthy;
  private final boolean serveMetrics;

  /**
   * @param stopping true once the server has begun to stop: not ready, so the load balancer sends
   *     no more
   * @param serveMetrics false on the API's port when the metrics have a management port of their
   *     own
   */
  public OpsApi(
      Database db,
      PrometheusMeterRegistry metrics,
      BooleanSupplier stopping,
      Version version,
      boolean serveMetrics) {
    this.db = db;
    this.serveMetrics = serveMetrics;
    this.metrics = metrics;
    this.stopping = stopping;
    this.healthy =
        "{\"status\":200,\"body\":\"ok\",\"version\":\""
            + version.number().replaceAll("[^A-Za-z0-9._+-]", "")
            + "\"}";
  }

  @Override
  public void routes(Routes routes) {
    routes.fast(HttpMethod.GET, "/healthz", r -> Reply.raw("application/json", healthy));
    routes.fast(
        HttpMethod.GET,
        "/readyz",
        r ->
            stopping.getAsBoolean()
                ? Reply.of(503, "Stopping")
                : db.reachable() ? "ready" : Reply.of(503, "Database unreachable"));
    if (serveMetrics) {
      routes.publicGet(
          "/metrics", r -> Reply.raw("text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
    }
  }
}
