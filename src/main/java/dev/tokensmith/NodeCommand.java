package dev.tokensmith;

import dev.tokensmith.nodes.NodeClient;
import dev.tokensmith.nodes.NodeClient.Refused;
import dev.tokensmith.nodes.NodeClient.Synced;
import dev.tokensmith.nodes.NodeCredentials;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tokensmith node register|sync}: this machine as a node instance of a Tokensmith server.
 * Exit codes: 0 done, 1 the server could not be reached (or answered an error), 2 a usage error, 3
 * the credential was refused (a supervisor should not simply restart: register again).
 */
@Command(
    name = "node",
    description = "Act as a node instance: register with a node token, then sync.",
    subcommands = {NodeCommand.Register.class, NodeCommand.Sync.class})
final class NodeCommand implements Callable<Integer> {
  static final String TOKEN_VARIABLE = "TOKENSMITH_NODE_TOKEN";
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int REFUSED = 3;
  private static final String DEFAULT_FILE = "tokensmith-node.json";

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Name a command: register, sync");
  }

  /** Registers an instance and keeps its credential pair in an owner-only file. */
  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description = {
        "Register this machine as an instance of a node and write its credential pair to a file"
            + " only its owner may read. The secret is never printed.",
        "The token may come from the environment variable "
            + TOKEN_VARIABLE
            + " instead of"
            + " --token (command-line arguments are visible to other users in the process list)."
      })
  static final class Register implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--url", required = true, description = "the server, e.g. https://tokens:8080")
    String url;

    @Option(
        names = "--token",
        description =
            "a node token, or an API token made for node deployment (default: $"
                + TOKEN_VARIABLE
                + ")")
    String token;

    @Option(
        names = "--group",
        description = "with an API token: the node to join (created if missing)")
    String group;

    @Option(names = "--hostname", description = "the instance's name (default: this host's name)")
    String hostname;

    @Option(
        names = "--credentials",
        defaultValue = DEFAULT_FILE,
        description = "the credentials file (default: ${DEFAULT-VALUE})")
    Path credentials;

    @Option(names = "--force", description = "replace an existing credentials file")
    boolean force;

    @Override
    public Integer call() throws InterruptedException {
      String secret = token != null ? token : System.getenv(TOKEN_VARIABLE);
      if (secret == null || secret.isBlank()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "Missing the token: --token or " + TOKEN_VARIABLE);
      }
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (Files.exists(credentials) && !force) {
        err.println(
            credentials
                + " exists (an instance registered already): sync with it, or register again"
                + " with --force to replace it");
        return USAGE;
      }
      NodeClient client;
      try {
        client = new NodeClient(url);
      } catch (IllegalArgumentException e) {
        err.println(e.getMessage());
        return USAGE;
      }
      warnIfInTheClear(client, err);
      String name = hostname != null ? hostname : localHostname();
      if (!secret.strip().chars().allMatch(c -> c > ' ' && c < 127)) {
        err.println("The token holds characters no token has (spaces, line breaks, non-ASCII)");
        return USAGE;
      }
      try {
        NodeCredentials pair = client.register(secret.strip(), name, group);
        pair.write(credentials);
        out.printf(
            "Registered instance %s (%s) of node %d; its credentials are in %s%n",
            pair.uuid(), name, pair.nodeId(), credentials);
        return 0;
      } catch (Refused r) {
        err.println(r.getMessage());
        return r.unauthorized() ? REFUSED : r.status() == 400 ? USAGE : FAILED;
      } catch (IOException e) {
        err.println("registration failed: " + describe(e));
        return FAILED;
      }
    }

    private static String localHostname() {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        String env = System.getenv("HOSTNAME");
        return env != null && !env.isBlank() ? env : "localhost";
      }
    }
  }

  /** Syncs with the credential pair: once, or every interval until refused. */
  @Command(
      name = "sync",
      mixinStandardHelpOptions = true,
      description = {
        "Sync this instance with the server: one line per sync (time, node_id, config_version).",
        "Runs until stopped, every --every; network and server errors are retried with backoff."
            + " A refused credential pair prints one line and exits 3."
      })
  static final class Sync implements Callable<Integer> {
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LONGEST_RETRY = Duration.ofMinutes(5);

    @Spec CommandSpec spec;

    @Option(
        names = "--url",
        description = "the server (default: the one the instance registered with)")
    String url;

    @Option(
        names = "--credentials",
        defaultValue = DEFAULT_FILE,
        description = "the credentials file (default: ${DEFAULT-VALUE})")
    Path credentials;

    @Option(
        names = "--every",
        defaultValue = "30s",
        converter = Interval.class,
        description = "the interval between syncs: 30s, 5m, 1h (default: ${DEFAULT-VALUE})")
    Duration every;

    @Option(names = "--once", description = "sync once and exit")
    boolean once;

    private final Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      NodeCredentials pair;
      try {
        pair = NodeCredentials.read(credentials);
      } catch (NoSuchFileException e) {
        err.println("No credentials in " + credentials + ": run `tokensmith node register` first");
        return USAGE;
      } catch (IOException e) {
        err.println("Cannot read the credentials: " + describe(e));
        return USAGE;
      }
      String server = url != null ? url : pair.url();
      if (server == null || server.isBlank()) {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing --url");
      }
      NodeClient client;
      try {
        client = new NodeClient(server);
      } catch (IllegalArgumentException e) {
        err.println(e.getMessage());
        return USAGE;
      }
      warnIfInTheClear(client, err);
      Duration retry = FIRST_RETRY;
      while (true) {
        String failure;
        try {
          Synced synced = client.sync(pair);
          out.printf(
              "%s synced node_id=%d config_version=%d%n",
              now(), synced.nodeId(), synced.configVersion());
          out.flush();
          if (once) {
            return 0;
          }
          retry = FIRST_RETRY;
          Thread.sleep(every.toMillis());
          continue;
        } catch (Refused r) {
          if (r.unauthorized()) {
            err.printf(
                "%s %s: the instance's credential pair is no longer accepted (its token was"
                    + " regenerated, disabled or deleted); register again%n",
                now(), r.getMessage());
            err.flush();
            return REFUSED;
          }
          if (!r.mayPass()) {
            err.printf("%s %s%n", now(), r.getMessage());
            return FAILED;
          }
          failure = r.getMessage();
        } catch (IOException e) {
          failure = "sync failed: " + describe(e);
        }
        if (once) {
          err.printf("%s %s%n", now(), failure);
          return FAILED;
        }
        err.printf("%s %s; retrying in %ds%n", now(), failure, retry.toSeconds());
        err.flush();
        Thread.sleep(retry.toMillis());
        retry = min(retry.multipliedBy(2), max(every, LONGEST_RETRY));
      }
    }

    private String now() {
      return clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static Duration min(Duration a, Duration b) {
      return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
      return a.compareTo(b) >= 0 ? a : b;
    }
  }

  /** {@code 30s}, {@code 5m}, {@code 1h}, {@code 1500ms}, or seconds; at least one second. */
  static final class Interval implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
      Matcher m = FORM.matcher(value.strip().toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is no interval: write 30s, 5m or 1h");
      }
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      Duration d =
          switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
          };
      if (d.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new CommandLine.TypeConversionException("the interval is at least 1s");
      }
      return d;
    }
  }

  private static void warnIfInTheClear(NodeClient client, PrintWriter err) {
    if (client.inTheClear()) {
      err.println(
          "Warning: plain http:// to another host carries the token and the instance's credential"
              + " pair unencrypted; use https:// unless the network between is trusted");
    }
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return message == null || message.isBlank()
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + message;
  }
}
