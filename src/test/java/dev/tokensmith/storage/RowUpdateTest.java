package dev.tokensmith.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** An update writes only the columns that change; many updates go as batches of one shape. */
class RowUpdateTest {

  @Test
  void executeAllWhenRowsChangeDifferentColumnsThenEachRowGetsExactlyItsChanges() {
    try (Handle h = Jdbi.create("jdbc:h2:mem:row-update-" + System.nanoTime()).open()) {
      h.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, a VARCHAR(10), b VARCHAR(10))");
      for (long id = 1; id <= 4; id++) {
        h.execute("INSERT INTO t VALUES (?, ?, ?)", id, "a" + id, "b" + id);
      }
      Map<Long, RowUpdate> updates = new LinkedHashMap<>();
      updates.put(1L, RowUpdate.of("t", row("a1", "b1"), row("A1", "b1")));
      updates.put(2L, RowUpdate.of("t", row("a2", "b2"), row("A2", "B2")));
      updates.put(3L, RowUpdate.of("t", row("a3", "b3"), row("a3", "b3")));
      updates.put(4L, RowUpdate.of("t", row("a4", "b4"), row("A4", null)));

      int written = RowUpdate.executeAll(h, updates);

      assertThat(written).isEqualTo(3);
      assertThat(
              h.createQuery("SELECT id || ':' || a || ':' || COALESCE(b, '-') FROM t ORDER BY id")
                  .mapTo(String.class)
                  .list())
          .isEqualTo(List.of("1:A1:b1", "2:A2:B2", "3:a3:b3", "4:A4:-"));
    }
  }

  private static Map<String, Object> row(String a, String b) {
    Map<String, Object> row = new HashMap<>();
    row.put("a", a);
    row.put("b", b);
    return row;
  }
}
