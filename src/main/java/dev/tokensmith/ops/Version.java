package dev.tokensmith.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * This build's version number, as the build wrote it into {@code dev/tokensmith/version.properties}
 * ({@code unknown} when classes run without the build's resources).
 */
public record Version(String number) {
  private static final String RESOURCE = "/dev/tokensmith/version.properties";

  /** The version of the running build. */
  public static Version ofBuild() {
    try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return new Version("unknown");
      }
      Properties properties = new Properties();
      properties.load(in);
      String number = properties.getProperty("version", "").strip();
      return new Version(number.isEmpty() || number.startsWith("${") ? "unknown" : number);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return number;
  }
}
