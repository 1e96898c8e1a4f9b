package dev.tokensmith;

import dev.tokensmith.backup.AdminChannel;
import dev.tokensmith.backup.BackupClient;
import dev.tokensmith.backup.Backups;
import dev.tokensmith.config.Settings;
import dev.tokensmith.storage.Database;
import dev.tokensmith.storage.EmbeddedBackup;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code tokensmith backup <file>}: a consistent copy of the embedded database, taken while the
 * server runs (through its local admin channel, since the server holds the database file) or, when
 * no server runs, by opening the file itself. A backup holds no key. PostgreSQL is backed up with
 * its own tools. Exit codes: 0 backed up, 1 it failed, 2 a usage error (or PostgreSQL).
 */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description = {
      "Back up the embedded database to a new file (a zip), while the server runs or not. The"
          + " backup holds no key: keep the key files backed up apart from it. PostgreSQL: use"
          + " pg_dump."
    })
final class BackupCommand implements Callable<Integer> {
  @CommandLine.Parameters(index = "0", paramLabel = "FILE", description = "the backup to write")
  Path file;

  @Override
  public Integer call() throws Exception {
    Settings settings = Main.settings();
    if (settings.dbUrl().startsWith("jdbc:postgresql:")) {
      System.err.println(
          "The database is PostgreSQL: back it up with pg_dump (see docs/operations.md, Backup and"
              + " restore).");
      return 2;
    }
    if (EmbeddedBackup.dataFile(settings.dbUrl()).isEmpty()) {
      System.err.println(
          "Only an embedded file database is backed up by this command; back this one up with the"
              + " tools of its own server.");
      return 2;
    }
    Path target = file.toAbsolutePath().normalize();
    if (Files.exists(target)) {
      System.err.println(target + " exists: a backup never replaces a file, choose a new name.");
      return 2;
    }
    if (target.getParent() == null || !Files.isDirectory(target.getParent())) {
      System.err.println("The folder " + target.getParent() + " does not exist.");
      return 2;
    }
    Path partial = target.resolveSibling(target.getFileName() + ".part");
    Files.deleteIfExists(partial);

    Optional<AdminChannel> channel;
    try {
      channel = AdminChannel.read(settings.dataDir());
    } catch (AccessDeniedException e) {
      System.err.println(
          "Cannot read "
              + settings.dataDir().resolve(AdminChannel.FILE)
              + ": run the command as the server's user (the data folder is its alone).");
      return 1;
    }
    if (channel.isPresent()) {
      try {
        Path snapshot = new BackupClient().backup(channel.get());
        if (!Backups.isBackupFile(settings.dataDir(), snapshot)) {
          System.err.println(
              "What answers on the admin channel's port named no backup of this data folder: nothing"
                  + " was moved (is another program listening on that port?).");
          return 1;
        }
        Files.move(snapshot, partial);
        return done(partial, target, "while the server ran");
      } catch (ConnectException notRunning) {
        // Left behind by a server that was killed: no server runs, the file can be opened.
      } catch (BackupClient.Refused e) {
        System.err.println("The running server took no backup: " + e.getMessage() + ".");
        return 1;
      }
    }
    try {
      EmbeddedBackup.offline(settings.dbUrl(), settings.dbUser(), settings.dbPassword(), partial);
      return done(partial, target, "with no server running");
    } catch (EmbeddedBackup.NoDatabase e) {
      System.err.println("Nothing to back up: " + e.getMessage() + ".");
      return 1;
    } catch (Database.InUse e) {
      System.err.println(
          "The embedded database is in use by a process that offers no backup channel (a server"
              + " starting or stopping, or another command): try again in a moment.");
      return 1;
    }
  }

  // The backup gets its name only once complete: a file under that name is never half written.
  private static int done(Path partial, Path target, String how) throws IOException {
    long bytes = Files.size(partial);
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    System.out.println(
        "Backed up the embedded database to "
            + target
            + " ("
            + bytes
            + " bytes, "
            + how
            + "). It holds no key: keep the master key and the pepper backed up apart from it.");
    return 0;
  }
}
