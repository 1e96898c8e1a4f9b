package dev.tokensmith.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.UsesDatabase;
import dev.tokensmith.testing.WithServer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What {@code /metrics} tells an operator after some traffic: HTTP requests by route template,
 * method and status with latency buckets (the hot lane's too), caches, the connection pool, jobs,
 * failed logins and 429s; every Tokensmith meter with its help text.
 */
@UsesDatabase
@WithServer(settings = {"TOKENSMITH_AUTH_FAILURES_PER_MINUTE=3", "TOKENSMITH_DB_POOL_SIZE=7"})
class MetricsIT {
  static TestServer server;
  static Fixtures fixtures;

  @Test
  void metricsWhenScrapedAfterTrafficThenEverySeriesWithHelp() {
    Fixtures.Issued token = fixtures.token(server.admin(), List.of("users:view"));
    assertThat(server.http.post("/v2/auth/check", token.auth(), Map.of()).status()).isEqualTo(200);
    assertThat(server.http.post("/v2/auth/check", token.auth(), Map.of()).status()).isEqualTo(200);
    assertThat(server.http.get("/healthz", Auth.NONE).status()).isEqualTo(200);
    assertThat(server.http.delete("/v2/node/12345", server.admin()).status()).isEqualTo(404);
    assertThat(server.http.get("/no/such/path", Auth.NONE).status()).isEqualTo(404);
    Response wrongPassword =
        server.http.post(
            "/v1/login",
            Auth.NONE,
            Map.of("email", TestServer.ADMIN_EMAIL, "password", "not-the-password"));
    assertThat(wrongPassword.status()).isEqualTo(401);
    int last = 0;
    for (int i = 0; i < 4; i++) {
      last = server.http.get("/v1/user", Auth.token("tks1" + "x".repeat(60))).status();
    }
    assertThat(last).isEqualTo(429);
    server.app.runJobs();

    String text = server.http.get("/metrics", Auth.NONE).text();

    assertThat(text)
        .contains(
            "http_server_requests_seconds_count{method=\"POST\",route=\"/v2/auth/check\","
                + "status=\"200\"} 2")
        .contains(
            "http_server_requests_seconds_bucket{method=\"POST\",route=\"/v2/auth/check\","
                + "status=\"200\",le=\"0.001\"}")
        .contains(
            "http_server_requests_seconds_count{method=\"GET\",route=\"/healthz\",status=\"200\"}")
        .contains(
            "http_server_requests_seconds_count{method=\"DELETE\",route=\"/v2/node/:id\","
                + "status=\"404\"} 1")
        .contains(
            "http_server_requests_seconds_count{method=\"GET\",route=\"unmatched\","
                + "status=\"404\"} 1")
        .contains(
            "http_server_requests_seconds_count{method=\"GET\",route=\"/v1/user\",status=\"429\"}")
        .contains("cache_gets_total{cache=\"tokens\",result=\"hit\"}")
        .contains("cache_size{cache=\"tokens\"}")
        .contains("cache_size{cache=\"clients\"}")
        .contains("hikaricp_connections_active{pool=\"tokensmith\"}")
        .contains("hikaricp_connections_max{pool=\"tokensmith\"} 7.0")
        .contains("hikaricp_connections_acquire_seconds_count{pool=\"tokensmith\"}")
        .contains("tokensmith_job_runs_seconds_count{job=\"tokens.expire\",result=\"success\"} 1")
        .contains("tokensmith_login_failures_total 1")
        .containsPattern("tokensmith_rate_limited_total [1-9]")
        .contains("tokensmith_token_verifications_total{result=\"verified\"}")
        .doesNotContain("12345")
        .doesNotContain("no/such/path")
        .doesNotContain(token.secret());

    Set<String> families = new TreeSet<>();
    Matcher type = Pattern.compile("(?m)^# TYPE (tokensmith_\\w+|http_server_\\w+) ").matcher(text);
    while (type.find()) {
      families.add(type.group(1));
    }
    assertThat(families)
        .contains(
            "tokensmith_build_info",
            "tokensmith_token_cache_total",
            "tokensmith_token_cache_size",
            "tokensmith_node_instance_cache_size",
            "tokensmith_job_runs_seconds",
            "tokensmith_login_failures_total",
            "tokensmith_rate_limited_total",
            "http_server_requests_seconds");
    assertThat(families)
        .allSatisfy(
            family -> assertThat(text).containsPattern("(?m)^# HELP " + family + " \\S.{10,}$"));
  }
}
