package dev.tokensmith.webhooks;

import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.notify.Notice;
import dev.tokensmith.notify.Sender;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSocketFactory;

/**
 * Posts webhook deliveries from the outbox: the stored body, signed now with the subscription's
 * current secret, to an address of its URL checked just before (see {@link AddressPolicy}). Any 2xx
 * answer is a delivery; anything else (a 3xx too: redirects are not followed), a timeout or a
 * refused connection is retried by the outbox, and so is a host name that does not resolve. A
 * delivery whose subscription was deleted or disabled, or whose URL reaches an address that is not
 * allowed, is given up at once.
 */
public final class WebhookSender implements Sender {
  /** The longest a delivery may take, from connecting to the answer's status line. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  static final String EVENT = "X-Tokensmith-Event";
  static final String DELIVERY = "X-Tokensmith-Delivery";
  static final String TIMESTAMP = "X-Tokensmith-Timestamp";
  static final String SIGNATURE = "X-Tokensmith-Signature";

  private final WebhookStore store;
  private final TokenSecrets secrets;
  private final AddressPolicy policy;
  private final WebhookPost post;
  private final Clock clock;

  /**
   * A sender posting with a 10-second bound on each delivery, to public addresses only unless
   * {@code allowPrivate}.
   */
  public static WebhookSender of(
      JdbcWebhookStore store, TokenSecrets secrets, boolean allowPrivate, Clock clock) {
    return new WebhookSender(
        store,
        secrets,
        new AddressPolicy(allowPrivate),
        new WebhookPost(TIMEOUT, (SSLSocketFactory) SSLSocketFactory.getDefault()),
        clock);
  }

  WebhookSender(
      WebhookStore store,
      TokenSecrets secrets,
      AddressPolicy policy,
      WebhookPost post,
      Clock clock) {
    this.store = store;
    this.secrets = secrets;
    this.policy = policy;
    this.post = post;
    this.clock = clock;
  }

  @Override
  public Notice.Kind kind() {
    return Notice.Kind.WEBHOOK;
  }

  @Override
  public void send(Notice notice) throws Failure {
    Optional<Webhook> found = webhookOf(notice);
    if (found.isEmpty()) {
      throw Failure.permanent("the webhook was deleted");
    }
    Webhook webhook = found.get();
    if (!webhook.enabled()) {
      throw Failure.permanent("the webhook is disabled");
    }
    AddressPolicy.Target target;
    List<InetAddress> addresses;
    try {
      target = AddressPolicy.parse(webhook.url());
      addresses = policy.resolve(target);
    } catch (AddressPolicy.Refused refused) {
      String reason = "URL refused: " + refused.getMessage();
      throw refused.mayPass() ? Failure.retryable(reason) : Failure.permanent(reason);
    }
    String secret = secrets.openWebhookSecret(webhook.secretSealed(), webhook.id());
    byte[] body = notice.payload().getBytes(StandardCharsets.UTF_8);
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(EVENT, notice.topic());
    headers.put(DELIVERY, notice.id());
    headers.put(TIMESTAMP, timestamp);
    headers.put(SIGNATURE, WebhookSignature.sign(secret, timestamp, body));
    int status;
    try {
      status = post.post(target, addresses.get(0), headers, body);
    } catch (SocketTimeoutException e) {
      throw Failure.retryable("timed out");
    } catch (IOException e) {
      throw Failure.retryable("could not be reached (" + e.getClass().getSimpleName() + ")");
    }
    if (status < 200 || status > 299) {
      throw Failure.retryable(
          status >= 300 && status < 400
              ? "answered " + status + " (redirects are not followed)"
              : "answered " + status);
    }
  }

  private Optional<Webhook> webhookOf(Notice notice) {
    try {
      return store.find(Long.parseLong(notice.recipient()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
