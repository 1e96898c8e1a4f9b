package dev.tokensmith.webhooks;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tokensmith.notify.Notice;
import dev.tokensmith.web.Api;
import dev.tokensmith.web.Page;
import dev.tokensmith.web.Params;
import dev.tokensmith.web.Reply;
import dev.tokensmith.web.Request;
import dev.tokensmith.web.Routes;
import java.time.Instant;
import java.util.List;

/**
 * The webhook endpoints ({@code /v2/webhooks}): subscriptions, their signing secret, deliveries and
 * their retry, and a test delivery. Administrators only.
 */
public final class WebhookApi implements Api {
  private static final int MAX_URL = 2048;
  private static final int MAX_DESCRIPTION = 255;
  private static final int MAX_EVENTS = 50;

  private final WebhookService webhooks;

  public WebhookApi(WebhookService webhooks) {
    this.webhooks = webhooks;
  }

  /** A subscription as answered; {@code signing_secret} only in a create's or rotation's answer. */
  record WebhookView(
      long id,
      long clientId,
      String url,
      List<String> events,
      boolean enabled,
      String description,
      @JsonInclude(JsonInclude.Include.NON_NULL) String signingSecret,
      Instant createAt,
      Instant updateAt) {

    static WebhookView of(Webhook w, String secret) {
      return new WebhookView(
          w.id(),
          w.clientId(),
          w.url(),
          w.events().stream().map(WebhookEvent::wire).toList(),
          w.enabled(),
          w.description(),
          secret,
          w.createAt(),
          w.updateAt());
    }
  }

  /** A delivery and how far it got; {@code next_attempt_at} only while it is pending. */
  record DeliveryView(
      String id,
      String event,
      String status,
      int attempts,
      String lastError,
      Instant createAt,
      Instant sentAt,
      Instant nextAttemptAt) {

    static DeliveryView of(Notice n) {
      return new DeliveryView(
          n.id(),
          n.topic(),
          n.status().id(),
          n.attempts(),
          n.lastError(),
          n.createAt(),
          n.sentAt(),
          n.status() == Notice.Status.PENDING ? n.nextAttemptAt() : null);
    }
  }

  record SecretView(String signingSecret) {}

  @Override
  public void routes(Routes routes) {
    routes.get("/v2/webhooks", this::list);
    routes.post("/v2/webhooks", this::create);
    routes.get(
        "/v2/webhooks/:id", r -> WebhookView.of(webhooks.get(r.caller(), r.pathId("id")), null));
    routes.put(
        "/v2/webhooks/:id",
        r ->
            WebhookView.of(
                webhooks.update(r.caller(), r.pathId("id"), changes(r.body(), false)), null));
    routes.delete(
        "/v2/webhooks/:id", r -> WebhookView.of(webhooks.delete(r.caller(), r.pathId("id")), null));
    routes.post(
        "/v2/webhooks/:id/secret",
        r -> new SecretView(webhooks.rotateSecret(r.caller(), r.pathId("id")).secret()));
    routes.post(
        "/v2/webhooks/:id/ping", r -> DeliveryView.of(webhooks.ping(r.caller(), r.pathId("id"))));
    routes.get("/v2/webhooks/:id/deliveries", this::deliveries);
    routes.post(
        "/v2/webhooks/:id/deliveries/:delivery/retry",
        r -> DeliveryView.of(webhooks.retry(r.caller(), r.pathId("id"), r.pathUuid("delivery"))));
  }

  private Object create(Request request) {
    Params body = request.body();
    Long clientId = body.id("client_id").orElse(null);
    WebhookService.Issued issued = webhooks.create(request.caller(), clientId, changes(body, true));
    return WebhookView.of(issued.webhook(), issued.secret());
  }

  private Object list(Request request) {
    Page page = Page.of(request);
    Long clientId = request.query().or(request.body()).id("client_id").orElse(null);
    return page.keyset(
        webhooks.list(request.caller(), clientId, page.window()),
        Webhook::id,
        w -> WebhookView.of(w, null));
  }

  private Reply deliveries(Request request) {
    Page page = Page.of(request).requireOffset("deliveries");
    List<Notice> rows =
        webhooks.deliveries(
            request.caller(), request.pathId("id"), page.limit() + 1, page.offset());
    return page.byOffset(rows, DeliveryView::of);
  }

  private static WebhookService.Changes changes(Params body, boolean create) {
    String url = body.text("url", MAX_URL).orElse(null);
    List<String> events = body.texts("events", MAX_EVENTS, 64).orElse(null);
    Boolean enabled = body.bool("enabled").orElse(null);
    String description = body.text("description", MAX_DESCRIPTION).orElse(null);
    return new WebhookService.Changes(
        url, events, enabled, description, create || body.has("description"));
  }
}
