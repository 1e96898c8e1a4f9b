package dev.tokensmith.access;

/**
 * A client (a company account) as access decisions see it; the clients feature's {@code Client} is
 * one. {@code partnerId} is null for a stand-alone company; {@code technical} is true for the
 * client where a partner's global users live.
 */
public interface Account {
  long id();

  boolean enabled();

  boolean technical();

  Long partnerId();

  /** True when both clients belong to the same partner. */
  default boolean samePartner(Account other) {
    return partnerId() != null && partnerId().equals(other.partnerId());
  }
}
