package dev.tokensmith.webhooks;

import java.time.Instant;
import java.util.List;

/**
 * A client's subscription: where its events are posted, and which of them.
 *
 * @param events the events it hears, in the order given, never empty
 * @param secretSealed the signing secret sealed under the master key (bound to the id)
 * @param description a note of the administrator's, or null
 */
record Webhook(
    long id,
    long clientId,
    String url,
    List<WebhookEvent> events,
    boolean enabled,
    String description,
    String secretSealed,
    Instant createAt,
    Instant updateAt) {

  boolean hears(WebhookEvent event) {
    return event == WebhookEvent.PING || events.contains(event);
  }

  @Override
  public String toString() {
    // The sealed secret stays out of logs.
    return "Webhook[" + id + ", client " + clientId + ", " + events + ", enabled=" + enabled + "]";
  }
}
