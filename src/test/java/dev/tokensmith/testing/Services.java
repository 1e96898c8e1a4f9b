package dev.tokensmith.testing;

import dev.tokensmith.access.Access;
import dev.tokensmith.access.Caller;
import dev.tokensmith.audit.ActivityLog;
import dev.tokensmith.audit.JdbcActivityStore;
import dev.tokensmith.audit.Origin;
import dev.tokensmith.clients.Client;
import dev.tokensmith.clients.ClientService;
import dev.tokensmith.clients.JdbcClientStore;
import dev.tokensmith.keys.Keyring;
import dev.tokensmith.keys.TokenSecrets;
import dev.tokensmith.nodes.InstanceActivity;
import dev.tokensmith.nodes.InstanceVerifier;
import dev.tokensmith.nodes.JdbcNodeStore;
import dev.tokensmith.nodes.NodeRegistration;
import dev.tokensmith.nodes.NodeService;
import dev.tokensmith.nodes.NodeWriter;
import dev.tokensmith.notify.JdbcNoticeStore;
import dev.tokensmith.notify.Mailer;
import dev.tokensmith.notify.Outbox;
import dev.tokensmith.sso.JdbcSsoStore;
import dev.tokensmith.sso.SsoInForce;
import dev.tokensmith.storage.ChangeFeed;
import dev.tokensmith.storage.Database;
import dev.tokensmith.tokens.JdbcLegacyStore;
import dev.tokensmith.tokens.JdbcTokenStore;
import dev.tokensmith.tokens.TokenLifecycle;
import dev.tokensmith.tokens.TokenService;
import dev.tokensmith.tokens.TokenVerifier;
import dev.tokensmith.tokens.TokenWriter;
import dev.tokensmith.tokens.Verification;
import dev.tokensmith.users.JdbcPasswordLinkStore;
import dev.tokensmith.users.JdbcSessionStore;
import dev.tokensmith.users.JdbcUserStore;
import dev.tokensmith.users.PasswordHasher;
import dev.tokensmith.users.PasswordLinks;
import dev.tokensmith.users.PasswordPolicy;
import dev.tokensmith.users.SessionService;
import dev.tokensmith.users.User;
import dev.tokensmith.users.UserChanges;
import dev.tokensmith.users.UserDirectory;
import dev.tokensmith.users.UserService;
import dev.tokensmith.web.Json;
import dev.tokensmith.webhooks.WebhookEvents;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real services wired as {@code App} wires them, without a server: over a fresh in-memory H2
 * database, with a clock the test moves, and the first partner's technical tenant and Global
 * Administrator created. For the service tier, which runs in milliseconds. Share one per test class
 * and give each test its own tenant.
 */
public final class Services implements AutoCloseable {
  public static final Duration CACHE_LIFETIME = Duration.ofSeconds(15);
  public static final String SECRET_PREFIX = "test";
  public static final String NODE_SECRET_PREFIX = "tnod";
  private static final PasswordPolicy POLICY = PasswordPolicy.standard();
  private static final String IP = "127.0.0.1";
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  public final MutableClock clock = new MutableClock();
  public final SecureRandom random = new SecureRandom();
  public final TestDatabase database = TestDatabase.h2();
  public final Database db;
  public final Keyring keyring;
  public final TokenSecrets secrets;
  public final ChangeFeed changes;
  public final ClientService clients;
  public final Access access;
  public final UserDirectory directory;
  public final TokenVerifier verifier;
  public final TokenLifecycle lifecycle;
  public final TokenService tokens;
  public final UserService users;
  public final TokenSecrets nodeSecrets;
  public final InstanceActivity nodeActivity;
  public final InstanceVerifier instances;
  public final NodeService nodes;
  public final NodeRegistration registration;

  /** The first partner's technical tenant and its Global Administrator. */
  public final Client technical;

  public final User admin;

  private final JdbcUserStore userStore;
  private final JdbcTokenStore tokenStore;
  private final ActivityLog activity;
  private final SessionService sessions;
  private final PasswordHasher hasher;
  private final PasswordLinks links;

