package dev.tokensmith.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Backups of the embedded database and their restore. A backup is H2's {@code BACKUP TO}: a zip of
 * the database's data file, transactionally consistent while the database is in use (H2 copies a
 * committed version of every page, locking nothing). It holds no key: the key files are backed up
 * apart from it.
 */
public final class EmbeddedBackup {
  // H2's error codes: a file database locked by another process, and one that does not exist.
  private static final int ALREADY_OPEN = 90020;
  private static final int NOT_FOUND = 90146;

  /** There is no database to back up at {@code path}. */
  public static final class NoDatabase extends IllegalStateException {
    NoDatabase(Path path) {
      super("no database at " + path);
    }
  }

  /** The file to restore is not a backup of an embedded Tokensmith database. */
  public static final class NotABackup extends IllegalArgumentException {
    NotABackup(String why) {
      super(why);
    }
  }

  /** What a restore wrote: the database's data file, and how many tokens it holds. */
  public record Restored(Path dataFile, long tokens) {}

  private EmbeddedBackup() {}

  /**
   * The data file of the embedded file database {@code url} names ({@code
   * /srv/tokensmith/data/tokensmith.mv.db}); empty for PostgreSQL and for in-memory and remote H2.
   */
  public static Optional<Path> dataFile(String url) {
    return H2Url.databasePath(url)
        .map(base -> base.resolveSibling(base.getFileName() + H2Url.DATA_FILE));
  }

  /**
   * Backs up the open database behind {@code connection} to {@code zip}, which must not exist: it
   * is created readable by its owner only (it holds the secrets' digests and ciphertexts and the
   * password hashes).
   */
  static void write(Connection connection, Path zip) throws SQLException, IOException {
    OwnerOnly.createFile(zip);
    try (Statement statement = connection.createStatement()) {
      // BACKUP takes no parameter; a path is quoted as an SQL string.
      statement.execute("BACKUP TO '" + zip.toAbsolutePath().toString().replace("'", "''") + "'");
    } catch (SQLException | RuntimeException e) {
      Files.deleteIfExists(zip);
      throw e;
    }
  }

  /**
   * Backs up the embedded database {@code url} names while no server runs on it: opens it (never
   * creating it, never migrating it) for the time of the backup.
   *
   * @throws NoDatabase when it does not exist
   * @throws Database.InUse when another process has it open
   */
  public static void offline(String url, String user, String password, Path zip)
      throws IOException {
    String existing = H2Url.complete(url) + ";IFEXISTS=TRUE";
    try (Connection connection = DriverManager.getConnection(existing, user, password)) {
      write(connection, zip);
    } catch (SQLException e) {
      if (e.getErrorCode() == NOT_FOUND) {
        throw new NoDatabase(dataFile(url).orElseThrow());
      }
      if (e.getErrorCode() == ALREADY_OPEN) {
        throw new Database.InUse(e);
      }
      throw new IllegalStateException("the backup failed: " + e.getMessage(), e);
    }
  }

  /**
   * Writes the database of the backup {@code zip} as the embedded database {@code url} names, which
   * must not exist, then opens it once to check that it is a Tokensmith database. Its folder is
   * created owner-only if missing, its file is owner-only. Nothing is left behind when the file is
   * not a backup.
   *
   * @throws NotABackup when {@code zip} is not a backup of an embedded Tokensmith database
   */
  public static Restored restore(Path zip, String url, String user, String password)
      throws IOException {
    Path dataFile =
        dataFile(url)
            .orElseThrow(() -> new IllegalArgumentException("not an embedded file database"));
    if (Files.exists(dataFile)) {
      throw new IllegalStateException(dataFile + " exists");
    }
    OwnerOnly.folder(dataFile.getParent());
    Path partial = dataFile.resolveSibling(dataFile.getFileName() + ".restoring");
    Files.deleteIfExists(partial);
    OwnerOnly.createFile(partial);
    try {
      unpack(zip, partial);
      Files.move(partial, dataFile, StandardCopyOption.ATOMIC_MOVE);
      return new Restored(dataFile, count(url, user, password));
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(partial);
      Files.deleteIfExists(dataFile);
      throw e;
    }
  }

  // The one entry of a backup: the data file (H2 names it after the database it came from).
  private static void unpack(Path zip, Path into) throws IOException {
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      ZipEntry entry = in.getNextEntry();
      if (entry == null
          || entry.isDirectory()
          || entry.getName().contains("/")
          || entry.getName().contains("\\")
          || !entry.getName().endsWith(H2Url.DATA_FILE)) {
        throw new NotABackup(zip + " is not a backup of the embedded database (no data file)");
      }
      try (OutputStream out = Files.newOutputStream(into)) {
        copy(in, out);
      }
      if (in.getNextEntry() != null) {
        throw new NotABackup(
            zip + " is not a backup of the embedded database (more than one file)");
      }
    } catch (java.util.zip.ZipException e) {
      throw new NotABackup(zip + " is not a backup of the embedded database (not a zip file)");
    }
  }

  private static void copy(InputStream in, OutputStream out) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    for (int n; (n = in.read(buffer)) > 0; ) {
      out.write(buffer, 0, n);
    }
  }

  // Opens the restored file as the server will and counts its tokens: a file that is no H2
  // database, or no Tokensmith database, fails here rather than at the server's start.
  private static long count(String url, String user, String password) {
    String existing = H2Url.complete(url) + ";IFEXISTS=TRUE";
    try (Connection connection = DriverManager.getConnection(existing, user, password);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM api_tokens")) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new NotABackup("the backup's database cannot be read as a Tokensmith database");
    }
  }
}
