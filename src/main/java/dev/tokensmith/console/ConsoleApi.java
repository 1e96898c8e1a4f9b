package dev.tokensmith.console;

import dev.tokensmith.web.Api;
import dev.tokensmith.web.Reply;
import dev.tokensmith.web.Routes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The Console and the API Console (spec, faces 2 and 3): static pages and scripts bundled in the
 * jar, plus the OpenAPI document of the Cloud API. Nothing here reads data or checks a credential:
 * the pages call the public Cloud API like any other client, with the user's session.
 */
public final class ConsoleApi implements Api {
  /** Where the Console lives; {@code /} sends the browser here. */
  public static final String CONSOLE_PATH = "/console/";

  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";

  private final String swaggerVersion = swaggerVersion();
  private final String swaggerRoot = WEBJAR + swaggerVersion;
  // The page names where swagger-ui lives: under its version, which browsers may cache for good.
  private final String shell =
      resource("console/index.html")
          .replace(
              "<!-- swagger-ui -->",
              "<meta name=\"swagger-ui\" content=\""
                  + CONSOLE_PATH
                  + "swagger-ui/"
                  + swaggerVersion
                  + "/\">");
  private final String openApi = resource("openapi.json");

  @Override
  public void routes(Routes routes) {
    routes.publicGet("/", r -> Reply.of(302, "Found").header("Location", CONSOLE_PATH));
    // The page a one-time link to set a password opens: the Console, which reads the code.
    routes.page(CONSOLE_PATH + "set-password", shell);
    routes.page(CONSOLE_PATH, shell);
    routes.staticFiles(CONSOLE_PATH + "swagger-ui/", swaggerRoot, swaggerVersion);
    routes.staticFiles(CONSOLE_PATH, "console");
    // The API Console is a view of the Console itself, so it shares the Console's in-memory
    // session.
    routes.page("/api-console", shell);
    routes.publicGet("/openapi.json", r -> Reply.raw("application/json", openApi));
  }

  private static String resource(String name) {
    try (InputStream in = ConsoleApi.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // The webjar's folder carries its version; read it from the jar so a dependency bump needs no
  // code change.
  private static String swaggerVersion() {
    Properties properties = new Properties();
    try (InputStream in =
        ConsoleApi.class
            .getClassLoader()
            .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the swagger-ui webjar is missing");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version");
  }
}
