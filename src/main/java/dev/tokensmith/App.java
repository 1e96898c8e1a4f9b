package dev.tokensmith;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensmith.access.Access;
import dev.tokensmith.access.Grants;
import dev.tokensmith.activity.ActivityApi;
import dev.tokensmith.activity.ActivityService;
import dev.tokensmith.audit.ActivityLog;
import dev.tokensmith.audit.JdbcActivityStore;
import dev.tokensmith.audit.Origin;
import dev.tokensmith.auth.AccountLoginLimiter;
import dev.tokensmith.auth.Authenticator;
import dev.tokensmith.auth.FailedAuthLimiter;
import dev.tokensmith.auth.IdentityService;
import dev.tokensmith.auth.RouteTable;
import dev.tokensmith.auth.SessionApi;
import dev.tokensmith.auth.VerificationMetrics;
import dev.tokensmith.auth.VerifierApi;
import dev.tokensmith.auth.VerifierService;
import dev.tokensmith.backup.AdminChannel;
import dev.tokensmith.backup.BackupApi;
import dev.tokensmith.backup.Backups;
import dev.tokensmith.catalogue.CatalogueApi;
import dev.tokensmith.catalogue.CatalogueStart;
import dev.tokensmith.clients.Client;
import dev.tokensmith.clients.ClientApi;
import dev.tokensmith.clients.ClientService;
import dev.tokensmith.clients.JdbcClientStore;
import dev.tokensmith.clients.TenantService;
import dev.tokensmith.config.Settings;
import dev.tokensmith.console.ConsoleApi;
import dev.tokensmith.jobs.Scheduler;
import dev.tokensmith.keys.ActiveKeys;
import dev.tokensmith.keys.KeyCheck;
import dev.tokensmith.keys.KeyHolders;
import dev.tokensmith.keys.KeyRotation;
import dev.tokensmith.keys.Keyring;
import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.nodes.InstanceActivity;
import dev.tokensmith.nodes.InstanceVerifier;
import dev.tokensmith.nodes.JdbcNodeStore;
import dev.tokensmith.nodes.NodeApi;
import dev.tokensmith.nodes.NodeRegistration;
import dev.tokensmith.nodes.NodeService;
import dev.tokensmith.nodes.NodeWriter;
import dev.tokensmith.notify.JdbcNoticeStore;
import dev.tokensmith.notify.Mailer;
import dev.tokensmith.notify.NoticeMetrics;
import dev.tokensmith.notify.NotificationApi;
import dev.tokensmith.notify.Outbox;
import dev.tokensmith.notify.OutboxWorker;
import dev.tokensmith.notify.Sender;
import dev.tokensmith.notify.SmtpSender;
import dev.tokensmith.ops.OpsApi;
import dev.tokensmith.ops.Version;
import dev.tokensmith.permissions.Catalogue;
import dev.tokensmith.permissions.Grant;
import dev.tokensmith.permissions.PermissionSet;
import dev.tokensmith.permissions.Role;
import dev.tokensmith.sso.JdbcSsoStore;
import dev.tokensmith.sso.OidcProvider;
import dev.tokensmith.sso.SsoApi;
import dev.tokensmith.sso.SsoInForce;
import dev.tokensmith.sso.SsoLogin;
import dev.tokensmith.sso.SsoService;
import dev.tokensmith.storage.ChangeFeed;
import dev.tokensmith.storage.Database;
import dev.tokensmith.storage.EmbeddedBackup;
import dev.tokensmith.storage.ListSeeder;
import dev.tokensmith.tokens.ExpiryNotices;
import dev.tokensmith.tokens.JdbcLegacyStore;
import dev.tokensmith.tokens.JdbcTokenStore;
import dev.tokensmith.tokens.LeakApi;
import dev.tokensmith.tokens.LeakReports;
import dev.tokensmith.tokens.LegacyApi;
import dev.tokensmith.tokens.LegacyCredentials;
import dev.tokensmith.tokens.TokenApi;
import dev.tokensmith.tokens.TokenLifecycle;
import dev.tokensmith.tokens.TokenSeeder;
import dev.tokensmith.tokens.TokenService;
import dev.tokensmith.tokens.TokenVerifier;
import dev.tokensmith.tokens.TokenWriter;
import dev.tokensmith.tokens.UsageRecorder;
import dev.tokensmith.users.JdbcPasswordLinkStore;
import dev.tokensmith.users.JdbcSessionStore;
import dev.tokensmith.users.JdbcUserStore;
import dev.tokensmith.users.PasswordHasher;
import dev.tokensmith.users.PasswordLinks;
import dev.tokensmith.users.PasswordPolicy;
import dev.tokensmith.users.PasswordService;
import dev.tokensmith.users.SessionService;
import dev.tokensmith.users.User;
import dev.tokensmith.users.UserApi;
import dev.tokensmith.users.UserDirectory;
import dev.tokensmith.users.UserService;
import dev.tokensmith.web.HttpMetrics;
import dev.tokensmith.web.Json;
import dev.tokensmith.web.TimedTransport;
import dev.tokensmith.web.WebServer;
import dev.tokensmith.webhooks.JdbcWebhookStore;
import dev.tokensmith.webhooks.WebhookApi;
import dev.tokensmith.webhooks.WebhookPublisher;
import dev.tokensmith.webhooks.WebhookSender;
import dev.tokensmith.webhooks.WebhookService;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that builds Tokensmith: stores, services, routes, the server and the scheduler, by
 * constructor injection. Nothing else constructs a service.
 */