  public Services() {
    // Whole milliseconds, as the database keeps instants.
    clock.set(clock.instant().truncatedTo(ChronoUnit.MILLIS));
    db = database.migrated();
    byte[] key = new byte[Keyring.KEY_BYTES];
    byte[] pepper = new byte[32];
    random.nextBytes(key);
    random.nextBytes(pepper);
    TreeMap<Integer, byte[]> keys = new TreeMap<>();
    keys.put(1, key);
    keyring = new Keyring(keys, pepper);
    changes = new ChangeFeed(db);
    activity = new ActivityLog(new JdbcActivityStore(db, Json.mapper()), clock);
    clients =
        new ClientService(
            db, new JdbcClientStore(db), activity, clock, random, changes, CACHE_LIFETIME);
    access = new Access(clients, Records.CATALOGUE);
    userStore = new JdbcUserStore(db, Records.CATALOGUE);
    directory = new UserDirectory(userStore);
    hasher = new PasswordHasher(new PasswordHasher.Cost(64, 1, 1), random);
    secrets = new TokenSecrets(keyring, random, SECRET_PREFIX);
    links =
        new PasswordLinks(
            new JdbcPasswordLinkStore(db),
            secrets,
            activity,
            new Mailer(
                new Outbox(new JdbcNoticeStore(db), clock),
                secrets,
                Json.mapper(),
                access,
                Optional.empty()),
            clock,
            Optional.empty());
    sessions =
        new SessionService(
            db,
            userStore,
            new JdbcSessionStore(db),
            hasher,
            secrets,
            activity,
            clock,
            Duration.ofHours(8));
    tokenStore = new JdbcTokenStore(db, Records.CATALOGUE);
    verifier =
        new TokenVerifier(
            tokenStore,
            new JdbcLegacyStore(db),
            directory,
            clients,
            secrets,
            clock,
            CACHE_LIFETIME,
            10_000);
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
            new JdbcLegacyStore(db),
            WebhookEvents.NONE);
    lifecycle = new TokenLifecycle(db, tokenStore, writer, directory, clients, access, clock);
    tokens = new TokenService(db, tokenStore, access, clients, writer, directory, clock, 0);
    users = usersWith(lifecycle);
    nodeSecrets = new TokenSecrets(keyring, random, NODE_SECRET_PREFIX);
    JdbcNodeStore nodeStore = new JdbcNodeStore(db);
    nodeActivity = new InstanceActivity(nodeStore, clock);
    NodeWriter nodeWriter =
        new NodeWriter(nodeStore, nodeSecrets, activity, clock, changes, WebhookEvents.NONE);
    instances =
        new InstanceVerifier(
            nodeStore, clients, tokens, nodeSecrets, nodeActivity, clock, CACHE_LIFETIME, 10_000);
    changes.subscribe(instances::onChange);
    nodes = new NodeService(db, nodeStore, nodeWriter, access, clients, clock);
    registration = new NodeRegistration(db, nodeStore, nodeWriter, access, clients, tokens, clock);
    technical = clients.createPartner("Partner", Origin.SYSTEM);
    admin =
        users.createInitial(
            technical.id(),
            "admin@example.com",
            "Global Administrator",
            "admin-password-1",
            Records.role("partner_admin"));
  }

  /**
   * A user service like {@link #users} whose user changes reach {@code followers} instead of the
   * tokens.
   */
  public UserService usersWith(UserChanges followers) {
    return new UserService(
        db,
        userStore,
        access,
        clients,
        followers,
        sessions,
        hasher,
        POLICY,
        links,
        activity,
        clock,
        changes,
        WebhookEvents.NONE,
        new SsoInForce(new JdbcSsoStore(db)));
  }

  /** A new tenant of the first partner. */
  public Client tenant() {
    int n = SEQUENCE.incrementAndGet();
    return clients.createTenant(
        technical.partnerId(), "Tenant " + n, String.format("S%03d", n % 1000), Origin.SYSTEM);
  }

  /** A stand-alone second partner's technical tenant: a client the first partner does not reach. */
  public Client otherPartner() {
    return clients.createPartner("Other partner " + SEQUENCE.incrementAndGet(), Origin.SYSTEM);
  }

  /**
   * A user created by the Global Administrator in {@code client}, with a role or permission ids.
   */
  public User user(Client client, String... permissions) {
    return user(caller(admin), client, permissions);
  }

  /** A user created by {@code creator}. */
  public User user(Caller creator, Client client, String... permissions) {
    String email = "user" + SEQUENCE.incrementAndGet() + "@example.com";
    return users
        .create(
            creator,
            new UserService.Create(
                client.id(),
                email,
                "User " + email,
                Fixtures.PASSWORD,
                Records.grant(permissions),
                true))
        .user();
  }

  /**
   * A Global Administrator of the first partner (a second one: the first cannot disable itself).
   */
  public User globalAdmin() {
    return user(technical, "partner_admin");
  }

  /** The caller of a Console session of {@code user} (as the authenticator makes it). */
  public Caller caller(User user) {
    return new Caller(user, clients.find(user.clientId()).orElseThrow(), null, null, IP);
  }

  /** The caller of a request made with {@code secret}; fails when the secret does not verify. */
  public Caller caller(String secret) {
    Verification verification = verifier.verify(secret, IP, false);
    if (!(verification instanceof Verification.Verified v)) {
      throw new IllegalStateException("the secret does not verify: " + verification);
    }
    return new Caller(v.owner(), v.ownerClient(), v.token(), v.tokenClient(), IP);
  }

  /** The user as stored now. */
  public User reread(User user) {
    return directory.find(user.id()).orElseThrow();
  }

  /** Disables or enables a client (as a Global Administrator would). */
  public Client enable(Client client, boolean enabled) {
    return clients.update(
        client.id(),
        c -> c.with(c.name(), enabled, c.showOnce(), c.maxTokens(), c.tokenPolicy()),
        Origin.SYSTEM);
  }

  @Override
  public void close() {
    db.close();
    database.close();
  }
}
