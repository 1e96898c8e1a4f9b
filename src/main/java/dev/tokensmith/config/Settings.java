package dev.tokensmith.config;

import dev.tokensmith.net.IpRange;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Every setting of a running server, read once from environment variables (and an optional
 * properties file named by {@code TOKENSMITH_CONFIG_FILE}; the environment wins), validated at
 * start and never changed after. The README's configuration table lists the same names.
 *
 * @param masterKeys versioned AES-256 master keys inline ({@code v1:<base64>,v2:…}); empty = the
 *     file
 * @param pepper the HMAC pepper inline (base64); empty = the file
 * @param nodeSecretPrefix the 4-character prefix of new node tokens and node instance secrets
 * @param publicUrl the address users reach the server at, when it is set (an absolute http(s) URL)
 * @param dbPoolSize the most connections to the database this instance holds in its pool
 * @param requestTimeoutSeconds how long a client may take to send a whole request (head and body)
 * @param drainSeconds on a stop, how long the server keeps taking requests after {@code /readyz}
 *     turned 503
 * @param shutdownSeconds on a stop, how long requests in flight may take to be answered
 * @param smtp the mail server notices are sent through; empty = e-mail is off
 * @param outboxPollSeconds how often each instance looks for notices due to be sent
 * @param managementPort the port of {@code /metrics} and the health checks when they are served
 *     apart from the API (0 = any free port); empty = on the API's port
 * @param logFormat how log lines are written: {@code text} or {@code json} (one object per line)
 * @param accessLog true when every answered request is logged (method, route, status, duration)
 * @param webhookAllowPrivate true when webhooks may be posted to loopback, private, link-local and
 *     other internal addresses (receivers on the operator's own network; tests)
 */
public record Settings(
    int port,
    Path dataDir,
    String dbUrl,
    String dbUser,
    String dbPassword,
    String adminEmail,
    Optional<String> adminPassword,
    String secretPrefix,
    String nodeSecretPrefix,
    int authFailuresPerMinute,
    int loginFailuresPerAccountPerMinute,
    Path masterKeyFile,
    Path pepperFile,
    Optional<String> masterKeys,
    Optional<String> pepper,
    int passwordMemoryKib,
    int passwordPasses,
    int passwordParallelism,
    int sessionHours,
    int maxTokensPerClient,
    int jobIntervalSeconds,
    int eventLoops,
    String host,
    Optional<URI> publicUrl,
    List<String> trustedProxies,
    int cacheSeconds,
    int cacheSize,
    Optional<Path> forwardRoutesFile,
    Optional<Path> catalogueFile,
    int dbTimeoutMillis,
    int dbPoolSize,
    int requestTimeoutSeconds,
    int drainSeconds,
    int shutdownSeconds,
    Optional<Smtp> smtp,
    int outboxPollSeconds,
    Optional<Integer> managementPort,
    LogFormat logFormat,
    boolean accessLog,
    boolean webhookAllowPrivate) {

  /** How log lines are written. */
  public enum LogFormat {
    TEXT,
    JSON
  }

  /**
   * Settings as read, with a warning for every name that is no setting (a typo, an old name).
   *
   * @param warnings one line each, naming the unknown setting and the closest known one if any
   */
  public record Loaded(Settings settings, List<String> warnings) {}

  /**
   * The mail server notices go through ({@code TOKENSMITH_SMTP_*}).
   *
   * @param user the login, when the server wants one (with {@code password})
   * @param from the sender address (may carry a display name: {@code Tokens <noreply@x.com>})
   * @param trusted the certificates the server's is checked against ({@code
   *     TOKENSMITH_SMTP_CA_FILE}: a private CA, or the server's own); empty = the JVM's CAs
   */
  public record Smtp(
      String host,
      int port,
      Optional<String> user,
      Optional<String> password,
      String from,
      Tls tls,
      List<java.security.cert.X509Certificate> trusted) {

    /** How the connection to the mail server is protected. */
    public enum Tls {
      /** Plain SMTP (a relay on the same host or network). */
      NONE,
      /** Plain connection upgraded with STARTTLS, which the server must offer. */
      STARTTLS,
      /** TLS from the first byte (SMTPS, usually port 465). */
      TLS
    }

    @Override
    public String toString() {
      // Never the password.
      return "Smtp[" + host + ":" + port + ", tls=" + tls + ", from=" + from + "]";
    }
  }

  /** A setting that cannot be used; the message names it and says why, fit to be shown alone. */
  public static final class Invalid extends IllegalArgumentException {
    public Invalid(String message) {
      super(message);
    }
  }

  /** Reads the process environment. */
  public static Settings fromEnvironment() {
    return from(System.getenv());
  }

  /** Reads the given variables (tests pass their own map); fails naming the first bad setting. */
  public static Settings from(Map<String, String> environment) {
    return load(environment).settings();
  }

  /**
   * Reads the given variables like {@link #from}, and says which {@code TOKENSMITH_*} variables and
   * which keys of the configuration file are no setting.
   */
  public static Loaded load(Map<String, String> environment) {
    Map<String, String> values = new HashMap<>();
    String file = environment.get(CONFIG_FILE);
    Map<String, String> fileValues = Map.of();
    if (file != null && !file.isBlank()) {
      fileValues = readFile(Path.of(file));
      values.putAll(fileValues);
    }
    Map<String, String> fromEnvironment = new HashMap<>();
    environment.forEach(
        (key, value) -> {
          if (key.startsWith("TOKENSMITH_")) {
            values.put(key, value);
            fromEnvironment.put(key, value);
          }
        });
    Reader_ reader = new Reader_(values);
    Settings settings = reader.settings();
    Set<String> known = new TreeSet<>(reader.read);
    known.add(CONFIG_FILE);
    List<String> warnings = new ArrayList<>();
    for (String name : new TreeSet<>(fromEnvironment.keySet())) {
      if (!known.contains(name)) {
        warnings.add(UnknownSetting.warning(name, "", known));
      }
    }
    for (String name : new TreeSet<>(fileValues.keySet())) {
      if (!known.contains(name) && !fromEnvironment.containsKey(name)) {
        warnings.add(UnknownSetting.warning(name, " in " + file, known));
      }
    }
    settings
        .smtp()
        .filter(smtp -> smtp.tls() == Smtp.Tls.NONE && smtp.password().isPresent())
        .ifPresent(
            smtp ->
                warnings.add(
                    "TOKENSMITH_SMTP_PASSWORD travels in clear to "
                        + smtp.host()
                        + ": TOKENSMITH_SMTP_TLS is none. Use starttls or tls unless the mail"
                        + " server is on this host or a network you trust"));
    return new Loaded(settings, List.copyOf(warnings));
  }

  private static final String CONFIG_FILE = "TOKENSMITH_CONFIG_FILE";

  private static Map<String, String> readFile(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new Invalid("TOKENSMITH_CONFIG_FILE cannot be read: " + file + ": " + e.getMessage());
    }
    Map<String, String> map = new HashMap<>();
    properties.forEach((k, v) -> map.put(String.valueOf(k).trim(), String.valueOf(v).trim()));
    return map;
  }

  /**
   * True when users reach the server over TLS ({@code TOKENSMITH_PUBLIC_URL} is {@code https://…}).
   */
  public boolean behindTls() {
    return publicUrl.map(url -> "https".equalsIgnoreCase(url.getScheme())).orElse(false);
  }

  /** True when the database is PostgreSQL rather than the embedded H2. */
  public boolean postgresql() {
    return dbUrl.startsWith("jdbc:postgresql:");
  }

  @Override
  public String toString() {
    // Never print the admin password, master keys, pepper or database password.
    return "Settings[port="
        + port
        + ", dataDir="
        + dataDir
        + ", db="
        + (postgresql() ? "postgresql" : "h2")
        + ", prefix="
        + secretPrefix
        + ", eventLoops="
        + eventLoops
        + ", email="
        + (smtp.isPresent() ? "on" : "off")
        + "]";
  }

  private static final class Reader_ {
    private final Map<String, String> values;
    // Every name asked for: the known settings, whatever the reading path took.
    private final Set<String> read = new HashSet<>();

    Reader_(Map<String, String> values) {
      this.values = values;
    }

    Settings settings() {
      Path dataDir = Path.of(text("TOKENSMITH_DATA_DIR", "./data"));
      // WRITE_DELAY=0: every commit is written to the file before it returns (H2 otherwise writes
      // commits up to 500 ms later, and a killed process loses them). DB_CLOSE_ON_EXIT=FALSE: the
      // server closes the database when it stops, after its last write, not H2's shutdown hook.
      String defaultUrl =
          "jdbc:h2:file:"
              + dataDir.toAbsolutePath().normalize().resolve("tokensmith")
              + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
      String dbUrl = text("TOKENSMITH_DB_URL", defaultUrl);
      if (!dbUrl.startsWith("jdbc:postgresql:") && !dbUrl.startsWith("jdbc:h2:")) {
        throw bad("TOKENSMITH_DB_URL", "must start with jdbc:postgresql: or jdbc:h2:");
      }
      String prefix = text("TOKENSMITH_SECRET_PREFIX", "tks1");
      if (!prefix.matches("[A-Za-z0-9]{4}")) {
        throw bad("TOKENSMITH_SECRET_PREFIX", "must be exactly 4 characters of A-Z, a-z, 0-9");
      }
      String nodePrefix = text("TOKENSMITH_NODE_SECRET_PREFIX", "tkn1");
      if (!nodePrefix.matches("[A-Za-z0-9]{4}")) {
        throw bad("TOKENSMITH_NODE_SECRET_PREFIX", "must be exactly 4 characters of A-Z, a-z, 0-9");
      }
      String email = text("TOKENSMITH_ADMIN_EMAIL", "admin@localhost");
      if (!email.contains("@") || email.length() > 320) {
        throw bad("TOKENSMITH_ADMIN_EMAIL", "must be an e-mail address");
      }
      // The password rules (length, common passwords) are checked at start, where they are loaded.
      Optional<String> password = optional("TOKENSMITH_ADMIN_PASSWORD");
      // Argon2id: about 19 MiB and two passes per password check by default (OWASP's minimum).
      int passwordParallelism = integer("TOKENSMITH_PASSWORD_PARALLELISM", 1, 1, 64);
      int passwordPasses = integer("TOKENSMITH_PASSWORD_PASSES", 2, 1, 100);
      int passwordMemoryKib = integer("TOKENSMITH_PASSWORD_MEMORY_KIB", 19_456, 8, 1 << 20);
      if (passwordMemoryKib < 8 * passwordParallelism) {
        throw bad(
            "TOKENSMITH_PASSWORD_MEMORY_KIB",
            "must be at least 8 KiB per lane of TOKENSMITH_PASSWORD_PARALLELISM");
      }
      Optional<URI> publicUrl = publicUrl();
      return new Settings(
          integer("TOKENSMITH_PORT", 8080, 0, 65535),
          dataDir,
          dbUrl,
          text("TOKENSMITH_DB_USER", ""),
          text("TOKENSMITH_DB_PASSWORD", ""),
          email,
          password,
          prefix,
          nodePrefix,
          integer("TOKENSMITH_AUTH_FAILURES_PER_MINUTE", 30, 1, 1_000_000),
          integer("TOKENSMITH_LOGIN_FAILURES_PER_ACCOUNT_PER_MINUTE", 10, 1, 1_000_000),
          Path.of(text("TOKENSMITH_MASTER_KEY_FILE", dataDir.resolve("master.key").toString())),
          Path.of(text("TOKENSMITH_PEPPER_FILE", dataDir.resolve("pepper.key").toString())),
          optional("TOKENSMITH_MASTER_KEYS"),
          optional("TOKENSMITH_PEPPER"),
          passwordMemoryKib,
          passwordPasses,
          passwordParallelism,
          integer("TOKENSMITH_SESSION_HOURS", 8, 1, 24 * 30),
          integer("TOKENSMITH_MAX_TOKENS_PER_CLIENT", 0, 0, Integer.MAX_VALUE),
          integer("TOKENSMITH_JOB_INTERVAL_SECONDS", 30, 1, 3600),
          integer("TOKENSMITH_EVENT_LOOPS", Runtime.getRuntime().availableProcessors(), 1, 256),
          text("TOKENSMITH_HOST", "0.0.0.0"),
          publicUrl,
          proxies(),
          integer("TOKENSMITH_CACHE_SECONDS", 15, 1, 3600),
          integer("TOKENSMITH_CACHE_SIZE", 2_000_000, 1000, 100_000_000),
          optional("TOKENSMITH_FORWARD_ROUTES_FILE").map(Path::of),
          optional("TOKENSMITH_CATALOGUE_FILE").map(Path::of),
          integer("TOKENSMITH_DB_TIMEOUT_MS", 5000, 250, 60_000),
          integer("TOKENSMITH_DB_POOL_SIZE", 16, 2, 500),
          integer("TOKENSMITH_REQUEST_TIMEOUT_SECONDS", 30, 1, 3600),
          integer("TOKENSMITH_SHUTDOWN_DRAIN_SECONDS", 5, 0, 3600),
          integer("TOKENSMITH_SHUTDOWN_SECONDS", 20, 0, 3600),
          smtp(publicUrl),
          integer("TOKENSMITH_OUTBOX_POLL_SECONDS", 2, 1, 3600),
          optional("TOKENSMITH_MANAGEMENT_PORT").map(parse("TOKENSMITH_MANAGEMENT_PORT", 0, 65535)),
          logFormat(),
          bool("TOKENSMITH_ACCESS_LOG", false),
          bool("TOKENSMITH_WEBHOOK_ALLOW_PRIVATE", false));
    }

    private LogFormat logFormat() {
      return switch (text("TOKENSMITH_LOG_FORMAT", "text").toLowerCase(java.util.Locale.ROOT)) {
        case "text" -> LogFormat.TEXT;
        case "json" -> LogFormat.JSON;
        default -> throw bad("TOKENSMITH_LOG_FORMAT", "must be text or json");
      };
    }

    private boolean bool(String name, boolean fallback) {
      return optional(name)
          .map(
              raw ->
                  switch (raw.toLowerCase(java.util.Locale.ROOT)) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw bad(name, "must be true or false");
                  })
          .orElse(fallback);
    }

    // E-mail is on when a host is named; every other TOKENSMITH_SMTP_* setting needs it.
    private Optional<Smtp> smtp(Optional<URI> publicUrl) {
      Optional<String> host = optional("TOKENSMITH_SMTP_HOST");
      if (host.isEmpty()) {
        for (String name :
            List.of(
                "TOKENSMITH_SMTP_PORT",
                "TOKENSMITH_SMTP_USER",
                "TOKENSMITH_SMTP_PASSWORD",
                "TOKENSMITH_SMTP_FROM",
                "TOKENSMITH_SMTP_TLS",
                "TOKENSMITH_SMTP_CA_FILE")) {
          if (optional(name).isPresent()) {
            throw bad(name, "is set but TOKENSMITH_SMTP_HOST is not (e-mail is off without it)");
          }
        }
        return Optional.empty();
      }
      if (!host.get().matches("[A-Za-z0-9._:\\[\\]-]{1,253}")) {
        throw bad("TOKENSMITH_SMTP_HOST", "must be a host name or an address");
      }
      Smtp.Tls tls =
          switch (text("TOKENSMITH_SMTP_TLS", "starttls").toLowerCase(java.util.Locale.ROOT)) {
            case "starttls" -> Smtp.Tls.STARTTLS;
            case "tls" -> Smtp.Tls.TLS;
            case "none" -> Smtp.Tls.NONE;
            default -> throw bad("TOKENSMITH_SMTP_TLS", "must be starttls, tls or none");
          };
      int defaultPort =
          switch (tls) {
            case TLS -> 465;
            case STARTTLS -> 587;
            case NONE -> 25;
          };
      int port = integer("TOKENSMITH_SMTP_PORT", defaultPort, 1, 65535);
      Optional<String> user = optional("TOKENSMITH_SMTP_USER");
      Optional<String> password = optional("TOKENSMITH_SMTP_PASSWORD");
      if (password.isPresent() && user.isEmpty()) {
        throw bad("TOKENSMITH_SMTP_PASSWORD", "is set but TOKENSMITH_SMTP_USER is not");
      }
      String from =
          optional("TOKENSMITH_SMTP_FROM")
              .orElseThrow(
                  () ->
                      bad(
                          "TOKENSMITH_SMTP_FROM",
                          "must be set when TOKENSMITH_SMTP_HOST is (the sender of notices)"));
      if (!MailAddress.valid(from)) {
        throw bad(
            "TOKENSMITH_SMTP_FROM",
            "must be an e-mail address, optionally with a name: Tokensmith <tokens@example.com>");
      }
      if (publicUrl.isEmpty()) {
        throw bad(
            "TOKENSMITH_SMTP_HOST",
            "needs TOKENSMITH_PUBLIC_URL: the links in e-mails are built from it");
      }
      Optional<Path> caFile = optional("TOKENSMITH_SMTP_CA_FILE").map(Path::of);
      if (caFile.isPresent() && tls == Smtp.Tls.NONE) {
        throw bad("TOKENSMITH_SMTP_CA_FILE", "has no use with TOKENSMITH_SMTP_TLS=none");
      }
      List<java.security.cert.X509Certificate> trusted =
          caFile.map(f -> PemCertificates.load("TOKENSMITH_SMTP_CA_FILE", f)).orElse(List.of());
      return Optional.of(new Smtp(host.get(), port, user, password, from, tls, trusted));
    }

    private Optional<URI> publicUrl() {
      Optional<String> raw = optional("TOKENSMITH_PUBLIC_URL");
      if (raw.isEmpty()) {
        return Optional.empty();
      }
      URI url;
      try {
        url = new URI(raw.get());
      } catch (URISyntaxException e) {
        url = null;
      }
      boolean web =
          url != null
              && url.getScheme() != null
              && (url.getScheme().equalsIgnoreCase("https")
                  || url.getScheme().equalsIgnoreCase("http"));
      if (!web
          || url.getHost() == null
          || url.getRawUserInfo() != null
          || url.getRawQuery() != null
          || url.getRawFragment() != null) {
        throw bad(
            "TOKENSMITH_PUBLIC_URL",
            "must be an absolute http:// or https:// URL such as https://tokens.example.com");
      }
      return Optional.of(url);
    }

    private List<String> proxies() {
      List<String> ranges = new ArrayList<>();
      for (String part : text("TOKENSMITH_TRUSTED_PROXIES", "").split(",")) {
        if (!part.isBlank()) {
          ranges.add(
              IpRange.parse(part.trim())
                  .map(IpRange::toString)
                  .orElseThrow(
                      () ->
                          bad(
                              "TOKENSMITH_TRUSTED_PROXIES",
                              "must be a comma-separated list of CIDRs")));
        }
      }
      return List.copyOf(ranges);
    }

    private String text(String name, String fallback) {
      read.add(name);
      String value = values.get(name);
      return value == null || value.isBlank() ? fallback : value.trim();
    }

    private Optional<String> optional(String name) {
      read.add(name);
      String value = values.get(name);
      return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private int integer(String name, int fallback, int min, int max) {
      return optional(name).map(parse(name, min, max)).orElse(fallback);
    }

    private static Function<String, Integer> parse(String name, int min, int max) {
      return raw -> {
        int value;
        try {
          value = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
          throw bad(name, "must be a whole number");
        }
        if (value < min || value > max) {
          throw bad(name, "must be between " + min + " and " + max);
        }
        return value;
      };
    }

    private static Invalid bad(String name, String why) {
      return new Invalid(name + " " + why);
    }
  }
}