public final class App implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(App.class);

  /** The longest each step of a stop waits. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  private final Settings settings;
  private final Version version = Version.ofBuild();
  private final StartBanner.Keys keys;
  private final ActiveKeys activeKeys;
  private final KeyHolders keyHolders;
  private final KeyRotation keyRotation;
  private final Catalogue catalogue;
  private final CatalogueStart catalogueStart;
  private final Clock clock;
  private final Database db;
  private final Vertx vertx;
  private final WebServer server;
  private final Optional<WebServer> management;
  private OptionalInt managementPort = OptionalInt.empty();
  // The local admin channel (loopback only) of a server on the embedded database: how the backup
  // command reaches the database file this process holds.
  private final Optional<WebServer> channelServer;
  private final String channelKey;
  private Optional<AdminChannel> channel = Optional.empty();
  private final Scheduler scheduler;
  private final ClientService clients;
  private final UserService users;
  private final PasswordService passwords;
  private final LegacyCredentials legacy;
  private final UserDirectory directory;
  private final UsageRecorder usage;
  private final InstanceActivity nodeActivity;
  private final ChangeFeed changes;
  private final TokenVerifier verifier;
  private final InstanceVerifier instances;
  private final TokenSeeder seeder;
  private final Outbox outbox;
  private final OutboxWorker notices;
  private final ScheduledExecutorService local =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "tokensmith-usage");
            thread.setDaemon(true);
            return thread;
          });
  private final AtomicBoolean closed = new AtomicBoolean();
  private int port;
  private volatile boolean started;

  /** Builds everything (and migrates the database) without starting to listen. */
  public App(Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.catalogue = catalogue(settings);
    PasswordPolicy policy = PasswordPolicy.standard();
    settings
        .adminPassword()
        .flatMap(password -> policy.check(password, settings.adminEmail()))
        .ifPresent(
            problem -> {
              throw new Settings.Invalid("TOKENSMITH_ADMIN_PASSWORD " + problem.reason());
            });
    SecureRandom random = new SecureRandom();
    ObjectMapper json = Json.mapper();
    this.db =
        new Database(
            settings.dbUrl(),
            settings.dbUser(),
            settings.dbPassword(),
            settings.dbPoolSize(),
            settings.dbTimeoutMillis());
    // Vert.x (and Netty) start on another core while this one migrates and reads the keys.
    CompletableFuture<Vertx> vertxStarting = CompletableFuture.supplyAsync(() -> vertx(settings));
    try {
      db.migrate();
      KeysFound found = keyring(settings, db, random);
      this.keys = found.banner();
      // One set of keys in force for every secret of this instance: a rotation reaches them all.
      this.activeKeys = new ActiveKeys(found.keyring());
      this.keyHolders =
          new KeyHolders(
              db, activeKeys, found.files(), new KeyCheck(db), found.sources(), Clock.systemUTC());
      TokenSecrets secrets = new TokenSecrets(activeKeys, random, settings.secretPrefix());
      this.keyRotation = new KeyRotation(db, secrets, json, KeyRotation.BATCH);
      // From here on, an event loop that reaches for the database is stopped, never blocked.
      db.refuseBlockingWhen(Context::isOnEventLoopThread);

      this.changes = new ChangeFeed(db);
      Duration cacheLifetime = Duration.ofSeconds(settings.cacheSeconds());
      ActivityLog activity = new ActivityLog(new JdbcActivityStore(db, json), clock);
      this.clients =
          new ClientService(
              db, new JdbcClientStore(db), activity, clock, random, changes, cacheLifetime);
      Access access = new Access(clients, catalogue);
      JdbcUserStore userStore = new JdbcUserStore(db, catalogue);
      this.directory = new UserDirectory(userStore);
      PasswordHasher hasher =
          new PasswordHasher(
              new PasswordHasher.Cost(
                  settings.passwordMemoryKib(),
                  settings.passwordPasses(),
                  settings.passwordParallelism()),
              random);
      Duration sessionLifetime = Duration.ofHours(settings.sessionHours());
      SessionService sessions =
          new SessionService(
              db,
              userStore,
              new JdbcSessionStore(db),
              hasher,
              secrets,
              activity,
              clock,
              sessionLifetime);

      // The outbox: notices are written with the changes that cause them and sent by a worker on
      // every instance. Webhook deliveries are queued by the features whose events they tell of.
      JdbcNoticeStore noticeStore = new JdbcNoticeStore(db);
      this.outbox = new Outbox(noticeStore, clock);
      JdbcWebhookStore webhookStore = new JdbcWebhookStore(db);
      WebhookPublisher webhookEvents = new WebhookPublisher(webhookStore, outbox, json, clock);

      JdbcTokenStore tokenStore = new JdbcTokenStore(db, catalogue);
      JdbcLegacyStore legacyStore = new JdbcLegacyStore(db);
      this.verifier =
          new TokenVerifier(
              tokenStore,
              legacyStore,
              directory,
              clients,
              secrets,
              clock,
              cacheLifetime,
              settings.cacheSize());
      changes.subscribe(clients::onChange);
      changes.subscribe(verifier::onChange);
      TokenWriter writer =
          new TokenWriter(
              tokenStore,
              directory,
              clients,
              access,
              secrets,
              activity,
              clock,
              changes,
              legacyStore,
              webhookEvents);
      TokenLifecycle lifecycle =
          new TokenLifecycle(db, tokenStore, writer, directory, clients, access, clock);
      TokenService tokens =
          new TokenService(
              db,
              tokenStore,
              access,
              clients,
              writer,
              directory,
              clock,
              settings.maxTokensPerClient());
      this.seeder = new TokenSeeder(db, tokenStore, secrets, clock);
      this.legacy =
          new LegacyCredentials(
              db, legacyStore, writer, tokens, directory, clients, access, secrets);
      // Node tokens and instance secrets: the same format and storage, with a prefix of their own.
      TokenSecrets nodeSecrets = new TokenSecrets(activeKeys, random, settings.nodeSecretPrefix());
      JdbcNodeStore nodeStore = new JdbcNodeStore(db);
      this.nodeActivity = new InstanceActivity(nodeStore, clock);
      NodeWriter nodeWriter =
          new NodeWriter(nodeStore, nodeSecrets, activity, clock, changes, webhookEvents);
      this.instances =
          new InstanceVerifier(
              nodeStore,
              clients,
              tokens,
              nodeSecrets,
              nodeActivity,
              clock,
              cacheLifetime,
              settings.cacheSize());
      changes.subscribe(instances::onChange);
      Mailer mailer =
          new Mailer(outbox, secrets, json, access, settings.smtp().map(Settings.Smtp::from));
      List<Sender> senders = new ArrayList<>();
      settings
          .smtp()
          .map(
              smtp ->
                  new SmtpSender(smtp, settings.publicUrl().orElseThrow(), secrets, json, clock))
          .ifPresent(senders::add);
      senders.add(WebhookSender.of(webhookStore, secrets, settings.webhookAllowPrivate(), clock));
      PasswordLinks links =
          new PasswordLinks(
              new JdbcPasswordLinkStore(db),
              secrets,
              activity,
              mailer,
              clock,
              settings.publicUrl());
      JdbcSsoStore ssoStore = new JdbcSsoStore(db);
      this.users =
          new UserService(
              db,
              userStore,
              access,
              clients,
              lifecycle,
              sessions,
              hasher,
              policy,
              links,
              activity,
              clock,
              changes,
              webhookEvents,
              new SsoInForce(ssoStore));
      OidcProvider oidc = new OidcProvider(Duration.ofSeconds(10), Duration.ofMinutes(5), clock);
      SsoService ssoSettings =
          new SsoService(db, ssoStore, access, users, secrets, oidc, activity, clock);
      SsoLogin ssoLogin =
          new SsoLogin(
              ssoStore, oidc, clients, directory, users, sessions, catalogue, secrets, activity,
              clock);
      this.passwords =
          new PasswordService(db, userStore, sessions, links, hasher, policy, activity);
      this.catalogueStart = new CatalogueStart(db, catalogue, users, lifecycle);
      LeakReports leakReports =
          new LeakReports(
              db, tokenStore, writer, secrets, directory, clients, mailer, webhookEvents, clock);
      ExpiryNotices expiryNotices =
          new ExpiryNotices(
              db, tokenStore, directory, clients, mailer, webhookEvents, activity, clock);

      this.usage = new UsageRecorder(tokenStore, clock);
      PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new JvmMemoryMetrics().bindTo(metrics);
      new JvmThreadMetrics().bindTo(metrics);
      new ProcessorMetrics().bindTo(metrics);
      Gauge.builder("tokensmith.build.info", () -> 1)
          .description("The running build: always 1, its version in the label")
          .tag("version", version.number())
          .register(metrics);
      String tokenLookups =
          "Token verifications by where the answer came from: the token cache (hit), the cache of"
              + " unknown values (unknown_hit) or the database (load)";
      FunctionCounter.builder("tokensmith.token.cache", verifier, v -> v.cacheStats().hits())
          .description(tokenLookups)
          .tag("result", "hit")
          .register(metrics);
      FunctionCounter.builder("tokensmith.token.cache", verifier, v -> v.cacheStats().unknownHits())
          .description(tokenLookups)
          .tag("result", "unknown_hit")
          .register(metrics);
      FunctionCounter.builder("tokensmith.token.cache", verifier, v -> v.cacheStats().loads())
          .description(tokenLookups)
          .tag("result", "load")
          .register(metrics);
      Gauge.builder("tokensmith.token.cache.size", verifier, TokenVerifier::cachedTokens)
          .description("Verified tokens held in memory")
          .register(metrics);
      Gauge.builder(
              "tokensmith.node.instance.cache.size", instances, InstanceVerifier::cachedInstances)
          .description("Node instances held in memory")
          .register(metrics);
      String instanceLookups =
          "Node instance syncs by where the answer came from: memory (hit) or the database (load)";
      FunctionCounter.builder(
              "tokensmith.node.instance.cache", instances, v -> v.cacheStats().hits())
          .description(instanceLookups)
          .tag("result", "hit")
          .register(metrics);
      FunctionCounter.builder(
              "tokensmith.node.instance.cache", instances, v -> v.cacheStats().loads())
          .description(instanceLookups)
          .tag("result", "load")
          .register(metrics);
      this.notices =
          new OutboxWorker(
              db, noticeStore, senders, new NoticeMetrics(metrics, clock), clock, random);
      // Caffeine's own figures of every cache: cache_size, cache_gets_total{result=hit|miss}, …
      verifier
          .caches()
          .forEach((name, cache) -> CaffeineCacheMetrics.monitor(metrics, cache, name));
      instances
          .caches()
          .forEach((name, cache) -> CaffeineCacheMetrics.monitor(metrics, cache, name));
      CaffeineCacheMetrics.monitor(metrics, clients.cache(), "clients");
      db.bindMetrics(metrics);
      Authenticator authenticator =
          new Authenticator(
              verifier,
              sessions,
              directory,
              clients,
              new FailedAuthLimiter(settings.authFailuresPerMinute(), clock),
              new AccountLoginLimiter(settings.loginFailuresPerAccountPerMinute(), clock, random),
              usage,
              new VerificationMetrics(metrics));
      Duration requestTimeout = Duration.ofSeconds(settings.requestTimeoutSeconds());
      this.vertx = started(vertxStarting);
      RouteTable forwardRoutes =
          settings
              .forwardRoutesFile()
              .map(file -> forwardRoutes(file, catalogue))
              .orElseGet(
                  () -> RouteTable.parse(RouteTable.DEFAULT, "the default route table", catalogue));
      Grants grants = new Grants(catalogue);
      HttpMetrics httpMetrics = new HttpMetrics(metrics);
      this.server =
          new WebServer(
              vertx,
              authenticator,
              json,
              List.of(
                  // The hot endpoints first: the router tries routes in this order.
                  new VerifierApi(new VerifierService(access, forwardRoutes)),
                  new OpsApi(
                      db, metrics, closed::get, version, settings.managementPort().isEmpty()),
                  new SessionApi(
                      new IdentityService(
                          authenticator, sessions, directory, tokens, clients, access, passwords),
                      sessionLifetime,
                      settings.behindTls()),
                  new UserApi(users, grants),
                  new TokenApi(tokens, grants),
                  // Reports count per address like failed authentications, in counters of their
                  // own:
                  // a scanner's reports never lock a shared address out of logging in.
                  new LeakApi(
                      leakReports,
                      new FailedAuthLimiter(settings.authFailuresPerMinute(), clock)
                          ::recordFailure),
                  new LegacyApi(legacy),
                  // SSO starts count per address too, in counters of their own.
                  new SsoApi(
                      ssoSettings,
                      ssoLogin,
                      settings.publicUrl(),
                      sessionLifetime,
                      settings.behindTls(),
                      new FailedAuthLimiter(settings.authFailuresPerMinute(), clock)
                          ::recordFailure),
                  new NodeApi(
                      new NodeService(db, nodeStore, nodeWriter, access, clients, clock),
                      new NodeRegistration(
                          db, nodeStore, nodeWriter, access, clients, tokens, clock),
                      instances),
                  new ClientApi(new TenantService(clients, access)),
                  new ActivityApi(new ActivityService(activity, access), json),
                  new CatalogueApi(catalogue),
                  new NotificationApi(mailer),
                  new WebhookApi(
                      new WebhookService(
                          db,
                          webhookStore,
                          access,
                          clients,
                          secrets,
                          settings.webhookAllowPrivate(),
                          webhookEvents,
                          outbox,
                          clock)),
                  new ConsoleApi()),
              settings.host(),
              settings.trustedProxies(),
              settings.eventLoops(),
              settings.behindTls(),
              requestTimeout,
              httpMetrics,
              settings.accessLog());
      // With a management port, the metrics are served there only (and the health checks on both).
      this.management =
          settings
              .managementPort()
              .map(
                  managementPort ->
                      new WebServer(
                          vertx,
                          authenticator,
                          json,
                          List.of(new OpsApi(db, metrics, closed::get, version, true)),
                          settings.host(),
                          settings.trustedProxies(),
                          1,
                          settings.behindTls(),
                          requestTimeout,
                          httpMetrics,
                          settings.accessLog()));
      this.channelKey = AdminChannel.newKey(random);
      this.channelServer =
          EmbeddedBackup.dataFile(settings.dbUrl())
              .map(
                  file ->
                      new WebServer(
                          vertx,
                          authenticator,
                          json,
                          List.of(
                              new BackupApi(
                                  new Backups(db, settings.dataDir(), random, clock), channelKey)),
                          "127.0.0.1",
                          List.of(),
                          1,
                          false,
                          requestTimeout,
                          httpMetrics,
                          settings.accessLog()));
      this.scheduler =
          new Scheduler(
              db,
              clock,
              List.of(
                  Scheduler.Job.of("tokens.owner_cascades", lifecycle::finishOwnerCascades),
                  Scheduler.Job.of("tokens.expire", lifecycle::expireDue),
                  Scheduler.Job.of("tokens.expiry_notices", expiryNotices::warnDue),
                  Scheduler.Job.of("tokens.purge", lifecycle::purge),
                  Scheduler.Job.of("sessions.purge", sessions::purgeExpired),
                  Scheduler.Job.of("notices.purge", outbox::purge)),
              metrics);
    } catch (RuntimeException | Error e) {
      // Nothing of a half-built instance stays open: the embedding process goes on without it.
      vertxStarting.thenAccept(Vertx::close);
      db.close();
      throw e;
    }
  }

  // An operator's catalogue is checked before anything else: a bad one stops the start with its one
  // line.
  private static Catalogue catalogue(Settings settings) {
    try {
      return settings.catalogueFile().map(Catalogue::load).orElseGet(Catalogue::standard);
    } catch (Catalogue.Invalid e) {
      throw new Settings.Invalid("TOKENSMITH_CATALOGUE_FILE " + e.getMessage());
    }
  }

  // A route table that cannot be used stops the start with its one line, like any bad setting.
  private static RouteTable forwardRoutes(Path file, Catalogue catalogue) {
    try {
      return RouteTable.load(file, catalogue);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw new Settings.Invalid("TOKENSMITH_FORWARD_ROUTES_FILE " + e.getMessage());
    }
  }

  /**
   * The keys: from the settings, or from the key files, which are generated only for a new
   * database. They must match the database's check values, else the start stops with one line.
   */
  private record KeysFound(
      Keyring keyring,
      StartBanner.Keys banner,
      KeyCheck.Sources sources,
      Supplier<Optional<Keyring>> files) {}

  private static KeysFound keyring(Settings settings, Database db, SecureRandom random) {
    if (settings.masterKeys().isPresent() != settings.pepper().isPresent()) {
      throw new Settings.Invalid(
          "TOKENSMITH_MASTER_KEYS and TOKENSMITH_PEPPER must be set together");
    }
    KeyCheck check = new KeyCheck(db);
    Keyring keyring;
    KeyCheck.Sources sources;
    StartBanner.Keys banner;
    if (settings.masterKeys().isPresent()) {
      keyring = Keyring.parse(settings.masterKeys().get(), settings.pepper().get());
      sources = new KeyCheck.Sources("TOKENSMITH_MASTER_KEYS", "TOKENSMITH_PEPPER");
      banner = new StartBanner.Keys("from TOKENSMITH_MASTER_KEYS and TOKENSMITH_PEPPER", false);
    } else {
      Path keyFile = settings.masterKeyFile();
      Path pepperFile = settings.pepperFile();
      String files =
          "the master key "
              + keyFile.toAbsolutePath().normalize()
              + " and the pepper "
              + pepperFile.toAbsolutePath().normalize();
      sources =
          new KeyCheck.Sources("the master key file " + keyFile, "the pepper file " + pepperFile);
      if (Keyring.anyFileExists(keyFile, pepperFile)) {
        for (Path file : List.of(keyFile, pepperFile)) {
          if (!Files.exists(file)) {
            throw new Settings.Invalid(
                "Key file "
                    + file
                    + " is missing: restore it from the backup of this data folder (a new one would"
                    + " not open what its predecessor made)");
          }
        }
        keyring = Keyring.load(keyFile, pepperFile);
        banner = new StartBanner.Keys("from " + files, false);
      } else if (check.databaseIsNew()) {
        keyring = Keyring.create(keyFile, pepperFile, random);
        banner = new StartBanner.Keys(files, true);
      } else {
        throw new Settings.Invalid(
            "No keys: neither "
                + keyFile
                + " nor "
                + pepperFile
                + " exists, and the database already holds data made with its keys (keys are"
                + " generated only for a new database): copy the key files of a running instance"
                + " there, or set TOKENSMITH_MASTER_KEYS and TOKENSMITH_PEPPER to theirs, or restore"
                + " the key files that were backed up with this database");
      }
    }
    try {
      check.verify(keyring, sources);
    } catch (KeyCheck.Mismatch e) {
      throw new Settings.Invalid(e.getMessage());
    }
    Supplier<Optional<Keyring>> files =
        settings.masterKeys().isPresent()
            ? Optional::empty
            : () -> Optional.of(Keyring.load(settings.masterKeyFile(), settings.pepperFile()));
    return new KeysFound(keyring, banner, sources, files);
  }

  /**
   * Creates the first partner and Global Administrator on an empty database; listens; starts the
   * scheduler.
   */
  public App start() throws Exception {
    catalogueStart.apply();
    bootstrap();
    changes.start();
    port = server.start(settings.port());
    if (management.isPresent()) {
      managementPort = OptionalInt.of(management.get().start(settings.managementPort().get(), 2));
    }
    if (channelServer.isPresent()) {
      AdminChannel opened = new AdminChannel(channelServer.get().start(0, 3), channelKey);
      opened.writeTo(settings.dataDir());
      channel = Optional.of(opened);
    }
    started = true;
    // Key files are re-read and this instance's key versions renewed every few seconds (rotation).
    keyHolders.refresh();
    local.scheduleWithFixedDelay(
        keyHolders::refresh,
        KeyHolders.REFRESH.toMillis(),
        KeyHolders.REFRESH.toMillis(),
        TimeUnit.MILLISECONDS);
    scheduler.start(settings.jobIntervalSeconds());
    notices.start(settings.outboxPollSeconds());
    // Usage is collected per instance, so every instance flushes its own (not the leased
    // scheduler).
    local.scheduleWithFixedDelay(this::flushUsage, 10, 10, TimeUnit.SECONDS);
    StartBanner.lines(version, settings, keys, port, managementPort).forEach(LOG::info);
    return this;
  }

  /**
   * Seeds {@code count} tokens of the first Global Administrator (benchmarks); see {@link
   * TokenSeeder}.
   */
  public void seed(int count, Path pool, int poolSize) {
    seed(count, pool, poolSize, Optional.empty(), Optional.empty());
  }

  /**
   * The same with a role preset of the tokens (default: the administrator's own role), or with a
   * custom list of permission ids (comma-separated, each one the administrator holds).
   */
  public void seed(
      int count, Path pool, int poolSize, Optional<String> preset, Optional<String> custom) {
    seed(count, pool, poolSize, preset, custom, SeedOwners.ADMIN, TokenSeeder.Kind.ENABLED, null);
  }

  /**
   * Who owns seeded tokens: an existing user by e-mail (empty: the first Global Administrator), or,
   * when {@code count} is positive, that many new users of {@code role} in the administrator's
   * client, the tokens spread over them in turn.
   */
  public record SeedOwners(Optional<String> email, int count, String role) {
    public static final SeedOwners ADMIN = new SeedOwners(Optional.empty(), 0, "");
  }

  /**
   * The same for other owners than the first Global Administrator (their role bounds the tokens'),
   * with tokens of the given kind (expired, purgeable: the background jobs' work) due for their job
   * {@code dueIn} from now (null: already due).
   */
  public void seed(
      int count,
      Path pool,
      int poolSize,
      Optional<String> preset,
      Optional<String> custom,
      SeedOwners owners,
      TokenSeeder.Kind kind,
      java.time.Duration dueIn) {
    bootstrap();
    String email = owners.email().orElse(settings.adminEmail());
    User owner =
        directory
            .findByEmail(email)
            .orElseThrow(
                () -> new IllegalStateException("no user " + email + " to own the seeded tokens"));
    Role bound = owner.role();
    if (owners.count() > 0) {
      bound =
          Role.fromId(owners.role())
              .filter(r -> r != Role.CUSTOM)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "--owner-role must be a role other than custom: " + owners.role()));
    }
    Grant grant = seededGrant(owner, bound, preset, custom);
    List<Long> ownerIds =
        owners.count() > 0
            ? new ListSeeder(db)
                .holders(owner.clientId(), owners.count(), bound.id(), clock.millis())
            : List.of(owner.id());
    seeder.seed(owner.clientId(), ownerIds, grant, count, pool, poolSize, kind, dueIn);
  }

  // The seeded tokens' permissions: a custom list or a role preset, within what role holds.
  private Grant seededGrant(
      User owner, Role role, Optional<String> preset, Optional<String> custom) {
    PermissionSet held = role == owner.role() ? owner.grant().granted() : catalogue.bundle(role);
    if (custom.isPresent()) {
      List<String> ids = List.of(custom.get().split(","));
      if (!ids.stream().allMatch(catalogue::isKnown) || !held.containsAll(catalogue.set(ids))) {
        throw new IllegalArgumentException(
            "--permissions must name permissions of the catalogue the owners hold: "
                + custom.get());
      }
      return catalogue.custom(ids);
    }
    String named = preset.orElse(role.id());
    Role granted =
        Role.fromId(named)
            .filter(
                r -> r != Role.CUSTOM && catalogue.bundle(role).containsAll(catalogue.bundle(r)))
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "--preset must be a role the owners may grant: " + named));
    return catalogue.preset(granted);
  }

  /**
   * Seeds {@code users} users in the first Global Administrator's client and {@code activity}
   * activity records, some of them the administrator's (list benchmarks, PostgreSQL only); see
   * {@link ListSeeder}. The records span the year before {@code now}.
   */
  public void seedLists(int users, int activity, int nodes, Instant now) {
    bootstrap();
    User admin =
        directory
            .findByEmail(settings.adminEmail())
            .orElseThrow(() -> new IllegalStateException("no user " + settings.adminEmail()));
    ListSeeder lists = new ListSeeder(db);
    lists.users(admin.clientId(), users, now.toEpochMilli());
    lists.activity(admin.clientId(), admin.id(), admin.email(), activity, now.toEpochMilli());
    lists.nodes(admin.clientId(), nodes, now.toEpochMilli());
  }

  private void bootstrap() {
    if (clients.initialized()) {
      return;
    }
    Client technical = clients.createPartner("Tokensmith", Origin.SYSTEM);
    Optional<String> configured = settings.adminPassword();
    String password = configured.orElseGet(App::generatedPassword);
    users.createInitial(
        technical.id(),
        settings.adminEmail(),
        "Global Administrator",
        password,
        Role.PARTNER_ADMIN);
    if (configured.isEmpty()) {
      // Printed once, to the console only (never to the log file), so the operator can log in.
      System.out.println(
          "Created the Global Administrator "
              + settings.adminEmail()
              + " with password: "
              + password);
    }
  }

  private static Vertx started(CompletableFuture<Vertx> starting) {
    try {
      return starting.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static Vertx vertx(Settings settings) {
    Duration requestTimeout = Duration.ofSeconds(settings.requestTimeoutSeconds());
    return Vertx.builder()
        .with(new VertxOptions().setEventLoopPoolSize(settings.eventLoops()))
        .withTransport(new TimedTransport(Transport.NIO, requestTimeout, settings.behindTls()))
        .build();
  }

  private static String generatedPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Key rotation: re-encryption and digest rewriting in batches, and the counts per version. */
  public KeyRotation keyRotation() {
    return keyRotation;
  }

  /** The keys in force on this instance (a rotation command narrows or widens them). */
  public ActiveKeys activeKeys() {
    return activeKeys;
  }

  /** The database (key rotation commands read which instances hold which key versions). */
  public Database database() {
    return db;
  }

  /** This build's version. */
  public Version version() {
    return version;
  }

  /** The port the server listens on. */
  public int port() {
    return port;
  }

  /** The management port ({@code /metrics} and health), when one was set. */
  public OptionalInt managementPort() {
    return managementPort;
  }

  /** Every route the server answers, as {@code "METHOD /path"}. */
  public List<String> routes() {
    return server.routes();
  }

  /** Runs one round of background jobs now (the command line and tests). */
  public boolean runJobs() {
    return scheduler.runOnce();
  }

  /** Sends the notices due now (tests); returns how many attempts were made. */
  public int deliverNotices() {
    return notices.deliverDue();
  }

  /** The outbox, for tests that look at a notice. */
  public Outbox outbox() {
    return outbox;
  }

  /** The client service, for administrative commands and test fixtures. */
  public ClientService clients() {
    return clients;
  }

  /** The user service, for administrative commands and test fixtures. */
  public UserService users() {
    return users;
  }

  /** The password service, for the command that prints a reset link. */
  /** Imports of legacy credentials (the command line's). */
  public LegacyCredentials legacy() {
    return legacy;
  }

  public PasswordService passwords() {
    return passwords;
  }

  /**
   * Writes collected last-used times of tokens and last syncs of node instances now (tests,
   * shutdown).
   */
  public int flushUsage() {
    int written = 0;
    try {
      written += usage.flush();
    } catch (RuntimeException e) {
      LOG.warn("could not record token usage; will retry", e);
    }
    try {
      written += nodeActivity.flush();
    } catch (RuntimeException e) {
      LOG.warn("could not record node instance activity; will retry", e);
    }
    return written;
  }

  /** The node instances' verifier (its cache counters, for tests). */
  public InstanceVerifier instances() {
    return instances;
  }

  /** The verifier, for benchmarks and the seeding command. */
  public TokenVerifier verifier() {
    return verifier;
  }

  /**
   * Stops in this order: {@code /readyz} answers 503 at once, and the server keeps taking requests
   * for the drain delay (while the load balancer notices); then it stops accepting connections, and
   * requests in flight are answered (for at most the shutdown time); the database work still
   * running ends; background work stops; the usage collected so far is written; then Vert.x, and
   * last the connection pool, with whose last connection the embedded database closes. Every wait
   * is bounded. Safe to call more than once (the command's SIGTERM handling and the shutdown hook
   * both call it).
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      if (started) {
        // Only a server that listened has a load balancer to tell.
        Thread.sleep(TimeUnit.SECONDS.toMillis(settings.drainSeconds()));
      }
      server.stop(Duration.ofSeconds(settings.shutdownSeconds()));
      if (management.isPresent()) {
        management.get().stop(Duration.ofSeconds(1));
      }
      if (channelServer.isPresent()) {
        // A backup being taken is finished.
        channelServer.get().stop(STOP_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("requests in flight were not all answered before the stop", e);
    }
    for (String deployment : vertx.deploymentIDs()) {
      await(vertx.undeploy(deployment), "the HTTP server did not stop cleanly");
    }
    if (!db.awaitIdle(STOP_WAIT)) {
      LOG.warn("database work still running after {} s; stopping anyway", STOP_WAIT.toSeconds());
    }
    scheduler.close();
    notices.close();
    changes.close();
    // No interrupt: a flush in progress completes (an interrupted H2 write closes the database
    // file).
    local.shutdown();
    try {
      local.awaitTermination(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flushUsage();
    if (started) {
      keyHolders.leave();
    }
    await(vertx.close(), "Vert.x did not stop cleanly");
    db.close();
    channel.ifPresent(opened -> opened.removeFrom(settings.dataDir()));
  }

  private static void await(Future<?> future, String problem) {
    try {
      future.toCompletionStage().toCompletableFuture().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn(problem, e);
    }
  }
}
