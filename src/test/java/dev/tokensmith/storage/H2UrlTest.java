package dev.tokensmith.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A user's own H2 URL gets the settings the server needs, unless it names them itself. */
class H2UrlTest {

  @Test
  void completeWhenFileUrlWithoutSettingsThenCommitsWrittenAtOnceAndServerClosesTheDatabase() {
    assertThat(H2Url.complete("jdbc:h2:file:/srv/ts/db;MODE=PostgreSQL"))
        .isEqualTo("jdbc:h2:file:/srv/ts/db;MODE=PostgreSQL;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
    assertThat(H2Url.complete("jdbc:h2:./db"))
        .isEqualTo("jdbc:h2:./db;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
  }

  @Test
  void completeWhenUrlNamesASettingThenItsOwnValueWins() {
    assertThat(H2Url.complete("jdbc:h2:./db;write_delay=200;DB_CLOSE_ON_EXIT=TRUE"))
        .isEqualTo("jdbc:h2:./db;write_delay=200;DB_CLOSE_ON_EXIT=TRUE");
  }

  @Test
  void completeWhenInMemoryThenNoWriteDelay() {
    assertThat(H2Url.complete("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1"))
        .isEqualTo("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE");
  }

  @Test
  void completeWhenRemoteOrPostgresqlThenUnchanged() {
    assertThat(H2Url.complete("jdbc:h2:tcp://db:9092/ts")).isEqualTo("jdbc:h2:tcp://db:9092/ts");
    assertThat(H2Url.complete("jdbc:postgresql://db/ts")).isEqualTo("jdbc:postgresql://db/ts");
  }

  @Test
  void databasePathWhenEmbeddedFileThenPathWithoutSuffix() {
    assertThat(H2Url.databasePath("jdbc:h2:file:/srv/ts/db;MODE=PostgreSQL"))
        .contains(Path.of("/srv/ts/db"));
    assertThat(H2Url.databasePath("jdbc:h2:/srv/ts/db")).contains(Path.of("/srv/ts/db"));
    assertThat(H2Url.databasePath("jdbc:h2:./db")).contains(Path.of("db").toAbsolutePath());
    assertThat(H2Url.databasePath("jdbc:h2:~/db"))
        .contains(Path.of(System.getProperty("user.home"), "db"));
  }

  @Test
  void databasePathWhenInMemoryRemoteOrOtherFileSystemThenEmpty() {
    assertThat(H2Url.databasePath("jdbc:h2:mem:x")).isEmpty();
    assertThat(H2Url.databasePath("jdbc:h2:tcp://db:9092/ts")).isEmpty();
    assertThat(H2Url.databasePath("jdbc:h2:split:/srv/ts/db")).isEmpty();
    assertThat(H2Url.databasePath("jdbc:postgresql://db/ts")).isEmpty();
  }
}
