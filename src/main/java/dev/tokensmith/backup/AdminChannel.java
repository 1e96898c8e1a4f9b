package dev.tokensmith.backup;

import dev.tokensmith.storage.OwnerOnly;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Properties;

/**
 * How the command line reaches a server running on the embedded database, whose file it cannot open
 * beside it: a listener on the loopback address only, at {@link #port}, that answers only requests
 * carrying {@link #key}. Both are in the file {@value #FILE} of the data folder, readable by its
 * owner only (the server's user, and root), written when the server starts and removed when it
 * stops. One left behind by a killed server names a port nobody answers on.
 */
public record AdminChannel(int port, String key) {
  /** The file in the data folder. */
  public static final String FILE = "admin-channel";

  /** A new random key for a channel (256 bits). */
  public static String newKey(SecureRandom random) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Writes the channel's file into {@code dataDir}, replacing one left behind. */
  public void writeTo(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    try {
      OwnerOnly.folder(dataDir);
      Files.deleteIfExists(file);
      OwnerOnly.createFile(file);
      Properties properties = new Properties();
      properties.setProperty("port", Integer.toString(port));
      properties.setProperty("key", key);
      try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        properties.store(out, "Tokensmith's local admin channel (loopback only); owner-only");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The channel named in {@code dataDir}, if a server wrote one. */
  public static Optional<AdminChannel> read(Path dataDir) throws IOException {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(dataDir.resolve(FILE), StandardCharsets.UTF_8)) {
      properties.load(in);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new AdminChannel(
              Integer.parseInt(properties.getProperty("port", "")),
              properties.getProperty("key", "")));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Removes the channel's file from {@code dataDir} when it is still this channel's. */
  public void removeFrom(Path dataDir) {
    try {
      if (read(dataDir).filter(this::equals).isPresent()) {
        Files.deleteIfExists(dataDir.resolve(FILE));
      }
    } catch (IOException e) {
      // Harmless: a file left behind names a port nobody answers on.
    }
  }

  @Override
  public String toString() {
    return "AdminChannel[port=" + port + "]";
  }
}
