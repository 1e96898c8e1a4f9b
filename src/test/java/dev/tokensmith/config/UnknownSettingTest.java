package dev.tokensmith.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A name that is no setting is warned about, with the setting it most likely meant. */
class UnknownSettingTest {

  @Test
  void loadWhenMisspeltVariableThenOneWarningNamingTheClosestSetting() {
    Settings.Loaded loaded =
        Settings.load(Map.of("TOKENSMITH_PROT", "9090", "TOKENSMITH_PORT", "0", "PATH", "/bin"));

    assertThat(loaded.warnings())
        .containsExactly(
            "TOKENSMITH_PROT is not a Tokensmith setting and is ignored; did you mean"
                + " TOKENSMITH_PORT?");
    assertThat(loaded.settings().port()).isZero();
  }

  @Test
  void loadWhenOnlyKnownNamesThenNoWarning() {
    assertThat(
            Settings.load(
                    Map.of(
                        "TOKENSMITH_PORT", "1",
                        "TOKENSMITH_MASTER_KEYS", "",
                        "TOKENSMITH_LOG_FORMAT", "json",
                        "TOKENSMITH_MANAGEMENT_PORT", "9090",
                        "TOKENSMITH_ACCESS_LOG", "true",
                        "OTHER_THING", "x"))
                .warnings())
        .isEmpty();
  }

  @Test
  void loadWhenNameFarFromEverySettingThenWarningWithoutSuggestion() {
    assertThat(Settings.load(Map.of("TOKENSMITH_FLUX_CAPACITOR", "1")).warnings())
        .containsExactly("TOKENSMITH_FLUX_CAPACITOR is not a Tokensmith setting and is ignored");
  }

  @Test
  void loadWhenConfigFileHasUnknownKeyThenWarningNamesTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tokensmith.properties");
    Files.writeString(file, "TOKENSMITH_DB_PASWORD=x\nTOKENSMITH_SESSION_HOURS=2\n");

    assertThat(Settings.load(Map.of("TOKENSMITH_CONFIG_FILE", file.toString())).warnings())
        .containsExactly(
            "TOKENSMITH_DB_PASWORD in "
                + file
                + " is not a Tokensmith setting and is ignored; did you mean"
                + " TOKENSMITH_DB_PASSWORD?");
  }

  @Test
  void closestWhenCaseOrPrefixDiffersThenStillFound() {
    var known = java.util.List.of("TOKENSMITH_PORT", "TOKENSMITH_HOST", "TOKENSMITH_CACHE_SIZE");
    assertThat(UnknownSetting.closest("tokensmith_port", known)).contains("TOKENSMITH_PORT");
    assertThat(UnknownSetting.closest("TOKENSMITH_CACHE_SIZ", known))
        .contains("TOKENSMITH_CACHE_SIZE");
    assertThat(UnknownSetting.closest("TOKENSMITH_POST", known)).contains("TOKENSMITH_PORT");
    assertThat(UnknownSetting.closest("TOKENSMITH_XYZ", known)).isEmpty();
  }

  @Test
  void loadWhenLogFormatOrAccessLogBadThenFailsNamingTheSetting() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Settings.from(Map.of("TOKENSMITH_LOG_FORMAT", "xml")))
        .hasMessage("TOKENSMITH_LOG_FORMAT must be text or json");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Settings.from(Map.of("TOKENSMITH_ACCESS_LOG", "yes")))
        .hasMessage("TOKENSMITH_ACCESS_LOG must be true or false");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Settings.from(Map.of("TOKENSMITH_MANAGEMENT_PORT", "99999")))
        .hasMessage("TOKENSMITH_MANAGEMENT_PORT must be between 0 and 65535");
  }
}
