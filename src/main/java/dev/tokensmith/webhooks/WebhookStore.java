package dev.tokensmith.webhooks;

import dev.tokensmith.storage.Window;
import java.util.List;
import java.util.Optional;

/** Storage of webhook subscriptions. */
interface WebhookStore {

  /** Inserts the subscription (its id ignored) with a placeholder secret; returns the new id. */
  long insert(Webhook webhook);

  Optional<Webhook> find(long id);

  /** A client's subscriptions ordered by id, through the window. */
  List<Webhook> list(long clientId, Window window);

  /** A client's enabled subscriptions (for an event to be queued to). */
  List<Webhook> enabled(long clientId);

  /** Writes every field but the id, client and creation time; false when it is gone. */
  boolean update(Webhook webhook);

  boolean delete(long id);
}
