package dev.tokensmith;

import dev.tokensmith.config.Settings;
import dev.tokensmith.keys.KeyHolders;
import dev.tokensmith.keys.KeyRotation;
import dev.tokensmith.keys.Keyring;
import dev.tokensmith.keys.RotationRun;
import dev.tokensmith.storage.Database;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code tokensmith keys status | rotate | rotate-pepper | retire}: the master keys and peppers.
 * Works while the server runs on PostgreSQL (the running instances re-read their key files every
 * few seconds); the embedded database has one owner at a time. Never prints a key, a secret or a
 * digest. Exit codes: 0 done, 1 not done (say why, run again), 2 a usage error.
 */
@Command(
    name = "keys",
    description = "Master keys and peppers: counts per version, rotation, retirement.",
    subcommands = {
      KeysCommand.Status.class,
      KeysCommand.Rotate.class,
      KeysCommand.RotatePepper.class,
      KeysCommand.Retire.class
    })
final class KeysCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(System.err);
    return 2;
  }

  private static final String IN_USE =
      "The embedded database is in use by the running server, so this command cannot open it:"
          + " stop the server, run the command, start it again (on PostgreSQL it runs beside the"
          + " servers).";

  /** The counts per version, which versions the running instances hold, what may be removed. */
  @Command(name = "status", mixinStandardHelpOptions = true, description = "Counts per version.")
  static final class Status implements Callable<Integer> {
    @Override
    public Integer call() {
      try (App app = new App(Main.settings(), Clock.systemUTC())) {
        print(app);
        return 0;
      } catch (Database.InUse e) {
        System.err.println(IN_USE);
        return 1;
      }
    }
  }

  static void print(App app) {
    KeyRotation.Status s =
        app.keyRotation().status(KeyHolders.live(app.database(), Clock.systemUTC()));
    int newestKey = app.activeKeys().get().newestVersion();
    int newestPepper = app.activeKeys().get().newestPepper();
    System.out.println("Master keys (values sealed under each version):");
    s.sealed()
        .forEach(
            (v, counts) ->
                System.out.println(
                    "  v"
                        + v
                        + (v == newestKey ? " (newest)" : "")
                        + ": "
                        + describe(counts)
                        + (v != newestKey && counts.isEmpty()
                            ? " - no longer used: may be removed (tokensmith keys retire)"
                            : "")));
    System.out.println("Peppers (digests made with each version):");
    s.durableDigests()
        .forEach(
            (v, counts) -> {
              Map<String, Long> passing = s.passingDigests().get(v);
              System.out.println(
                  "  v"
                      + v
                      + (v == newestPepper ? " (newest)" : "")
                      + ": "
                      + describe(counts)
                      + (passing.isEmpty() ? "" : "; short-lived: " + describe(passing))
                      + (v != newestPepper && counts.isEmpty()
                          ? " - no credential needs it: may be removed (tokensmith keys retire)"
                          : ""));
            });
    System.out.println("Running instances: " + s.holders().size());
    for (KeyHolders.Holder h : s.holders()) {
      System.out.println(
          "  "
              + h.instance().substring(0, 8)
              + ": master keys "
              + h.masterKeys()
              + ", peppers "
              + h.peppers());
    }
  }

  private static String describe(Map<String, Long> counts) {
    if (counts.isEmpty()) {
      return "none";
    }
    StringBuilder out = new StringBuilder();
    counts.forEach(
        (kind, n) -> out.append(out.length() == 0 ? "" : ", ").append(n).append(' ').append(kind));
    return out.toString();
  }

  /** Adds a master key version and re-encrypts every stored value under it. */
  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description = {
        "Add a master key version to the key file and re-encrypt every stored secret under it, in"
            + " batches of "
            + KeyRotation.BATCH
            + ". A rotation that was stopped is continued instead (no new version)."
      })
  static final class Rotate implements Callable<Integer> {
    @CommandLine.Option(
        names = "--wait",
        defaultValue = "120",
        description = "seconds to wait for the running instances to load the new version")
    int waitSeconds;

    @Override
    public Integer call() throws InterruptedException {
      return rotate(Kind.MASTER_KEY, waitSeconds);
    }
  }

  /** Adds a pepper version and rewrites every digest whose value is kept. */
  @Command(
      name = "rotate-pepper",
      mixinStandardHelpOptions = true,
      description = {
        "Add a pepper version to the pepper file and rewrite with it every digest whose value is"
            + " kept sealed, in batches of "
            + KeyRotation.BATCH
            + "; lookups use the new pepper, then the old ones. A rotation that was stopped is"
            + " continued instead (no new version)."
      })
  static final class RotatePepper implements Callable<Integer> {
    @CommandLine.Option(
        names = "--wait",
        defaultValue = "120",
        description = "seconds to wait for the running instances to load the new version")
    int waitSeconds;

    @Override
    public Integer call() throws InterruptedException {
      return rotate(Kind.PEPPER, waitSeconds);
    }
  }

  /** What differs between rotating the master key and rotating the pepper. */
  private enum Kind {
    MASTER_KEY(
        "master key",
        "The master keys come from TOKENSMITH_MASTER_KEYS",
        "re-encrypt",
        "Continuing the rotation that was stopped."),
    PEPPER(
        "pepper",
        "The peppers come from TOKENSMITH_PEPPER",
        "rewrite the digests",
        "Continuing the pepper rotation that was stopped.");

    final String name;
    final String inline;
    final String then;
    final String continuing;

    Kind(String name, String inline, String then, String continuing) {
      this.name = name;
      this.inline = inline;
      this.then = then;
      this.continuing = continuing;
    }

    long left(App app) {
      return this == MASTER_KEY
          ? app.keyRotation().resealLeft()
          : app.keyRotation().rewritableLeft();
    }

    boolean givenInline(Settings settings) {
      return (this == MASTER_KEY ? settings.masterKeys() : settings.pepper()).isPresent();
    }

    java.nio.file.Path file(Settings settings) {
      return this == MASTER_KEY ? settings.masterKeyFile() : settings.pepperFile();
    }

    int add(Settings settings) {
      return this == MASTER_KEY
          ? Keyring.addMasterKey(file(settings), new SecureRandom())
          : Keyring.addPepper(file(settings), new SecureRandom());
    }

    boolean run(RotationRun run, App app, Duration wait) throws InterruptedException {
      return this == MASTER_KEY
          ? run.masterKey(app.activeKeys().get(), wait)
          : run.pepper(app.activeKeys().get(), wait);
    }
  }

  /**
   * A rotation of {@code kind}: a new version in the key file unless a stopped rotation is still
   * unfinished, then every stored value rewritten under it in batches, with progress.
   */
  private static int rotate(Kind kind, int waitSeconds) throws InterruptedException {
    Settings settings = Main.settings();
    try {
      boolean unfinished;
      try (App app = new App(settings, Clock.systemUTC())) {
        unfinished = kind.left(app) > 0;
      }
      if (!unfinished) {
        if (kind.givenInline(settings)) {
          System.err.println(
              kind.inline
                  + ": add a version to it on every instance (v<next>:<32 random bytes in"
                  + " base64>), restart them, then run this command again to "
                  + kind.then
                  + ".");
          return 2;
        }
        int version = kind.add(settings);
        System.out.println(
            "Added "
                + kind.name
                + " v"
                + version
                + " to "
                + kind.file(settings)
                + " (back it up; instances elsewhere need a copy).");
      } else {
        System.out.println(kind.continuing);
      }
      try (App app = new App(settings, Clock.systemUTC())) {
        RotationRun run =
            new RotationRun(
                app.database(), app.keyRotation(), app.activeKeys(), System.out, Clock.systemUTC());
        if (!kind.run(run, app, Duration.ofSeconds(waitSeconds))) {
          return 1;
        }
        print(app);
        return 0;
      }
    } catch (Database.InUse e) {
      System.err.println(IN_USE);
      return 1;
    }
  }

  /** Removes from the key files the old versions nothing uses any more. */
  @Command(
      name = "retire",
      mixinStandardHelpOptions = true,
      description = {
        "Remove from the key files every master key and pepper version older than the newest"
            + " that no stored value or credential uses (keys status shows them)."
      })
  static final class Retire implements Callable<Integer> {
    @Override
    public Integer call() {
      Settings settings = Main.settings();
      if (settings.masterKeys().isPresent()) {
        System.err.println(
            "The keys come from TOKENSMITH_MASTER_KEYS and TOKENSMITH_PEPPER: remove the versions"
                + " keys status calls removable from them on every instance, and restart them.");
        return 2;
      }
      try (App app = new App(settings, Clock.systemUTC())) {
        KeyRotation.Status s = app.keyRotation().status(java.util.List.of());
        Keyring keys = app.activeKeys().get();
        Set<Integer> keyVersions = new TreeSet<>();
        s.sealed()
            .forEach(
                (v, counts) -> {
                  if (v != keys.newestVersion() && counts.isEmpty()) {
                    keyVersions.add(v);
                  }
                });
        Set<Integer> peppers = new TreeSet<>();
        s.durableDigests()
            .forEach(
                (v, counts) -> {
                  if (v != keys.newestPepper() && counts.isEmpty()) {
                    peppers.add(v);
                  }
                });
        int keysGone = Keyring.remove(settings.masterKeyFile(), true, keyVersions);
        int peppersGone = Keyring.remove(settings.pepperFile(), false, peppers);
        System.out.println(
            "Removed "
                + keysGone
                + " master key version(s) "
                + (keysGone == 0 ? "" : keyVersions + " ")
                + "and "
                + peppersGone
                + " pepper version(s)"
                + (peppersGone == 0 ? "" : " " + peppers)
                + "; the running instances take the files again within "
                + KeyHolders.REFRESH.toSeconds()
                + " s (other machines need the same files).");
        return 0;
      } catch (Database.InUse e) {
        System.err.println(IN_USE);
        return 1;
      }
    }
  }
}
