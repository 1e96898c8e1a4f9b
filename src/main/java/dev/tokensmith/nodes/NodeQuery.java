package dev.tokensmith.nodes;

import dev.tokensmith.storage.SeekPast;
import dev.tokensmith.storage.Window;
import java.util.List;
import java.util.Optional;

/**
 * Which nodes a list asks for: those of the given clients matching every filter given (null = no
 * filter), in the given order (then by id), one page of them.
 *
 * @param notType nodes of any type but this one
 * @param ip nodes one of whose instances last synced from this address
 * @param after past which node of the order the page starts (a seek cursor), or null
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
    SeekPast after,
    Window window) {

  /**
   * The orders a list may ask for, by their wire names, each then by id. A node none of whose
   * instances has synced sorts before every last activity.
   */
  enum Order {
    ID("id", "n.id", true),
    HOSTNAME("hostname", "n.hostname", false),
    TYPE("type", "n.node_type", false),
    CREATE_TIME("create_time", "n.create_at", true),
    LAST_ACTIVITY("last_activity", "n.last_activity", true);

    private final String wire;
    private final String column;
    private final boolean numeric;

    Order(String wire, String column, boolean numeric) {
      this.wire = wire;
      this.column = column;
      this.numeric = numeric;
    }

    String wire() {
      return wire;
    }

    /** The column rows are ordered by (nodes as {@code n}). */
    String column() {
      return column;
    }

    boolean numeric() {
      return numeric;
    }

    /** The value of a node in this order, as a seek cursor carries it. */
    String valueOf(NodeState s) {
      Node n = s.node();
      return switch (this) {
        case ID -> Long.toString(n.id());
        case HOSTNAME -> n.hostname();
        case TYPE -> n.type();
        case CREATE_TIME -> Long.toString(n.createAt().toEpochMilli());
        case LAST_ACTIVITY ->
            Long.toString(s.lastActivity() == null ? 0 : s.lastActivity().toEpochMilli());
      };
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
