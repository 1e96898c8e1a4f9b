package dev.tokensmith.webhooks;

import java.util.List;
import java.util.Map;

/**
 * Where features tell of their events. Called inside the transaction of the change: a delivery is
 * queued in the outbox for every enabled subscription of the client that hears the event, so it
 * goes out exactly when the change commits.
 */
public interface WebhookEvents {

  /** No webhooks (test fixtures that do not look at them). */
  WebhookEvents NONE = (event, clientId, data) -> {};

  /**
   * Queues {@code event} about an object of {@code clientId}, described by {@code data} (field
   * names as the API shows them; never a secret: a token is named by its {@code secret_hint}).
   */
  void publish(WebhookEvent event, long clientId, Map<String, Object> data);

  /**
   * Queues {@code event} about each of several objects of {@code clientId} (a background job's
   * batch), as {@link #publish} would one by one.
   */
  default void publishAll(WebhookEvent event, long clientId, List<Map<String, Object>> data) {
    data.forEach(one -> publish(event, clientId, one));
  }
}
