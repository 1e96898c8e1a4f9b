package dev.tokensmith.keys;

import dev.tokensmith.storage.Database;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One run of a rotation command: waits until every running instance holds the new version, then
 * walks the stored values batch by batch with a line of progress each, and says what is left. No
 * key, secret or digest is ever printed. Stopped at any point, it is run again and goes on.
 */
public final class RotationRun {
  private final Database db;
  private final KeyRotation rotation;
  private final ActiveKeys keys;
  private final PrintStream out;
  private final Clock clock;

  public RotationRun(
      Database db, KeyRotation rotation, ActiveKeys keys, PrintStream out, Clock clock) {
    this.db = db;
    this.rotation = rotation;
    this.keys = keys;
    this.out = out;
    this.clock = clock;
  }

  /**
   * Seals every stored value again under the newest master key of {@code keyring}. False when a
   * running instance did not load that version within {@code wait} (nothing was sealed under it).
   */
  public boolean masterKey(Keyring keyring, Duration wait) throws InterruptedException {
    int version = keyring.newestVersion();
    if (!awaitHolders(version, 0, wait, "master key v" + version)) {
      return false;
    }
    keys.set(keyring.using(version, keyring.currentPepper()));
    long total = 0;
    long failed = 0;
    for (String kind : KeyRotation.sealedKinds()) {
      Object cursor = null;
      long done = 0;
      do {
        KeyRotation.Batch batch = rotation.reseal(kind, cursor);
        cursor = batch.cursor();
        done += batch.rewritten();
        failed += batch.failed();
        if (batch.rewritten() + batch.failed() > 0) {
          out.println(
              kind
                  + ": "
                  + done
                  + " re-encrypted under master key v"
                  + version
                  + (batch.failed() > 0 ? " (" + batch.failed() + " would not open)" : ""));
        }
      } while (cursor != null);
      total += done;
    }
    out.println("Re-encrypted " + total + " values under master key v" + version + ".");
    if (failed > 0) {
      out.println(failed + " values would not open with these keys and were left as they are.");
    }
    return true;
  }

  /**
   * Makes again with the newest pepper of {@code keyring} every digest whose value is kept sealed.
   * False when a running instance did not load that pepper within {@code wait}.
   */
  public boolean pepper(Keyring keyring, Duration wait) throws InterruptedException {
    int version = keyring.newestPepper();
    if (!awaitHolders(0, version, wait, "pepper v" + version)) {
      return false;
    }
    keys.set(keyring.using(keyring.currentVersion(), version));
    long total = 0;
    for (String kind : KeyRotation.rewritableKinds()) {
      Object cursor = null;
      long done = 0;
      do {
        KeyRotation.Batch batch = rotation.rewriteDigests(kind, cursor);
        cursor = batch.cursor();
        done += batch.rewritten();
        if (batch.rewritten() + batch.failed() > 0) {
          out.println(
              kind
                  + ": "
                  + done
                  + " digests made with pepper v"
                  + version
                  + (batch.failed() > 0 ? " (" + batch.failed() + " could not be)" : ""));
        }
      } while (cursor != null);
      total += done;
    }
    out.println("Rewrote " + total + " digests with pepper v" + version + ".");
    return true;
  }

  private boolean awaitHolders(int keyVersion, int pepperVersion, Duration wait, String what)
      throws InterruptedException {
    long end = clock.millis() + wait.toMillis();
    long nextLine = 0;
    while (true) {
      List<KeyHolders.Holder> lacking = KeyHolders.lacking(db, clock, keyVersion, pepperVersion);
      if (lacking.isEmpty()) {
        return true;
      }
      long now = clock.millis();
      if (now >= end) {
        out.println(
            lacking.size()
                + " running instance(s) have not loaded "
                + what
                + " (copy the key files to them, or restart them with the new keys), then run"
                + " this command again: nothing was changed under it.");
        return false;
      }
      if (now >= nextLine) {
        out.println(
            "Waiting for "
                + lacking.size()
                + " running instance(s) to load "
                + what
                + ": "
                + lacking.stream()
                    .map(h -> h.instance().substring(0, 8))
                    .collect(Collectors.joining(", ")));
        nextLine = now + 5_000;
      }
      Thread.sleep(500);
    }
  }
}
