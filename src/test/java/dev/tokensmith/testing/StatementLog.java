package dev.tokensmith.testing;

import dev.tokensmith.storage.Database;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The statements the rest of a transaction sends to the database, in order (a batch counts once):
 * for tests that pin how many reads and writes a change makes. Attach it inside {@code
 * db.inTransaction}; the change under test joins that transaction.
 */
public final class StatementLog implements SqlLogger {
  private static final Pattern WRITE =
      Pattern.compile("^(INSERT INTO|UPDATE|DELETE FROM)\\s+(\\w+)", Pattern.CASE_INSENSITIVE);

  private final List<String> statements = new ArrayList<>();

  private StatementLog() {}

  /** Logs the statements of the calling thread's transaction from now on. */
  public static StatementLog attach(Database db) {
    StatementLog log = new StatementLog();
    db.withHandle(
        h -> {
          if (!h.isInTransaction()) {
            throw new IllegalStateException("attach a statement log inside db.inTransaction");
          }
          h.getConfig(SqlStatements.class).setSqlLogger(log);
          return null;
        });
    return log;
  }

  @Override
  public void logBeforeExecution(StatementContext context) {
    statements.add(context.getRenderedSql().strip().replaceAll("\\s+", " "));
  }

  /** Every statement sent, whitespace collapsed. */
  public List<String> all() {
    return List.copyOf(statements);
  }

  /**
   * The writes, each as its verb and table: {@code "INSERT api_tokens"}, {@code "UPDATE
   * api_tokens"}, {@code "DELETE api_token_secrets"}.
   */
  public List<String> writes() {
    List<String> writes = new ArrayList<>();
    for (String statement : statements) {
      Matcher m = WRITE.matcher(statement);
      if (m.find()) {
        String verb = m.group(1).toUpperCase(Locale.ROOT).split(" ")[0];
        writes.add(verb + " " + m.group(2).toLowerCase(Locale.ROOT));
      }
    }
    return writes;
  }
}
