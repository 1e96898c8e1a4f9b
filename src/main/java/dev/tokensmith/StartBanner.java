package dev.tokensmith;

import dev.tokensmith.config.Settings;
import dev.tokensmith.ops.Version;
import dev.tokensmith.storage.DatabaseLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * What a start tells the operator, one log line each: the version, the database (never its
 * credentials), the data folder, where the keys come from (and, when they were just generated, that
 * they must be backed up), the ports and the Console's address.
 */
final class StartBanner {
  private StartBanner() {}

  /** Where the keys came from, and whether this start generated them. */
  record Keys(String source, boolean generated) {}

  static List<String> lines(
      Version version, Settings settings, Keys keys, int port, OptionalInt managementPort) {
    List<String> lines = new ArrayList<>();
    lines.add("Tokensmith " + version.number());
    lines.add("Database: " + DatabaseLocation.describe(settings.dbUrl()));
    lines.add("Data folder: " + settings.dataDir().toAbsolutePath().normalize());
    lines.add(
        keys.generated()
            ? "Keys: generated "
                + keys.source()
                + ". Back them up now, and with every backup of the database: without them no"
                + " stored secret can be read and no token verified"
            : "Keys: " + keys.source());
    lines.add(
        "Listening on "
            + settings.host()
            + ":"
            + port
            + managementPort.stream()
                .mapToObj(p -> "; metrics and health checks on port " + p)
                .findFirst()
                .orElse(""));
    lines.add("Console: " + consoleUrl(settings, port));
    return List.copyOf(lines);
  }

  /** The Console's address: under the public URL when it is set, else on this machine. */
  static String consoleUrl(Settings settings, int port) {
    return settings
        .publicUrl()
        .map(url -> url.toString().replaceAll("/+$", "") + "/console/")
        .orElse("http://localhost:" + port + "/console/");
  }
}
