package dev.tokensmith.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

  @Test
  void fromWhenNothingSetThenDocumentedDefaults() {
    Settings s = Settings.from(Map.of());
    assertThat(s.port()).isEqualTo(8080);
    assertThat(s.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(s.dbUrl()).startsWith("jdbc:h2:file:").contains("data");
    assertThat(s.postgresql()).isFalse();
    assertThat(s.adminEmail()).isEqualTo("admin@localhost");
    assertThat(s.adminPassword()).isEmpty();
    assertThat(s.secretPrefix()).isEqualTo("tks1");
    assertThat(s.nodeSecretPrefix()).isEqualTo("tkn1");
    assertThat(s.authFailuresPerMinute()).isEqualTo(30);
    assertThat(s.loginFailuresPerAccountPerMinute()).isEqualTo(10);
    assertThat(s.publicUrl()).isEmpty();
    assertThat(s.behindTls()).isFalse();
    assertThat(s.masterKeyFile()).isEqualTo(Path.of("./data").resolve("master.key"));
    assertThat(s.requestTimeoutSeconds()).isEqualTo(30);
    assertThat(s.dbPoolSize()).isEqualTo(16);
  }

  @Test
  void fromWhenNoSmtpHostThenEmailOffAndOutboxPollsEveryTwoSeconds() {
    Settings s = Settings.from(Map.of());
    assertThat(s.smtp()).isEmpty();
    assertThat(s.outboxPollSeconds()).isEqualTo(2);
    assertThat(s.toString()).contains("email=off");
  }

  @Test
  void fromWhenSmtpSetThenPortFollowsTlsAndPasswordNeverInToString() {
    Map<String, String> env =
        new java.util.HashMap<>(
            Map.of(
                "TOKENSMITH_SMTP_HOST", "smtp.example.com",
                "TOKENSMITH_SMTP_FROM", "Tokensmith <tokens@example.com>",
                "TOKENSMITH_SMTP_USER", "mailer",
                "TOKENSMITH_SMTP_PASSWORD", "smtp-password-secret",
                "TOKENSMITH_PUBLIC_URL", "https://tokens.example.com"));
    Settings.Smtp smtp = Settings.from(env).smtp().orElseThrow();
    assertThat(smtp.host()).isEqualTo("smtp.example.com");
    assertThat(smtp.tls()).isEqualTo(Settings.Smtp.Tls.STARTTLS);
    assertThat(smtp.port()).isEqualTo(587);
    assertThat(smtp.user()).contains("mailer");
    assertThat(smtp.toString()).doesNotContain("smtp-password-secret");
    assertThat(Settings.from(env).toString())
        .contains("email=on")
        .doesNotContain("smtp-password-secret");
    env.put("TOKENSMITH_SMTP_TLS", "tls");
    assertThat(Settings.from(env).smtp().orElseThrow().port()).isEqualTo(465);
    env.put("TOKENSMITH_SMTP_TLS", "NONE");
    assertThat(Settings.from(env).smtp().orElseThrow().port()).isEqualTo(25);
    env.put("TOKENSMITH_SMTP_PORT", "2525");
    assertThat(Settings.from(env).smtp().orElseThrow().port()).isEqualTo(2525);
  }

  @Test
  void fromWhenSmtpSettingBadThenOneLineNamingTheSetting() {
    Map<String, String> good =
        Map.of(
            "TOKENSMITH_SMTP_HOST", "smtp.example.com",
            "TOKENSMITH_SMTP_FROM", "tokens@example.com",
            "TOKENSMITH_PUBLIC_URL", "https://tokens.example.com");
    assertThat(Settings.from(good).smtp()).isPresent();
    Map<String, Map<String, String>> bad =
        Map.of(
            "TOKENSMITH_SMTP_TLS", Map.of("TOKENSMITH_SMTP_TLS", "ssl"),
            "TOKENSMITH_SMTP_PORT", Map.of("TOKENSMITH_SMTP_PORT", "70000"),
            "TOKENSMITH_SMTP_FROM", Map.of("TOKENSMITH_SMTP_FROM", "not an address"),
            "TOKENSMITH_SMTP_PASSWORD", Map.of("TOKENSMITH_SMTP_PASSWORD", "pw"),
            "TOKENSMITH_SMTP_HOST", Map.of("TOKENSMITH_SMTP_HOST", "smtp example com"));
    bad.forEach(
        (name, change) -> {
          Map<String, String> env = new java.util.HashMap<>(good);
          env.putAll(change);
          assertThatThrownBy(() -> Settings.from(env))
              .as(name)
              .isInstanceOf(Settings.Invalid.class)
              .hasMessageStartingWith(name + " ")
              .hasMessageNotContaining("\n");
        });
    Map<String, String> noFrom = new java.util.HashMap<>(good);
    noFrom.remove("TOKENSMITH_SMTP_FROM");
    assertThatThrownBy(() -> Settings.from(noFrom))
        .hasMessageStartingWith("TOKENSMITH_SMTP_FROM must be set");
    Map<String, String> noUrl = new java.util.HashMap<>(good);
    noUrl.remove("TOKENSMITH_PUBLIC_URL");
    assertThatThrownBy(() -> Settings.from(noUrl))
        .hasMessageStartingWith("TOKENSMITH_SMTP_HOST needs TOKENSMITH_PUBLIC_URL");
    assertThatThrownBy(() -> Settings.from(Map.of("TOKENSMITH_SMTP_PORT", "25")))
        .hasMessageStartingWith("TOKENSMITH_SMTP_PORT is set but TOKENSMITH_SMTP_HOST is not");
  }

  @Test
  void loadWhenSmtpTlsNoneWithPasswordThenWarnedThatThePasswordTravelsInClear() {
    Map<String, String> env =
        new java.util.HashMap<>(
            Map.of(
                "TOKENSMITH_SMTP_HOST", "relay.example.com",
                "TOKENSMITH_SMTP_FROM", "tokens@example.com",
                "TOKENSMITH_SMTP_USER", "mailer",
                "TOKENSMITH_SMTP_PASSWORD", "smtp-password-secret",
                "TOKENSMITH_SMTP_TLS", "none",
                "TOKENSMITH_PUBLIC_URL", "https://tokens.example.com"));
    assertThat(Settings.load(env).warnings())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .startsWith("TOKENSMITH_SMTP_PASSWORD travels in clear to relay.example.com")
                    .contains("TOKENSMITH_SMTP_TLS is none")
                    .doesNotContain("smtp-password-secret")
                    .doesNotContain("\n"));
    env.put("TOKENSMITH_SMTP_TLS", "starttls");
    assertThat(Settings.load(env).warnings()).isEmpty();
    env.put("TOKENSMITH_SMTP_TLS", "tls");
    assertThat(Settings.load(env).warnings()).isEmpty();
    env.put("TOKENSMITH_SMTP_TLS", "none");
    env.remove("TOKENSMITH_SMTP_PASSWORD");
    assertThat(Settings.load(env).warnings()).as("no password, nothing to leak").isEmpty();
  }

  @Test
  void fromWhenSmtpCaFileThenItsCertificatesTrustedAndABadOneNamed(@TempDir Path dir)
      throws Exception {
    java.security.KeyStore jvm = java.security.KeyStore.getInstance("PKCS12");
    try (var in =
        Files.newInputStream(Path.of(System.getProperty("java.home"), "lib/security/cacerts"))) {
      jvm.load(in, null);
    }
    java.security.cert.X509Certificate ca =
        (java.security.cert.X509Certificate) jvm.getCertificate(jvm.aliases().nextElement());
    Path pem = dir.resolve("ca.pem");
    Files.writeString(
        pem,
        "-----BEGIN CERTIFICATE-----\n"
            + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(ca.getEncoded())
            + "\n-----END CERTIFICATE-----\n");
    Map<String, String> env =
        new java.util.HashMap<>(
            Map.of(
                "TOKENSMITH_SMTP_HOST", "smtp.example.com",
                "TOKENSMITH_SMTP_FROM", "tokens@example.com",
                "TOKENSMITH_SMTP_CA_FILE", pem.toString(),
                "TOKENSMITH_PUBLIC_URL", "https://tokens.example.com"));
    assertThat(Settings.from(env).smtp().orElseThrow().trusted()).containsExactly(ca);

    env.put("TOKENSMITH_SMTP_CA_FILE", dir.resolve("missing.pem").toString());
    assertThatThrownBy(() -> Settings.from(env))
        .isInstanceOf(Settings.Invalid.class)
        .hasMessageStartingWith("TOKENSMITH_SMTP_CA_FILE cannot be read");
    Path text = dir.resolve("not.pem");
    Files.writeString(text, "not a certificate\n");
    env.put("TOKENSMITH_SMTP_CA_FILE", text.toString());
    assertThatThrownBy(() -> Settings.from(env))
        .isInstanceOf(Settings.Invalid.class)
        .hasMessageStartingWith("TOKENSMITH_SMTP_CA_FILE ");
    env.put("TOKENSMITH_SMTP_CA_FILE", pem.toString());
    env.put("TOKENSMITH_SMTP_TLS", "none");
    assertThatThrownBy(() -> Settings.from(env))
        .hasMessageStartingWith("TOKENSMITH_SMTP_CA_FILE has no use with TOKENSMITH_SMTP_TLS=none");
    assertThatThrownBy(() -> Settings.from(Map.of("TOKENSMITH_SMTP_CA_FILE", pem.toString())))
        .hasMessageStartingWith("TOKENSMITH_SMTP_CA_FILE is set but TOKENSMITH_SMTP_HOST is not");
  }

  @Test
  void fromWhenPostgresqlUrlThenPostgresql() {
    assertThat(
            Settings.from(Map.of("TOKENSMITH_DB_URL", "jdbc:postgresql://db/tokensmith"))
                .postgresql())
        .isTrue();
  }

  @Test
  void fromWhenBadValueThenFailsNamingTheSetting() {
    assertThatThrownBy(() -> Settings.from(Map.of("TOKENSMITH_PORT", "http")))
        .hasMessageContaining("TOKENSMITH_PORT");
    assertThatThrownBy(() -> Settings.from(Map.of("TOKENSMITH_PORT", "70000")))
        .hasMessageContaining("TOKENSMITH_PORT");
    assertThatThrownBy(() -> Settings.from(Map.of("TOKENSMITH_SECRET_PREFIX", "tk-1")))
        .hasMessageContaining("TOKENSMITH_SECRET_PREFIX");
    assertThatThrownBy(() -> Settings.from(Map.of("TOKENSMITH_NODE_SECRET_PREFIX", "tkn-")))
        .hasMessageContaining("TOKENSMITH_NODE_SECRET_PREFIX");
    assertThatThrownBy(() -> Settings.from(Map.of("TOKENSMITH_NODE_SECRET_PREFIX", "tkn12")))
        .hasMessageContaining("TOKENSMITH_NODE_SECRET_PREFIX");
    assertThat(Settings.from(Map.of("TOKENSMITH_NODE_SECRET_PREFIX", "node")).nodeSecretPrefix())
        .isEqualTo("node");
    assertThatThrownBy(() -> Settings.from(Map.of("TOKENSMITH_DB_URL", "jdbc:mysql://x")))
        .hasMessageContaining("TOKENSMITH_DB_URL");
    assertThatThrownBy(() -> Settings.from(Map.of("TOKENSMITH_AUTH_FAILURES_PER_MINUTE", "0")))
        .hasMessageContaining("TOKENSMITH_AUTH_FAILURES_PER_MINUTE");
    assertThatThrownBy(() -> Settings.from(Map.of("TOKENSMITH_TRUSTED_PROXIES", "10.0.0.0/8,nope")))
        .hasMessageContaining("TOKENSMITH_TRUSTED_PROXIES");
    assertThatThrownBy(() -> Settings.from(Map.of("TOKENSMITH_REQUEST_TIMEOUT_SECONDS", "0")))
        .hasMessageContaining("TOKENSMITH_REQUEST_TIMEOUT_SECONDS");
    assertThatThrownBy(() -> Settings.from(Map.of("TOKENSMITH_DB_POOL_SIZE", "1")))
        .hasMessageContaining("TOKENSMITH_DB_POOL_SIZE");
    assertThat(Settings.from(Map.of("TOKENSMITH_DB_POOL_SIZE", "40")).dbPoolSize()).isEqualTo(40);
  }

  @Test
  void fromWhenPublicUrlHttpsOrHttpThenBehindTlsOnlyForHttps() {
    Settings tls =
        Settings.from(Map.of("TOKENSMITH_PUBLIC_URL", "https://tokens.example.com/base/"));
    Settings plain = Settings.from(Map.of("TOKENSMITH_PUBLIC_URL", "http://10.0.0.5:8080"));

    assertThat(tls.publicUrl())
        .hasValueSatisfying(url -> assertThat(url).hasToString("https://tokens.example.com/base/"));
    assertThat(tls.behindTls()).isTrue();
    assertThat(
            Settings.from(Map.of("TOKENSMITH_PUBLIC_URL", "HTTPS://Tokens.example.com"))
                .behindTls())
        .isTrue();
    assertThat(plain.publicUrl()).isPresent();
    assertThat(plain.behindTls()).isFalse();
  }

  @Test
  void fromWhenPublicUrlNotAnAbsoluteHttpUrlThenOneLineNamingTheSetting() {
    for (String bad :
        new String[] {
          "tokens.example.com",
          "/console",
          "ftp://tokens.example.com",
          "https://",
          "https:tokens.example.com",
          "https://tokens example.com",
          "https://user:pw@tokens.example.com",
          "https://tokens.example.com/?a=b",
          "https://tokens.example.com/#top"
        }) {
      assertThatThrownBy(() -> Settings.from(Map.of("TOKENSMITH_PUBLIC_URL", bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("TOKENSMITH_PUBLIC_URL ")
          .hasMessageNotContaining("\n");
    }
  }

  @Test
  void fromWhenAccountLimitBadThenFailsNamingTheSetting() {
    assertThat(
            Settings.from(Map.of("TOKENSMITH_LOGIN_FAILURES_PER_ACCOUNT_PER_MINUTE", "5"))
                .loginFailuresPerAccountPerMinute())
        .isEqualTo(5);
    assertThatThrownBy(
            () -> Settings.from(Map.of("TOKENSMITH_LOGIN_FAILURES_PER_ACCOUNT_PER_MINUTE", "0")))
        .hasMessageContaining("TOKENSMITH_LOGIN_FAILURES_PER_ACCOUNT_PER_MINUTE");
  }

  @Test
  void fromWhenAdminPasswordGivenThenNeverInToString() {
    Settings s =
        Settings.from(
            Map.of(
                "TOKENSMITH_ADMIN_PASSWORD",
                "very-secret-password",
                "TOKENSMITH_DB_PASSWORD",
                "db-secret-password"));
    assertThat(s.toString())
        .doesNotContain("very-secret-password")
        .doesNotContain("db-secret-password");
  }

  @Test
  void fromWhenConfigFileThenReadAndEnvironmentWins(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tokensmith.properties");
    Files.writeString(file, "TOKENSMITH_PORT=9090\nTOKENSMITH_SECRET_PREFIX=abcd\n");
    Settings s =
        Settings.from(Map.of("TOKENSMITH_CONFIG_FILE", file.toString(), "TOKENSMITH_PORT", "9191"));
    assertThat(s.port()).isEqualTo(9191);
    assertThat(s.secretPrefix()).isEqualTo("abcd");
  }
}
