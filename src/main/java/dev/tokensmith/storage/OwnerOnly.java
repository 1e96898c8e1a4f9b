package dev.tokensmith.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folders and files only the server's own user may read, on POSIX file systems (elsewhere: best
 * effort): the data folder is created 0700, the embedded database's files are 0600. They hold the
 * keys, the secrets' digests and ciphertexts, and the users' password hashes.
 */
public final class OwnerOnly {
  private static final Logger LOG = LoggerFactory.getLogger(OwnerOnly.class);
  private static final Set<PosixFilePermission> FOLDER =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private OwnerOnly() {}

  /**
   * Creates {@code dir} 0700 (and its missing parents as usual) when it does not exist; an existing
   * folder is left as it is.
   */
  public static void folder(Path dir) {
    Path folder = dir.toAbsolutePath().normalize();
    if (Files.isDirectory(folder)) {
      return;
    }
    try {
      if (folder.getParent() != null) {
        Files.createDirectories(folder.getParent());
      }
      try {
        Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(FOLDER));
      } catch (UnsupportedOperationException notPosix) {
        Files.createDirectory(folder);
        bestEffort(folder);
      }
    } catch (FileAlreadyExistsException raced) {
      // Created meanwhile by another process: use it.
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the folder " + folder, e);
    }
  }

  /**
   * Prepares the files of an embedded database before it is opened: its folder is created 0700 if
   * missing; its data file ({@code base + dataSuffix}) is created empty and 0600 if missing, so the
   * database writes into a file no one else could ever open; every file of the database already
   * there ({@code base.*}: data, trace, temporary files) is made 0600.
   */
  static void databaseFiles(Path base, String dataSuffix) {
    Path absolute = base.toAbsolutePath().normalize();
    folder(absolute.getParent());
    Path data = absolute.resolveSibling(absolute.getFileName() + dataSuffix);
    try {
      try {
        Files.createFile(data, PosixFilePermissions.asFileAttribute(FILE));
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(data);
        bestEffort(data);
      }
    } catch (FileAlreadyExistsException exists) {
      // An existing database: restricted below.
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the database file " + data, e);
    }
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(absolute.getParent(), absolute.getFileName() + ".*")) {
      for (Path file : files) {
        restrict(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the database files " + absolute + ".*", e);
    }
  }

  /**
   * Creates {@code file}, empty and readable by its owner only (where the file system cannot say
   * so, as far as it can).
   *
   * @throws java.nio.file.FileAlreadyExistsException when it exists: an existing file is never
   *     touched
   */
  public static void createFile(Path file) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
      bestEffort(file);
    }
  }

  private static void restrict(Path file) {
    if (!Files.isRegularFile(file)) {
      return;
    }
    try {
      Files.setPosixFilePermissions(file, FILE);
    } catch (UnsupportedOperationException notPosix) {
      bestEffort(file);
    } catch (IOException e) {
      LOG.warn("cannot make {} readable by its owner only: {}", file, e.toString());
    }
  }

  // The results are not checked: where these calls fail the file system cannot restrict access.
  private static void bestEffort(Path path) {
    java.io.File f = path.toFile();
    f.setReadable(false, false);
    f.setReadable(true, true);
    f.setWritable(false, false);
    f.setWritable(true, true);
    f.setExecutable(false, false);
    f.setExecutable(Files.isDirectory(path), true);
  }
}
