package dev.tokensmith;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.config.Settings;
import dev.tokensmith.ops.Version;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The start banner tells where things are, and never a credential. */
class StartBannerTest {

  @Test
  void linesWhenDatabaseUrlHoldsCredentialsThenNoneIsPrinted() {
    Settings settings =
        Settings.from(
            Map.of(
                "TOKENSMITH_DB_URL",
                "jdbc:postgresql://bob:url-s3cret@db.example.com:5432/tokens"
                    + "?user=bob&password=param-s3cret&ssl=true",
                "TOKENSMITH_DB_PASSWORD",
                "env-s3cret"));

    String banner =
        String.join(
            "\n",
            StartBanner.lines(
                new Version("1.2.3"),
                settings,
                new StartBanner.Keys("from the key files", false),
                8080,
                OptionalInt.of(9090)));

    assertThat(banner)
        .contains("Tokensmith 1.2.3")
        .contains("Database: PostgreSQL at db.example.com:5432/tokens")
        .contains("metrics and health checks on port 9090")
        .contains("Console: http://localhost:8080/console/")
        .doesNotContain("s3cret")
        .doesNotContain("bob");
  }

  @Test
  void linesWhenKeysJustGeneratedThenSaysBackThemUp() {
    Settings settings = Settings.from(Map.of("TOKENSMITH_DATA_DIR", "/srv/ts"));

    String banner =
        String.join(
            "\n",
            StartBanner.lines(
                new Version("1.2.3"),
                settings,
                new StartBanner.Keys("the master key /srv/ts/master.key", true),
                8080,
                OptionalInt.empty()));

    assertThat(banner)
        .contains("Database: H2 (embedded) at /srv/ts/tokensmith")
        .contains("Data folder: /srv/ts")
        .contains("Keys: generated the master key /srv/ts/master.key. Back them up now")
        .doesNotContain("metrics and health checks");
  }

  @Test
  void consoleUrlWhenPublicUrlSetThenUnderIt() {
    Settings settings =
        Settings.from(Map.of("TOKENSMITH_PUBLIC_URL", "https://tokens.example.com/"));
    assertThat(StartBanner.consoleUrl(settings, 8080))
        .isEqualTo("https://tokens.example.com/console/");
  }
}
