package dev.tokensmith.backup;

import dev.tokensmith.storage.Database;
import dev.tokensmith.storage.OwnerOnly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Backups of the embedded database taken by the running server, for the {@code backup} command: a
 * consistent copy written into the data folder (the one folder the server may always write to, and
 * one the command can read), which the command then moves where it was asked.
 */
public final class Backups {
  /** A backup the command never collected (it was killed meanwhile) is removed after this. */
  static final Duration ABANDONED = Duration.ofHours(1);

  private static final String PREFIX = ".backup-";

  private final Database db;
  private final Path dataDir;
  private final SecureRandom random;
  private final Clock clock;

  public Backups(Database db, Path dataDir, SecureRandom random, Clock clock) {
    this.db = db;
    this.dataDir = dataDir.toAbsolutePath().normalize();
    this.random = random;
    this.clock = clock;
  }

  /**
   * True when {@code file} is a backup this server class writes into {@code dataDir}: a regular
   * file (not a link) directly in it, named as {@link #take} names them. The command checks the
   * file a channel's answer names before it moves it, so that whatever else listens on a port left
   * in a stale channel file cannot make it move a key file or any other file.
   */
  public static boolean isBackupFile(Path dataDir, Path file) {
    Path folder = dataDir.toAbsolutePath().normalize();
    Path named = file.toAbsolutePath().normalize();
    return folder.equals(named.getParent())
        && named.getFileName().toString().matches("\\.backup-[0-9a-f]{24}\\.zip")
        && Files.isRegularFile(named, java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }

  /** A backup file and its size in bytes. */
  public record Snapshot(Path file, long bytes) {}

  /** Backs the database up now into a new owner-only file of the data folder. */
  public Snapshot take() {
    removeAbandoned();
    byte[] name = new byte[12];
    random.nextBytes(name);
    Path file = dataDir.resolve(PREFIX + HexFormat.of().formatHex(name) + ".zip");
    try {
      OwnerOnly.folder(dataDir);
      db.backupTo(file);
      return new Snapshot(file, Files.size(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the backup " + file, e);
    }
  }

  private void removeAbandoned() {
    long before = clock.millis() - ABANDONED.toMillis();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dataDir, PREFIX + "*.zip")) {
      for (Path file : files) {
        if (Files.getLastModifiedTime(file).toMillis() < before) {
          Files.deleteIfExists(file);
        }
      }
    } catch (IOException e) {
      // Nothing to clean, or not now: the next backup tries again.
    }
  }
}
