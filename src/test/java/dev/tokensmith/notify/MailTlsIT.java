package dev.tokensmith.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.MailServer;
import dev.tokensmith.testing.Response;
import dev.tokensmith.testing.TestServer;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * E-mail over TLS from the first byte (SMTPS) to a real mail server (GreenMail) with a certificate
 * of its own for {@code localhost}, made for the test: sent, with the SMTP login, when the server
 * trusts that certificate through {@code TOKENSMITH_SMTP_CA_FILE}; refused (nothing sent, retried)
 * when it does not, and when the certificate is trusted but names another host than the one
 * connected to.
 */
class MailTlsIT {
  private static final String PASSWORD = "changeit";
  private static final String SMTP_USER = "notices";
  private static final String SMTP_PASSWORD = "smtp-login-secret-1";

  @TempDir static Path dir;
  static GreenMail greenMail;
  static int port;
  static Path trusted;

  @BeforeAll
  static void startMailServer() throws Exception {
    Path keystore = dir.resolve("smtp.p12");
    trusted = dir.resolve("smtp.pem");
    keytool(
        "-genkeypair",
        "-alias",
        "smtp",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=dns:localhost",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        PASSWORD,
        "-keypass",
        PASSWORD);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "smtp",
        "-keystore",
        keystore.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        trusted.toString());
    port = freePort();
    // GreenMail reads its TLS key from these when it starts (its own bundled certificate names no
    // host, so no checked name would match it).
    System.setProperty("greenmail.tls.keystore.file", keystore.toString());
    System.setProperty("greenmail.tls.keystore.password", PASSWORD);
    System.setProperty("greenmail.tls.key.password", PASSWORD);
    try {
      greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS));
      greenMail.setUser("notices@example.com", SMTP_USER, SMTP_PASSWORD);
      greenMail.start();
    } finally {
      System.clearProperty("greenmail.tls.keystore.file");
      System.clearProperty("greenmail.tls.keystore.password");
      System.clearProperty("greenmail.tls.key.password");
    }
  }

  @AfterAll
  static void stopMailServer() {
    if (greenMail != null) {
      greenMail.stop();
    }
  }

  private static Map<String, String> settings(String host) {
    Map<String, String> settings = new HashMap<>();
    settings.put("TOKENSMITH_SMTP_HOST", host);
    settings.put("TOKENSMITH_SMTP_PORT", Integer.toString(port));
    settings.put("TOKENSMITH_SMTP_TLS", "tls");
    settings.put("TOKENSMITH_SMTP_USER", SMTP_USER);
    settings.put("TOKENSMITH_SMTP_PASSWORD", SMTP_PASSWORD);
    settings.put("TOKENSMITH_SMTP_FROM", MailServer.FROM);
    settings.put("TOKENSMITH_PUBLIC_URL", MailServer.PUBLIC_URL);
    return settings;
  }

  @Test
  void sendWhenSmtpsAndCertificateTrustedThroughCaFileThenDeliveredOverTls() throws Exception {
    Map<String, String> settings = settings("localhost");
    settings.put("TOKENSMITH_SMTP_CA_FILE", trusted.toString());
    try (TestServer server = TestServer.start(settings)) {
      int before = greenMail.getReceivedMessages().length;
      String email = invite(server, "Over TLS");
      String id = deliveryIdFor(server, email);

      assertThat(server.app.deliverNotices()).isEqualTo(1);
      assertThat(server.app.outbox().find(id).orElseThrow().status()).isEqualTo(Notice.Status.SENT);
      MimeMessage[] received = greenMail.getReceivedMessages();
      assertThat(received).hasSize(before + 1);
      MimeMessage mail = received[received.length - 1];
      assertThat(mail.getAllRecipients()[0].toString()).isEqualTo(email);
      assertThat(mail.getHeader("X-Tokensmith-Delivery")[0]).isEqualTo(id);
    }
  }

  @Test
  void sendWhenSmtpsCertificateNotTrustedThenNothingSentAndRetried() {
    // The JVM's CAs do not know the test's certificate.
    try (TestServer server = TestServer.start(settings("localhost"))) {
      int before = greenMail.getReceivedMessages().length;
      String id = deliveryIdFor(server, invite(server, "Untrusted"));

      assertThat(server.app.deliverNotices()).isEqualTo(1);
      Notice n = server.app.outbox().find(id).orElseThrow();
      assertThat(n.status()).isEqualTo(Notice.Status.PENDING);
      assertThat(n.lastError()).contains("could not be reached or failed");
      assertThat(n.lastError()).doesNotContain(SMTP_PASSWORD);
      assertThat(greenMail.getReceivedMessages()).hasSize(before);
    }
  }

  @Test
  void sendWhenCertificateTrustedButNamesAnotherHostThenNothingSent() {
    // The same server and certificate (for localhost), reached by its address: the name differs.
    Map<String, String> settings = settings("127.0.0.1");
    settings.put("TOKENSMITH_SMTP_CA_FILE", trusted.toString());
    try (TestServer server = TestServer.start(settings)) {
      int before = greenMail.getReceivedMessages().length;
      String id = deliveryIdFor(server, invite(server, "Other host"));

      assertThat(server.app.deliverNotices()).isEqualTo(1);
      assertThat(server.app.outbox().find(id).orElseThrow().status())
          .isEqualTo(Notice.Status.PENDING);
      assertThat(greenMail.getReceivedMessages()).hasSize(before);
    }
  }

  // A user created without a password: an invitation is queued for them.
  private static String invite(TestServer server, String name) {
    Fixtures fixtures = new Fixtures(server);
    long tenant = fixtures.tenant(name);
    TestUser admin = fixtures.user(tenant, "admin");
    String email = "tls-" + System.nanoTime() + "@example.com";
    Response created =
        server.http.post(
            "/v1/objects/user/create",
            admin.session(),
            Map.of(
                "email",
                email,
                "realname",
                "Invitee",
                "permissions",
                List.of("analytic"),
                "clientid",
                tenant));
    assertThat(created.status()).as("%s", created).isEqualTo(200);
    return email;
  }

  private static String deliveryIdFor(TestServer server, String email) {
    try (Connection c =
            DriverManager.getConnection(server.database.url(), server.database.user(), "");
        PreparedStatement s = c.prepareStatement("SELECT id FROM notices WHERE recipient = ?")) {
      s.setString(1, email);
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).as("a notice to %s", email).isTrue();
        return rs.getString(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("keytool %s: %s", args[0], output).isZero();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
