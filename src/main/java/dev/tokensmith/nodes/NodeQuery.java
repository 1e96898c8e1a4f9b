package dev.tokensmith.nodes;

import dev.tokensmith.storage.Window;
import java.util.List;
import java.util.Optional;

/**
 * Which nodes a list asks for: those of the given clients matching every filter given (null = no
 * filter), in the given order (then by id), one page of them.
 *
 * @param notType nodes of any type but this one
 * @param ip nodes one of whose instances last synced from this address
 */
record NodeQuery(
    List<Long> clientIds,
    String type,
    String notType,
    String uuid,
    String hostname,
    String ip,
    Order order,
    boolean descending,
    Window window) {

  /** The orders a list may ask for, by their wire names. */
  enum Order {
    ID("id", "n.id"),
    HOSTNAME("hostname", "n.hostname"),
    TYPE("type", "n.node_type"),
    CREATE_TIME("create_time", "n.create_at"),
    LAST_ACTIVITY("last_activity", "last_activity");

    private final String wire;
    private final String column;

    Order(String wire, String column) {
      this.wire = wire;
      this.column = column;
    }

    /** The SQL expression to order by. */
    String column() {
      return column;
    }

    static Optional<Order> fromWire(String name) {
      for (Order order : values()) {
        if (order.wire.equals(name)) {
          return Optional.of(order);
        }
      }
      return Optional.empty();
    }
  }
}
