package dev.tokensmith.storage;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;

/**
 * Rows written to PostgreSQL with {@code COPY … FROM STDIN}: one round trip for a whole batch
 * instead of one statement per row (used to seed benchmark databases). Every row is a map of column
 * to value with the same columns in the same order; {@code null} is SQL NULL, anything else is
 * written as its {@code toString()}.
 */
public final class BulkCopy {
  private final String table;
  private final List<String> columns = new ArrayList<>();
  private final StringBuilder csv = new StringBuilder();
  private int rows;

  /** A copy into {@code table} (a name of the code's, never of the user's). */
  public BulkCopy(String table) {
    this.table = table;
  }

  /** Adds a row; its columns (their names and order) must be those of the first row. */
  public BulkCopy add(Map<String, ?> row) {
    if (columns.isEmpty()) {
      columns.addAll(row.keySet());
    } else if (!columns.equals(new ArrayList<>(row.keySet()))) {
      throw new IllegalArgumentException("a row's columns differ from the first row's");
    }
    boolean first = true;
    for (Object value : row.values()) {
      if (!first) {
        csv.append(',');
      }
      first = false;
      if (value != null) {
        // Quoted, so that an empty string stays an empty string (unquoted empty is NULL).
        csv.append('"').append(value.toString().replace("\"", "\"\"")).append('"');
      }
    }
    csv.append('\n');
    rows++;
    return this;
  }

  /**
   * Writes the rows through {@code handle}'s connection, in its transaction.
   *
   * @return the number of rows written
   * @throws IllegalStateException if the connection is not PostgreSQL's
   */
  public long copy(Handle handle) {
    if (rows == 0) {
      return 0;
    }
    try {
      PGConnection connection = handle.getConnection().unwrap(PGConnection.class);
      return connection
          .getCopyAPI()
          .copyIn(
              "COPY " + table + " (" + String.join(", ", columns) + ") FROM STDIN (FORMAT csv)",
              new StringReader(csv.toString()));
    } catch (SQLException e) {
      throw new IllegalStateException("COPY into " + table + " failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
