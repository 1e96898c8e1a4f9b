package dev.tokensmith;

import dev.tokensmith.config.Settings;
import dev.tokensmith.storage.Database;
import dev.tokensmith.tokens.LegacyCredentials;
import dev.tokensmith.tokens.LegacyCredentials.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code tokensmith legacy import <file.csv>}: legacy credentials from an older system, one {@code
 * email,uuid,secret} row each, imported in batches with one line per row saying what became of it.
 * A row imported before reads "already imported", so a file can be run again. No secret is ever
 * printed. Works while the server runs on PostgreSQL; the embedded database has one owner at a
 * time. Exit codes: 0 every row imported (now or before), 1 some row was not, 2 a usage error.
 */
@Command(
    name = "legacy",
    description = "Legacy credentials (UUID + secret key pairs of an older system).",
    subcommands = {LegacyCommand.Import.class})
final class LegacyCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(System.err);
    return 2;
  }

  /** Imports a CSV file of {@code email,uuid,secret} rows. */
  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = {
        "Import legacy credentials from a CSV file of email,uuid,secret rows (a first row"
            + " 'email,uuid,secret' is skipped). Each user gets a backward-compatible token that"
            + " the pair authenticates as. One line per row; safe to run twice."
      })
  static final class Import implements Callable<Integer> {
    static final int BATCH = 100;

    @CommandLine.Parameters(index = "0", paramLabel = "FILE", description = "the CSV file")
    Path file;

    /** A row of the file, numbered as an editor shows it. */
    record Row(int line, String email, String uuid, String secret) {
      @Override
      public String toString() {
        return "Row[line=" + line + "]";
      }
    }

    @Override
    public Integer call() {
      List<String> lines;
      try {
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        System.err.println("Cannot read " + file + ": " + e.getClass().getSimpleName());
        return 2;
      }
      try (App app = new App(Settings.fromEnvironment(), Clock.systemUTC())) {
        return run(app.legacy(), lines);
      } catch (Database.InUse e) {
        System.err.println(
            "The embedded database is in use by the running server, so this command cannot open"
                + " it: stop the server and run the import again, or import each user with POST"
                + " /v2/user/{id}/legacy_credentials.");
        return 1;
      }
    }

    private static int run(LegacyCredentials legacy, List<String> lines) {
      Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
      List<Row> batch = new ArrayList<>(BATCH);
      for (int i = 0; i < lines.size(); i++) {
        String text = lines.get(i).strip();
        if (text.isEmpty() || i == 0 && text.toLowerCase().startsWith("email,")) {
          continue;
        }
        String[] fields = text.split(",", -1);
        batch.add(
            fields.length == 3
                ? new Row(i + 1, fields[0].strip(), fields[1].strip(), fields[2].strip())
                : new Row(i + 1, null, null, null));
        if (batch.size() == BATCH) {
          importBatch(legacy, batch, counts);
          batch.clear();
        }
      }
      importBatch(legacy, batch, counts);
      int failed = 0;
      StringBuilder summary = new StringBuilder("Done:");
      for (Outcome outcome : Outcome.values()) {
        int n = counts.getOrDefault(outcome, 0);
        if (outcome.failed()) {
          failed += n;
        }
        if (n > 0) {
          summary.append(' ').append(n).append(' ').append(label(outcome)).append(',');
        }
      }
      summary.setLength(summary.length() - (summary.charAt(summary.length() - 1) == ',' ? 1 : 0));
      System.out.println(summary.append('.'));
      return failed == 0 ? 0 : 1;
    }

    // One transaction per batch; should it fail (another import of the same user at the same
    // time), its rows are tried again one by one, each in a transaction of its own.
    private static void importBatch(
        LegacyCredentials legacy, List<Row> batch, Map<Outcome, Integer> counts) {
      if (batch.isEmpty()) {
        return;
      }
      List<Outcome> outcomes;
      try {
        outcomes =
            legacy.inTransaction(
                () ->
                    batch.stream().map(r -> legacy.importRow(r.email, r.uuid, r.secret)).toList());
      } catch (RuntimeException e) {
        outcomes = new ArrayList<>();
        for (Row r : batch) {
          Outcome outcome;
          try {
            outcome = legacy.inTransaction(() -> importRow(legacy, r));
          } catch (RuntimeException again) {
            outcome = Outcome.FAILED;
          }
          outcomes.add(outcome);
        }
      }
      for (int i = 0; i < batch.size(); i++) {
        Row row = batch.get(i);
        Outcome outcome = outcomes.get(i);
        counts.merge(outcome, 1, Integer::sum);
        System.out.println(
            "line "
                + row.line
                + ": "
                + (row.email == null ? "" : shown(row.email) + " ")
                + outcome.text());
      }
    }

    private static Outcome importRow(LegacyCredentials legacy, Row row) {
      return row.email == null
          ? Outcome.MALFORMED
          : legacy.importRow(row.email, row.uuid, row.secret);
    }

    // A secret key has no '@': a row with its fields in the wrong order never prints one.
    private static String shown(String email) {
      return email.contains("@") && email.length() <= 320
          ? email
          : "(no e-mail in the first field)";
    }

    private static String label(Outcome outcome) {
      int colon = outcome.text().indexOf(':');
      return colon < 0 ? outcome.text() : outcome.text().substring(0, colon);
    }
  }
}
