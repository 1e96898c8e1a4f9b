package dev.tokensmith.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.WithServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The Console's pages and assets as served: bundled in the jar, with the page headers of the issue.
 */
@WithServer
class ConsoleAssetsIT {
  private static final Path ASSETS = Path.of("src/main/resources/console");

  static TestServer server;

  // No decompression, no caching: the bytes and headers as the server sent them.
  private static final HttpClient RAW =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void rootWhenRequestedThenRedirectsToTheConsole() {
    Response r = server.http.get("/", Auth.NONE);
    assertThat(r.status()).isEqualTo(302);
    assertThat(r.header("Location")).isEqualTo("/console/");
  }

  @Test
  void pagesWhenServedThenPolicyAllowsOwnScriptsOnlyAndForbidsFraming() {
    for (String page : List.of("/console/", "/api-console")) {
      Response r = server.http.get(page, Auth.NONE);
      assertThat(r.status()).as(page).isEqualTo(200);
      assertThat(r.header("Content-Type")).startsWith("text/html");
      String policy = r.header("Content-Security-Policy");
      assertThat(policy)
          .as(page)
          .contains(
              "default-src 'none'",
              "script-src 'self'",
              "style-src 'self'",
              "connect-src 'self'",
              "frame-ancestors 'none'")
          .doesNotContain("unsafe-inline")
          .doesNotContain("unsafe-eval");
      assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
      assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
      assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(r.text()).contains("<script type=\"module\" src=\"/console/js/app.js\"></script>");
    }
  }

  @Test
  void apiAnswersWhenServedThenKeepTheStrictPolicy() {
    for (String path : List.of("/v1/user", "/openapi.json", "/console/js/app.js", "/healthz")) {
      assertThat(server.http.get(path, Auth.NONE).header("Content-Security-Policy"))
          .as(path)
          .isEqualTo("default-src 'none'; frame-ancestors 'none'");
    }
  }

  @Test
  void assetsWhenRequestedThenServedFromTheJarWithTheirTypes() {
    assertType("/console/js/app.js", "text/javascript");
    assertType("/console/css/console.css", "text/css");
    assertType("/console/favicon.svg", "image/svg+xml");
    assertType("/console/swagger-ui/swagger-ui-bundle.js", "text/javascript");
    assertType("/console/swagger-ui/swagger-ui.css", "text/css");
  }

  private static void assertType(String path, String type) {
    Response r = server.http.get(path, Auth.NONE);
    assertThat(r.status()).as(path).isEqualTo(200);
    assertThat(r.header("Content-Type")).as(path).startsWith(type);
  }

  @Test
  void swaggerUiWhenLoadedUnderItsVersionThenGzippedCachedForAYearAndRevalidatedBy304()
      throws Exception {
    String shell = server.http.get("/console/", Auth.NONE).text();
    Matcher base =
        Pattern.compile("<meta name=\"swagger-ui\" content=\"(/console/swagger-ui/[0-9.]+/)\">")
            .matcher(shell);
    assertThat(base.find()).as(shell).isTrue();
    String bundle = base.group(1) + "swagger-ui-bundle.js";

    HttpResponse<byte[]> zipped = raw(bundle, "Accept-Encoding", "br, gzip;q=0.8");
    assertThat(zipped.statusCode()).isEqualTo(200);
    assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(zipped.headers().firstValue("Cache-Control"))
        .hasValue("public, max-age=31536000, immutable");
    assertThat(zipped.headers().firstValue("Vary")).hasValue("Accept-Encoding");
    byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(zipped.body())).readAllBytes();
    HttpResponse<byte[]> plain = raw(bundle, "Accept-Encoding", "gzip;q=0");
    assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(unzipped).isEqualTo(plain.body());
    assertThat(zipped.body().length).isLessThan(plain.body().length / 2);

    String etag = zipped.headers().firstValue("ETag").orElseThrow();
    HttpResponse<byte[]> again = raw(bundle, "If-None-Match", etag);
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();

    // The Console's own files are revalidated at every use, so a new release shows at once.
    HttpResponse<byte[]> app = raw("/console/js/app.js", "Accept-Encoding", "gzip");
    assertThat(app.headers().firstValue("Cache-Control")).hasValue("no-cache");
    String appTag = app.headers().firstValue("ETag").orElseThrow();
    assertThat(raw("/console/js/app.js", "If-None-Match", "W/" + appTag).statusCode())
        .isEqualTo(304);
    assertThat(raw("/console/js/app.js", "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
  }

  private static HttpResponse<byte[]> raw(String path, String header, String value)
      throws Exception {
    return RAW.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).header(header, value).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void pathsWhenEscapingTheAssetFolderThenNotFound() {
    for (String path :
        List.of(
            "/console/%2e%2e/%2e%2e/pom.xml",
            "/console/..%2f..%2fpom.xml",
            "/console/swagger-ui/%2e%2e/%2e%2e/%2e%2e/META-INF/MANIFEST.MF",
            "/console/js/")) {
      Response r = server.http.get(path, Auth.NONE);
      assertThat(r.status()).as(path).isEqualTo(404);
    }
  }

  /** No inline script or handler (the policy would block them), no persisted secret, no CDN. */
  @Test
  void sourcesWhenScannedThenNoInlineCodeNoStorageNoForeignHost() throws IOException {
    String html = Files.readString(ASSETS.resolve("index.html"));
    assertThat(html)
        .doesNotContainPattern("<script(?![^>]*\\bsrc=)")
        .doesNotContainPattern("\\son[a-z]+=")
        .doesNotContain("style=");
    try (Stream<Path> files = Files.walk(ASSETS)) {
      for (Path file :
          files
              .filter(f -> f.toString().endsWith(".js") || f.toString().endsWith(".css"))
              .toList()) {
        String text = Files.readString(file);
        assertThat(text)
            .as(file.toString())
            .doesNotContain("localStorage")
            .doesNotContain("sessionStorage")
            .doesNotContain("innerHTML")
            .doesNotContain("eval(")
            .doesNotContain("document.cookie")
            .doesNotContainPattern("https?://(?!www\\.w3\\.org/2000/svg)");
      }
    }
  }
}
