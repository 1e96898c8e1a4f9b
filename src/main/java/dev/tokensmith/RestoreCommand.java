package dev.tokensmith;

import dev.tokensmith.config.Settings;
import dev.tokensmith.storage.EmbeddedBackup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code tokensmith restore <file>}: the embedded database of a backup, written into an empty (or
 * new) data folder, never over a database. The keys the backup's data was made with are put in
 * place by the operator (the backup holds none). PostgreSQL is restored with its own tools. Exit
 * codes: 0 restored, 1 it failed, 2 a usage error (a folder not empty, not a backup, PostgreSQL).
 */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Restore the embedded database from a backup into an empty data folder"
          + " (TOKENSMITH_DATA_DIR). Put the key files of that database in place before starting."
          + " PostgreSQL: use pg_restore."
    })
final class RestoreCommand implements Callable<Integer> {
  @CommandLine.Parameters(index = "0", paramLabel = "FILE", description = "the backup to restore")
  Path file;

  @Override
  public Integer call() throws IOException {
    Settings settings = Main.settings();
    if (settings.dbUrl().startsWith("jdbc:postgresql:")) {
      System.err.println(
          "The database is PostgreSQL: restore it with pg_restore (see docs/operations.md, Backup"
              + " and restore).");
      return 2;
    }
    Path dataFile = EmbeddedBackup.dataFile(settings.dbUrl()).orElse(null);
    if (dataFile == null) {
      System.err.println("Only an embedded file database is restored by this command.");
      return 2;
    }
    Path dataDir = settings.dataDir().toAbsolutePath().normalize();
    if (!empty(dataDir) || Files.exists(dataFile)) {
      System.err.println(
          "Refusing to restore into "
              + dataDir
              + ": it is not empty (restore into a new or empty data folder, never over a"
              + " database).");
      return 2;
    }
    if (!Files.isRegularFile(file)) {
      System.err.println("Cannot read the backup " + file + ".");
      return 2;
    }
    EmbeddedBackup.Restored restored;
    try {
      restored =
          EmbeddedBackup.restore(file, settings.dbUrl(), settings.dbUser(), settings.dbPassword());
    } catch (EmbeddedBackup.NotABackup e) {
      System.err.println(e.getMessage() + ".");
      return 2;
    }
    String keys =
        settings.masterKeys().isPresent()
            ? "start with the TOKENSMITH_MASTER_KEYS and TOKENSMITH_PEPPER this database was made"
                + " with"
            : "put the key files this database was made with in place before starting: "
                + settings.masterKeyFile().toAbsolutePath().normalize()
                + " and "
                + settings.pepperFile().toAbsolutePath().normalize();
    System.out.println(
        "Restored the embedded database into "
            + restored.dataFile()
            + " ("
            + restored.tokens()
            + " tokens); "
            + keys
            + ".");
    return 0;
  }

  private static boolean empty(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return true;
    }
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }
}
