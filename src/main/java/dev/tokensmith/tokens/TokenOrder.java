package dev.tokensmith.tokens;

import java.util.Locale;
import java.util.Optional;

/**
 * The orders a token list may be read in ({@code order_by}), each then by id. A token never to
 * expire sorts after every expiry; one never used, before every use; a shared token (no owner)
 * before every owner's name. Names sort without regard to case.
 */
enum TokenOrder {
  ID("id", "t.id", true),
  REALNAME("realname", "LOWER(t.realname)", false),
  USER_REALNAME("user_realname", "LOWER(t.owner_name)", false),
  CREATE_AT("create_at", "t.create_at", true),
  EXPIRE_AT("expire_at", "COALESCE(t.expire_at, " + Long.MAX_VALUE + ")", true),
  LAST_USED_AT("last_used_at", "COALESCE(t.last_used_at, 0)", true);

  private final String wire;
  private final String expression;
  private final boolean numeric;

  TokenOrder(String wire, String expression, boolean numeric) {
    this.wire = wire;
    this.expression = expression;
    this.numeric = numeric;
  }

  String wire() {
    return wire;
  }

  /** The SQL expression rows are ordered by (tokens as {@code t}). */
  String expression() {
    return expression;
  }

  /**
   * How a seek value is compared with {@link #expression()}: names are compared as the database
   * lowers them.
   */
  String parameter() {
    return numeric ? ":seekValue" : "LOWER(:seekValue)";
  }

  boolean numeric() {
    return numeric;
  }

  /** The value of a token in this order, as a seek cursor carries it. */
  String valueOf(TokenService.Described d) {
    ApiToken t = d.token();
    return switch (this) {
      case ID -> Long.toString(t.id());
      case REALNAME -> t.realname();
      // The name the row holds, which the order reads: never one the row does not sort by.
      case USER_REALNAME -> t.owner().name();
      case CREATE_AT -> Long.toString(t.history().createAt().toEpochMilli());
      case EXPIRE_AT ->
          Long.toString(t.expireAt() == null ? Long.MAX_VALUE : t.expireAt().toEpochMilli());
      case LAST_USED_AT ->
          Long.toString(
              t.history().lastUsedAt() == null ? 0 : t.history().lastUsedAt().toEpochMilli());
    };
  }

  static Optional<TokenOrder> fromWire(String name) {
    String wanted = name.toLowerCase(Locale.ROOT);
    for (TokenOrder order : values()) {
      if (order.wire.equals(wanted)) {
        return Optional.of(order);
      }
    }
    return Optional.empty();
  }
}
