package dev.tokensmith.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.notify.Notice;
import dev.tokensmith.notify.Outbox;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Queues deliveries: one notice per subscription that hears the event, addressed to the
 * subscription's id, whose payload is the body to post, {@code {id, type, time, client_id, data}}.
 * A text in the data that holds a token's secret (pasted into a name) is blanked.
 */
public final class WebhookPublisher implements WebhookEvents {
  private final WebhookStore store;
  private final Outbox outbox;
  private final ObjectMapper json;
  private final Clock clock;

  public WebhookPublisher(JdbcWebhookStore store, Outbox outbox, ObjectMapper json, Clock clock) {
    this((WebhookStore) store, outbox, json, clock);
  }

  WebhookPublisher(WebhookStore store, Outbox outbox, ObjectMapper json, Clock clock) {
    this.store = store;
    this.outbox = outbox;
    this.json = json;
    this.clock = clock;
  }

  @Override
  public void publish(WebhookEvent event, long clientId, Map<String, Object> data) {
    for (Webhook webhook : store.enabled(clientId)) {
      if (webhook.hears(event)) {
        queue(webhook, event, data);
      }
    }
  }

  @Override
  public void publishAll(WebhookEvent event, long clientId, List<Map<String, Object>> data) {
    if (data.isEmpty()) {
      return;
    }
    // The client's subscriptions are read once for the whole batch.
    for (Webhook webhook : store.enabled(clientId)) {
      if (webhook.hears(event)) {
        data.forEach(one -> queue(webhook, event, one));
      }
    }
  }

  /** Queues one delivery of {@code event} to {@code webhook}; returns its id. */
  String queue(Webhook webhook, WebhookEvent event, Map<String, Object> data) {
    String id = outbox.newId();
    Map<String, Object> clean = new LinkedHashMap<>();
    data.forEach(
        (field, value) ->
            clean.put(
                field,
                value instanceof String text && TokenSecrets.containsSecret(text)
                    ? "[secret removed]"
                    : value));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", id);
    body.put("type", event.wire());
    body.put("time", clock.instant().truncatedTo(ChronoUnit.MILLIS));
    body.put("client_id", webhook.clientId());
    body.put("data", clean);
    String payload;
    try {
      payload = json.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a webhook's payload could not be written", e);
    }
    outbox.enqueue(
        id,
        Notice.Kind.WEBHOOK,
        Long.toString(webhook.id()),
        event.wire(),
        webhook.clientId(),
        payload);
    return id;
  }
}
