package dev.tokensmith.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.notify.Notice;
import dev.tokensmith.notify.Sender;
import dev.tokensmith.storage.Window;
import dev.tokensmith.testing.TestSecrets;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which addresses a webhook may reach, and the check at delivery time: on the addresses the
 * delivery connects to, so a name that resolved to a public address when the URL was written and to
 * an internal one later (DNS rebinding) is refused, never posted to.
 */
class AddressPolicyTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "127.1.2.3",
        "0.0.0.0",
        "10.0.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "100.100.100.200",
        "100.64.0.1",
        "224.0.0.251",
        "255.255.255.255",
        "192.0.2.10",
        "198.18.0.1",
        "::1",
        "::",
        "fe80::1",
        "fd00:ec2::254",
        "fc00::1",
        "ff02::1",
        "::ffff:10.0.0.1",
        "64:ff9b::a9fe:a9fe",
        "2001:db8::1"
      })
  void isPublicWhenInternalOrReservedThenFalse(String address) throws Exception {
    assertThat(AddressPolicy.isPublic(InetAddress.getByName(address))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "100.128.0.1", "2606:4700::1111"})
  void isPublicWhenPublicThenTrue(String address) throws Exception {
    assertThat(AddressPolicy.isPublic(InetAddress.getByName(address))).isTrue();
  }

  @Test
  void resolveWhenAnyAddressOfTheNameIsInternalThenRefused() throws Exception {
    AddressPolicy policy =
        new AddressPolicy(
            false,
            host ->
                new InetAddress[] {
                  InetAddress.getByName("93.184.215.14"), InetAddress.getByName("10.0.0.5")
                });
    assertThatThrownBy(() -> policy.resolve(AddressPolicy.parse("https://hooks.example/x")))
        .isInstanceOf(AddressPolicy.Refused.class);
  }

  @Test
  void sendWhenNameNowResolvesToLoopbackThenRefusedWithoutConnecting() throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    // The first answer is public (as when the URL was written), later ones loopback.
    AddressPolicy.Resolver rebinding =
        host ->
            new InetAddress[] {
              InetAddress.getByName(lookups.getAndIncrement() == 0 ? "93.184.215.14" : "127.0.0.1")
            };
    AddressPolicy policy = new AddressPolicy(false, rebinding);
    policy.resolve(AddressPolicy.parse("http://rebind.example/hook"));

    TokenSecrets secrets = TestSecrets.withPrefix("tks1");
    Webhook webhook =
        new Webhook(
            7,
            1,
            "http://rebind.example/hook",
            List.of(WebhookEvent.TOKEN_CREATED),
            true,
            null,
            secrets.sealWebhookSecret(secrets.generateWebhookSecret(), 7),
            Instant.EPOCH,
            Instant.EPOCH);
    List<InetAddress> connected = new ArrayList<>();
    WebhookPost post =
        new WebhookPost(Duration.ofSeconds(1), (SSLSocketFactory) SSLSocketFactory.getDefault()) {
          @Override
          int post(
              AddressPolicy.Target target,
              InetAddress address,
              Map<String, String> headers,
              byte[] body) {
            connected.add(address);
            return 200;
          }
        };
    WebhookSender sender =
        new WebhookSender(new OneWebhook(webhook), secrets, policy, post, Clock.systemUTC());

    assertThatThrownBy(() -> sender.send(notice()))
        .isInstanceOfSatisfying(
            Sender.Failure.class,
            f -> {
              assertThat(f.permanent()).isTrue();
              assertThat(f.getMessage()).contains("private");
            });
    assertThat(connected).as("never connected").isEmpty();
  }

  @Test
  void sendWhenAllowedThenConnectsToTheAddressChecked() throws Exception {
    TokenSecrets secrets = TestSecrets.withPrefix("tks1");
    Webhook webhook =
        new Webhook(
            8,
            1,
            "https://hooks.example:8443/in?x=1",
            List.of(WebhookEvent.TOKEN_CREATED),
            true,
            null,
            secrets.sealWebhookSecret(secrets.generateWebhookSecret(), 8),
            Instant.EPOCH,
            Instant.EPOCH);
    InetAddress checked = InetAddress.getByName("93.184.215.14");
    List<String> seen = new ArrayList<>();
    WebhookPost post =
        new WebhookPost(Duration.ofSeconds(1), (SSLSocketFactory) SSLSocketFactory.getDefault()) {
          @Override
          int post(
              AddressPolicy.Target target,
              InetAddress address,
              Map<String, String> headers,
              byte[] body) {
            seen.add(address.getHostAddress() + " " + target.host() + ":" + target.port());
            seen.add(target.pathAndQuery());
            return 204;
          }
        };
    WebhookSender sender =
        new WebhookSender(
            new OneWebhook(webhook),
            secrets,
            new AddressPolicy(false, host -> new InetAddress[] {checked}),
            post,
            Clock.systemUTC());
    Notice notice = notice("8");
    sender.send(notice);
    assertThat(seen).containsExactly("93.184.215.14 hooks.example:8443", "/in?x=1");
  }

  @Test
  void sendWhenNameDoesNotResolveThenRetryableFailure() {
    TokenSecrets secrets = TestSecrets.withPrefix("tks1");
    Webhook webhook =
        new Webhook(
            7,
            1,
            "https://gone.example/hook",
            List.of(WebhookEvent.TOKEN_CREATED),
            true,
            null,
            secrets.sealWebhookSecret(secrets.generateWebhookSecret(), 7),
            Instant.EPOCH,
            Instant.EPOCH);
    WebhookSender sender =
        new WebhookSender(
            new OneWebhook(webhook),
            secrets,
            new AddressPolicy(
                false,
                host -> {
                  throw new UnknownHostException(host);
                }),
            new WebhookPost(
                Duration.ofSeconds(1), (SSLSocketFactory) SSLSocketFactory.getDefault()),
            Clock.systemUTC());
    assertThatThrownBy(() -> sender.send(notice()))
        .isInstanceOfSatisfying(
            Sender.Failure.class,
            f -> {
              assertThat(f.permanent()).as("DNS may come back").isFalse();
              assertThat(f.getMessage()).contains("does not resolve");
            });
  }

  private static Notice notice() {
    return notice("7");
  }

  private static Notice notice(String webhookId) {
    Instant now = Instant.now();
    return new Notice(
        "3f1d2c4b-0000-4000-8000-000000000001",
        Notice.Kind.WEBHOOK,
        webhookId,
        "token.created",
        1L,
        "{}",
        Notice.Status.PENDING,
        1,
        now,
        now,
        null,
        null);
  }

  private record OneWebhook(Webhook webhook) implements WebhookStore {
    @Override
    public long insert(Webhook w) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Webhook> find(long id) {
      return Optional.of(webhook).filter(w -> w.id() == id);
    }

    @Override
    public List<Webhook> list(long clientId, Window window) {
      return List.of(webhook);
    }

    @Override
    public List<Webhook> enabled(long clientId) {
      return List.of(webhook);
    }

    @Override
    public boolean update(Webhook w) {
      return false;
    }

    @Override
    public boolean delete(long id) {
      return false;
    }
  }
}
