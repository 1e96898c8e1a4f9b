package dev.tokensmith.storage;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Update;

/**
 * An {@code UPDATE} of one row that writes only the columns whose value changes, so a change never
 * writes back a value another change has made meanwhile. Nothing is written when nothing changes.
 */
public final class RowUpdate {
  private final String table;
  private final Map<String, Object> values = new LinkedHashMap<>();
  private final Map<String, Class<?>> types = new LinkedHashMap<>();

  private RowUpdate(String table) {
    this.table = table;
  }

  /**
   * The columns of {@code after} that differ from {@code before} (both: column name → value as
   * stored).
   */
  public static RowUpdate of(String table, Map<String, Object> before, Map<String, Object> after) {
    RowUpdate update = new RowUpdate(table);
    after.forEach(
        (column, value) -> {
          Object old = before.get(column);
          if (!Objects.equals(old, value)) {
            update.values.put(column, value);
            // A column set to null is bound with the type its old value had.
            update.types.put(column, value != null ? value.getClass() : old.getClass());
          }
        });
    return update;
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  /**
   * Writes the changed columns of the row {@code id}; returns the number of rows written (0 when
   * nothing changed).
   */
  public int execute(Handle handle, long id) {
    if (values.isEmpty()) {
      return 0;
    }
    Update update = handle.createUpdate(sql()).bind("id", id);
    values.forEach((column, value) -> update.bindByType(column, value, types.get(column)));
    return update.execute();
  }

  /**
   * Writes many rows (id → its update): the updates that change the same columns go as one batch, a
   * round trip each. Returns the number of rows written.
   */
  public static int executeAll(Handle handle, Map<Long, RowUpdate> updates) {
    Map<String, PreparedBatch> batches = new LinkedHashMap<>();
    updates.forEach(
        (id, update) -> {
          if (update.values.isEmpty()) {
            return;
          }
          PreparedBatch batch = batches.computeIfAbsent(update.sql(), handle::prepareBatch);
          batch.bind("id", id);
          update.values.forEach(
              (column, value) -> batch.bindByType(column, value, update.types.get(column)));
          batch.add();
        });
    int written = 0;
    for (PreparedBatch batch : batches.values()) {
      written += IntStream.of(batch.execute()).sum();
    }
    return written;
  }

  private String sql() {
    return "UPDATE "
        + table
        + " SET "
        + values.keySet().stream()
            .map(column -> column + " = :" + column)
            .collect(Collectors.joining(", "))
        + " WHERE id = :id";
  }
}
