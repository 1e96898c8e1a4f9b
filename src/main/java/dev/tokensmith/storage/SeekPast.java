package dev.tokensmith.storage;

import org.jdbi.v3.core.statement.Query;

/**
 * Where a page of a sorted list starts (a seek cursor): past the row whose value in the order is
 * {@code value} ({@code Long} for a number, else {@code String}) and, among rows of that value,
 * whose id is {@code id}.
 */
public record SeekPast(Object value, long id) {

  /**
   * The condition that starts a page past a seek, bound as {@code :seekValue} and {@code :seekId}:
   * further in the order {@code key}, or level with it and further by {@code idColumn}. Written as
   * one row comparison, which PostgreSQL reads as where to start in the order's index, so a page
   * far down costs what the first does.
   *
   * @param value how the bound value is compared with {@code key} ({@code :seekValue}, or an
   *     expression of it)
   */
  public static String condition(String key, String value, String idColumn, boolean descending) {
    return " AND ("
        + key
        + ", "
        + idColumn
        + ")"
        + (descending ? " < " : " > ")
        + "("
        + value
        + ", :seekId)";
  }

  /** Binds {@code seek} (null: none) for {@link #condition}, its value as a number or a text. */
  public static Query bind(Query query, SeekPast seek, boolean numeric) {
    return query
        .bindByType(
            "seekValue", seek == null ? null : seek.value(), numeric ? Long.class : String.class)
        .bind("seekId", seek == null ? null : seek.id());
  }
}
