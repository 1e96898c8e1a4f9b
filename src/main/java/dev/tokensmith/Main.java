package dev.tokensmith;

import dev.tokensmith.config.Settings;
import dev.tokensmith.ops.LogFormats;
import dev.tokensmith.ops.Version;
import dev.tokensmith.storage.Database;
import dev.tokensmith.tokens.TokenSeeder;
import dev.tokensmith.users.PasswordLinks;
import dev.tokensmith.users.PasswordService;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Reads the configuration, builds the {@link App} and runs the command; nothing else. */
@Command(
    name = "tokensmith",
    mixinStandardHelpOptions = true,
    versionProvider = Main.BuildVersion.class,
    subcommands = {
      Main.Migrate.class,
      WarmUpCommand.class,
      Main.Seed.class,
      NodeCommand.class,
      Main.Users.class,
      LegacyCommand.class,
      BackupCommand.class,
      RestoreCommand.class,
      KeysCommand.class
    },
    description = "Self-hosted API token service. Without a command: start the server.")
public final class Main implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  public static void main(String[] args) {
    // A bad setting is the operator's to fix, not a crash: its one line, no stack trace.
    System.exit(
        new CommandLine(new Main())
            .setExecutionExceptionHandler(
                (e, command, parsed) -> {
                  if (e instanceof Settings.Invalid) {
                    command.getErr().println(e.getMessage());
                    return 2;
                  }
                  // A command that opens the database, beside a server on the embedded one.
                  if (e instanceof Database.InUse) {
                    command
                        .getErr()
                        .println(command.getCommand() instanceof Main ? SERVER_IN_USE : IN_USE);
                    return 1;
                  }
                  throw e;
                })
            .execute(args));
  }

  /** What a command that cannot open the embedded database beside the running server says. */
  static final String IN_USE =
      "The embedded database is in use by the running server (one process at a time): stop the"
          + " server to run this command, or do the same through the Console or the API;"
          + " `tokensmith backup` works beside it.";

  /** What a second server on the same embedded database says. */
  static final String SERVER_IN_USE =
      "The embedded database is in use by another process (a server, or a command such as backup"
          + " or migrate): one process at a time; stop it, or give this server another"
          + " TOKENSMITH_DATA_DIR.";

  /** {@code --version}: the build's version number. */
  static final class BuildVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"tokensmith " + Version.ofBuild().number()};
    }
  }

  /**
   * The settings of every command: read from the environment, with a warning for each name that is
   * no setting.
   */
  static Settings settings() {
    Settings.Loaded loaded = Settings.load(System.getenv());
    LogFormats.use(loaded.settings().logFormat());
    loaded.warnings().forEach(LOG::warn);
    return loaded.settings();
  }

  @Override
  public Integer call() throws Exception {
    Settings settings = settings();
    App app = new App(settings, Clock.systemUTC()).start();
    CountDownLatch stop = new CountDownLatch(1);
    onSigterm(stop::countDown);
    // Any other end of the JVM (Ctrl-C) still closes the server in order, with the JVM's exit code.
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "tokensmith-shutdown"));
    // Scripts wait for this line; with JSON logs it is the banner's own (stdout stays all JSON).
    if (settings.logFormat() == Settings.LogFormat.TEXT) {
      System.out.println(
          "Tokensmith is running. Console: http://localhost:" + app.port() + "/console/");
    }
    stop.await();
    app.close();
    return 0;
  }

  /**
   * SIGTERM ends the wait in {@link #call()}, which closes the server and exits 0, instead of the
   * JVM's default (run the shutdown hooks, exit 143). Where the signal cannot be caught, the hook
   * still closes the server.
   */
  private static void onSigterm(Runnable action) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> action.run());
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      System.err.println("SIGTERM cannot be handled here (" + e + "); a stop exits 143");
    }
  }

  /** Brings the database schema up to date and exits. */
  @Command(name = "migrate", description = "Apply database migrations and exit.")
  static final class Migrate implements Callable<Integer> {
    @Override
    public Integer call() {
      try (App app = new App(settings(), Clock.systemUTC())) {
        System.out.println("Database is up to date.");
      }
      return 0;
    }
  }

  /** Administrative work on users. */
  @Command(
      name = "user",
      description = "Administer users.",
      subcommands = {Main.ResetPassword.class})
  static final class Users implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(System.err);
      return 2;
    }
  }

  /**
   * Prints a one-time link to set a user's password. It works while the server runs on PostgreSQL;
   * the embedded database has one owner at a time, so there the Console or the API sends the link.
   */
  @Command(
      name = "reset-password",
      description = "Print a one-time link to set a user's password (valid for 72 hours).")
  static final class ResetPassword implements Callable<Integer> {
    @CommandLine.Option(names = "--email", required = true, description = "the user's e-mail")
    String email;

    @Override
    public Integer call() {
      Settings settings = settings();
      try (App app = new App(settings, Clock.systemUTC())) {
        Optional<PasswordService.ResetLink> link = app.passwords().resetLink(email);
        if (link.isEmpty()) {
          System.err.println("No user has the e-mail " + email + ".");
          return 1;
        }
        System.out.println(
            "One-time link to set the password of "
                + link.get().email()
                + " (valid for "
                + PasswordLinks.LIFETIME.toHours()
                + " hours; it ends their sessions once used): "
                + link.get().url());
        if (settings.publicUrl().isEmpty()) {
          System.out.println(
              "The link is relative to the server's address (set TOKENSMITH_PUBLIC_URL for full"
                  + " links).");
        }
        return 0;
      } catch (Database.InUse e) {
        System.err.println(
            "The embedded database is in use by the running server, so this command cannot open"
                + " it: send the link from the Console (Users, then Send invitation / reset link)"
                + " or with POST /v1/objects/user/invite instead.");
        return 1;
      }
    }
  }

  /**
   * Fills the database with many tokens (and users, activity records) for benchmarks and writes a
   * pool of the tokens' secrets.
   */
  @Command(
      name = "seed",
      description =
          "Create many API tokens (and users, activity records) straight through the store"
              + " (benchmarks).")
  static final class Seed implements Callable<Integer> {
    @CommandLine.Option(
        names = "--tokens",
        defaultValue = "1000",
        description = "how many tokens (default 1000)")
    int tokens;

    @CommandLine.Option(
        names = "--users",
        defaultValue = "0",
        description = "how many users besides, in the administrator's client (PostgreSQL)")
    int users;

    @CommandLine.Option(
        names = "--activity",
        defaultValue = "0",
        description = "how many activity records besides, in four clients (PostgreSQL)")
    int activity;

    @CommandLine.Option(
        names = "--nodes",
        defaultValue = "0",
        description =
            "how many nodes besides, three instances each, in the administrator's client"
                + " (PostgreSQL)")
    int nodes;

    @CommandLine.Option(
        names = "--pool",
        defaultValue = "1000",
        description = "how many secrets to write (default 1000)")
    int poolSize;

    @CommandLine.Option(
        names = "--out",
        defaultValue = "pool.txt",
        description = "the pool file (default pool.txt)")
    java.nio.file.Path out;

    @CommandLine.Option(
        names = "--preset",
        description = "role preset of the tokens (default: the admin's own role)")
    String preset;

    @CommandLine.Option(
        names = "--permissions",
        description = "a custom permission list of the tokens instead, comma-separated ids")
    String permissions;

    @CommandLine.Option(
        names = "--owner",
        description = "e-mail of the user who owns the tokens (default: the first administrator)")
    String owner;

    @CommandLine.Option(
        names = "--owners",
        defaultValue = "0",
        description =
            "how many new users of --owner-role own the tokens, in turn, in the administrator's"
                + " client (default: none, the tokens are --owner's)")
    int owners;

    @CommandLine.Option(
        names = "--owner-role",
        defaultValue = "analytic",
        description = "the role of the --owners users (default analytic)")
    String ownerRole;

    @CommandLine.Option(
        names = "--kind",
        defaultValue = "enabled",
        description =
            "enabled (default), expired (still enabled, expiry an hour ago) or purgeable"
                + " (disabled eight days ago)")
    String kind;

    @CommandLine.Option(
        names = "--due-in",
        description =
            "seconds from now when expired or purgeable tokens become due (default: already due)")
    Long dueIn;

    @Override
    public Integer call() {
      TokenSeeder.Kind seeded;
      try {
        seeded = TokenSeeder.Kind.valueOf(kind.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "--kind must be enabled, expired or purgeable");
      }
      if (preset != null && permissions != null) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "--preset and --permissions exclude each other");
      }
      if (owners < 0) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "--owners must be 0 or more");
      }
      if (owner != null && owners > 0) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "--owner and --owners exclude each other");
      }
      try (App app = new App(settings(), Clock.systemUTC())) {
        long start = System.nanoTime();
        try {
          app.seed(
              tokens,
              out,
              poolSize,
              java.util.Optional.ofNullable(preset),
              java.util.Optional.ofNullable(permissions),
              new App.SeedOwners(java.util.Optional.ofNullable(owner), owners, ownerRole),
              seeded,
              dueIn == null ? null : java.time.Duration.ofSeconds(dueIn));
        } catch (IllegalArgumentException e) {
          // A role or a list the owners may not have: refused before anything is written.
          throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        System.out.printf(
            "Seeded %d tokens in %.1f s; %d secrets in %s%n",
            tokens, (System.nanoTime() - start) / 1e9, Math.min(tokens, poolSize), out);
        if (users > 0 || activity > 0 || nodes > 0) {
          start = System.nanoTime();
          app.seedLists(users, activity, nodes, java.time.Instant.now());
          System.out.printf(
              "Seeded %d users, %d activity records and %d nodes in %.1f s%n",
              users, activity, nodes, (System.nanoTime() - start) / 1e9);
        }
      }
      return 0;
    }
  }
}
