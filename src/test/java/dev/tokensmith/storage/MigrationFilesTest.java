package dev.tokensmith.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The newest migration the start's shortcut knows ({@link Database#LATEST_MIGRATION}) is the newest
 * file: a migration added without raising it would never reach a database already up to date.
 */
class MigrationFilesTest {
  private static final Pattern VERSIONED = Pattern.compile("V(\\d+)__.+\\.sql");

  @Test
  void latestMigrationWhenTheBuildIsReadThenItIsTheNewestFileAndNoneIsMissing()
      throws IOException, URISyntaxException {
    Path folder = Path.of(Database.class.getResource("/db/migration").toURI());
    List<Integer> versions;
    try (Stream<Path> files = Files.list(folder)) {
      versions =
          files
              .map(f -> VERSIONED.matcher(f.getFileName().toString()))
              .filter(Matcher::matches)
              .map(m -> Integer.parseInt(m.group(1)))
              .sorted()
              .toList();
    }
    assertThat(versions)
        .isEqualTo(IntStream.rangeClosed(1, Database.LATEST_MIGRATION).boxed().toList());
  }
}
