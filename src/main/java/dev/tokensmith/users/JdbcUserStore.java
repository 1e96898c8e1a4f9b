package dev.tokensmith.users;

import dev.tokensmith.permissions.Catalogue;
import dev.tokensmith.permissions.Role;
import dev.tokensmith.storage.Database;
import dev.tokensmith.storage.RowUpdate;
import dev.tokensmith.storage.Rows;
import dev.tokensmith.storage.Window;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.Update;

/** {@link UserStore} on the JDBC database; the e-mail's lower case backs its uniqueness. */
public final class JdbcUserStore implements UserStore {
  private final Database db;
  private final Catalogue catalogue;

  public JdbcUserStore(Database db, Catalogue catalogue) {
    this.db = db;
    this.catalogue = catalogue;
  }

  @Override
  public Optional<User> find(long id) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT * FROM users WHERE id = :id")
                .bind("id", id)
                .map(this::user)
                .findOne());
  }

  @Override
  public Optional<User> lock(long id) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT * FROM users WHERE id = :id FOR UPDATE")
                .bind("id", id)
                .map(this::user)
                .findOne());
  }

  @Override
  public Optional<User> findByEmail(String email) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT * FROM users WHERE email_key = :key")
                .bind("key", email.toLowerCase(Locale.ROOT))
                .map(this::user)
                .findOne());
  }

  @Override
  public Optional<User> findByUuid(String uuid) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT * FROM users WHERE uuid = :uuid")
                .bind("uuid", uuid)
                .map(this::user)
                .findOne());
  }

  @Override
  public List<User> list(Collection<Long> clientIds, Boolean enabled, Window window) {
    String sql =
        "SELECT * FROM users WHERE client_id IN (<clients>)"
            + (enabled != null ? " AND enabled = :enabled" : "")
            + window.after("id", false)
            + " ORDER BY id LIMIT :limit OFFSET :offset";
    return db.withHandle(
        h ->
            h.createQuery(sql)
                .bindList("clients", List.copyOf(clientIds))
                .bind("enabled", enabled)
                .bind("after", window.after())
                .bind("limit", window.limit())
                .bind("offset", window.offset())
                .map(this::user)
                .list());
  }

  @Override
  public long insert(User u) {
    return db.withHandle(
        h ->
            bindAll(
                    h.createUpdate(
                        "INSERT INTO users (uuid, client_id, email, email_key, realname, role, "
                            + "permissions, enabled, sso, api_access, password_hash, create_at, provisioned) VALUES (:uuid, :client, :email, "
                            + ":key, :realname, :role, :permissions, :enabled, :sso, :apiAccess, "
                            + ":password, :createAt, :provisioned)"),
                    u)
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one());
  }

  @Override
  public void update(User before, User after) {
    db.withHandle(
        h ->
            RowUpdate.of("users", mutableColumns(before), mutableColumns(after))
                .execute(h, after.id()));
  }

  // The columns a change may write, by name, as stored.
  private static Map<String, Object> mutableColumns(User u) {
    Map<String, Object> columns = new LinkedHashMap<>();
    columns.put("email", u.email());
    columns.put("email_key", u.email().toLowerCase(Locale.ROOT));
    columns.put("realname", u.realname());
    columns.put("role", u.role().id());
    columns.put("permissions", String.join(",", u.customPermissions()));
    columns.put("enabled", u.enabled());
    columns.put("sso", u.sso().id());
    columns.put("api_access", u.apiAccess());
    columns.put("password_hash", u.passwordHash());
    return columns;
  }

  @Override
  public void recordLogin(long id, long atMillis) {
    db.withHandle(
        h ->
            h.createUpdate("UPDATE users SET last_login_at = :at WHERE id = :id")
                .bind("id", id)
                .bind("at", atMillis)
                .execute());
  }

  @Override
  public void replacePasswordHash(long id, String expected, String replacement) {
    db.withHandle(
        h ->
            h.createUpdate(
                    "UPDATE users SET password_hash = :replacement WHERE id = :id "
                        + "AND password_hash = :expected")
                .bind("id", id)
                .bind("expected", expected)
                .bind("replacement", replacement)
                .execute());
  }

  @Override
  public void setPasswordHash(long id, String hash) {
    db.withHandle(
        h ->
            h.createUpdate("UPDATE users SET password_hash = :hash WHERE id = :id")
                .bind("id", id)
                .bind("hash", hash)
                .execute());
  }

  @Override
  public void delete(long id) {
    db.withHandle(h -> h.createUpdate("DELETE FROM users WHERE id = :id").bind("id", id).execute());
  }

  @Override
  public long countEnabledWithRole(long clientId, String role) {
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT COUNT(*) FROM users WHERE client_id = :client AND role = :role AND enabled = TRUE")
                .bind("client", clientId)
                .bind("role", role)
                .mapTo(Long.class)
                .one());
  }

  private static Update bindAll(Update update, User u) {
    return update
        .bind("uuid", u.uuid())
        .bind("client", u.clientId())
        .bind("email", u.email())
        .bind("key", u.email().toLowerCase(Locale.ROOT))
        .bind("realname", u.realname())
        .bind("role", u.role().id())
        .bind("permissions", String.join(",", u.customPermissions()))
        .bind("enabled", u.enabled())
        .bind("sso", u.sso().id())
        .bind("apiAccess", u.apiAccess())
        .bind("password", u.passwordHash())
        .bind("createAt", u.createAt().toEpochMilli())
        .bind("provisioned", u.provisioned());
  }

  @Override
  public List<User> lockByClient(long clientId) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT * FROM users WHERE client_id = :client ORDER BY id FOR UPDATE")
                .bind("client", clientId)
                .map(this::user)
                .list());
  }

  @Override
  public List<User> lockCustom(long afterId, int limit) {
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT * FROM users WHERE role = 'custom' AND id > :after ORDER BY id"
                        + " LIMIT :limit FOR UPDATE")
                .bind("after", afterId)
                .bind("limit", limit)
                .map(this::user)
                .list());
  }

  @Override
  public List<Long> idsHolding(Role role, long afterId, int limit) {
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT u.id FROM users u WHERE u.role = :role AND u.id > :after AND EXISTS"
                        + " (SELECT 1 FROM api_tokens t WHERE t.user_id = u.id) ORDER BY u.id"
                        + " LIMIT :limit")
                .bind("role", role.id())
                .bind("after", afterId)
                .bind("limit", limit)
                .mapTo(Long.class)
                .list());
  }

  private User user(ResultSet rs, StatementContext ctx) throws SQLException {
    return new User(
        rs.getLong("id"),
        rs.getString("uuid"),
        rs.getLong("client_id"),
        rs.getString("email"),
        rs.getString("realname"),
        catalogue.stored(
            Role.fromId(rs.getString("role")).orElseThrow(), Rows.list(rs, "permissions")),
        rs.getBoolean("enabled"),
        Sso.fromId(rs.getString("sso")).orElseThrow(),
        rs.getBoolean("api_access"),
        rs.getString("password_hash"),
        Instant.ofEpochMilli(rs.getLong("create_at")),
        Rows.instant(rs, "last_login_at"),
        rs.getBoolean("provisioned"));
  }
}
