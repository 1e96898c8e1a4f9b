package dev.tokensmith.storage;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Reading the column types every store shares: nullable numbers, epoch-millisecond times, comma
 * lists.
 */
public final class Rows {
  private Rows() {}

  /** The column's value, or null for SQL NULL. */
  public static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }

  public static Integer nullableInt(ResultSet rs, String column) throws SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? null : value;
  }

  /** An epoch-millisecond column as an instant, or null for SQL NULL. */
  public static Instant instant(ResultSet rs, String column) throws SQLException {
    Long millis = nullableLong(rs, column);
    return millis == null ? null : Instant.ofEpochMilli(millis);
  }

  /** A comma-separated column as a list; empty for an empty or null value. */
  public static List<String> list(ResultSet rs, String column) throws SQLException {
    String joined = rs.getString(column);
    return joined == null || joined.isEmpty() ? List.of() : List.of(joined.split(","));
  }
}
