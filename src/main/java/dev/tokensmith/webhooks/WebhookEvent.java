package dev.tokensmith.webhooks;

import java.util.Arrays;
import java.util.Optional;

/** What a webhook hears of, by the name receivers see in {@code type} and the event header. */
public enum WebhookEvent {
  TOKEN_CREATED("token.created"),
  TOKEN_RENEWED("token.renewed"),
  TOKEN_DISABLED("token.disabled"),
  TOKEN_ENABLED("token.enabled"),
  TOKEN_DELETED("token.deleted"),
  TOKEN_EXPIRING("token.expiring"),
  TOKEN_LEAKED("token.leaked"),
  USER_CREATED("user.created"),
  USER_DISABLED("user.disabled"),
  USER_ROLE_CHANGED("user.role_changed"),
  NODE_REGISTERED("node.registered"),
  /** A test delivery asked for by an administrator; every subscription hears it. */
  PING("ping");

  private final String wire;

  WebhookEvent(String wire) {
    this.wire = wire;
  }

  /** The event's name ({@code token.created}). */
  public String wire() {
    return wire;
  }

  /** The event of a name a subscription may list; empty for an unknown one and for ping. */
  static Optional<WebhookEvent> subscribable(String wire) {
    return Arrays.stream(values()).filter(e -> e != PING && e.wire.equals(wire)).findFirst();
  }
}
