package dev.tokensmith.clients;

import dev.tokensmith.storage.Database;
import dev.tokensmith.storage.Rows;
import dev.tokensmith.storage.Window;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.StatementContext;

/** {@link ClientStore} on the JDBC database. */
public final class JdbcClientStore implements ClientStore {
  private static final String SELECT =
      "SELECT c.*, p.uuid AS partner_uuid, (p.technical_client_id = c.id) AS technical "
          + "FROM clients c LEFT JOIN partners p ON p.id = c.partner_id ";

  private final Database db;

  public JdbcClientStore(Database db) {
    this.db = db;
  }

  @Override
  public Optional<Client> find(long id) {
    return db.withHandle(
        h ->
            h.createQuery(SELECT + "WHERE c.id = :id")
                .bind("id", id)
                .map(JdbcClientStore::client)
                .findOne());
  }

  @Override
  public Optional<Client> lock(long id) {
    // Locked apart from the read: the read joins partners, and only the client row is to be locked.
    return db.withHandle(
        h -> {
          h.createQuery("SELECT id FROM clients WHERE id = :id FOR UPDATE")
              .bind("id", id)
              .mapTo(Long.class)
              .findOne();
          return h.createQuery(SELECT + "WHERE c.id = :id")
              .bind("id", id)
              .map(JdbcClientStore::client)
              .findOne();
        });
  }

  @Override
  public List<Client> listByPartner(
      long partnerId, Collection<Long> ids, boolean tenantsOnly, Window window) {
    String where =
        (ids.isEmpty() ? "" : "AND c.id IN (<ids>) ")
            + (tenantsOnly
                ? "AND (p.technical_client_id IS NULL OR c.id <> p.technical_client_id) "
                : "")
            + window.after("c.id", false)
            + " ";
    return db.withHandle(
        h -> {
          var query =
              h.createQuery(
                      SELECT
                          + "WHERE c.partner_id = :partner "
                          + where
                          + "ORDER BY c.id LIMIT :limit OFFSET :offset")
                  .bind("partner", partnerId)
                  .bind("after", window.after())
                  .bind("limit", window.limit())
                  .bind("offset", window.offset());
          if (!ids.isEmpty()) {
            query.bindList("ids", List.copyOf(ids));
          }
          return query.map(JdbcClientStore::client).list();
        });
  }

  @Override
  public long insert(
      String uuid,
      String name,
      String vulnPrefix,
      boolean enabled,
      Long partnerId,
      long createAtMillis) {
    return db.withHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO clients (uuid, name, vuln_prefix, enabled, partner_id, create_at) "
                        + "VALUES (:uuid, :name, :prefix, :enabled, :partner, :at)")
                .bind("uuid", uuid)
                .bind("name", name)
                .bind("prefix", vulnPrefix)
                .bind("enabled", enabled)
                .bind("partner", partnerId)
                .bind("at", createAtMillis)
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one());
  }

  @Override
  public void update(Client after) {
    TokenPolicy policy = after.tokenPolicy();
    db.withHandle(
        h ->
            h.createUpdate(
                    "UPDATE clients SET name = :name, enabled = :enabled, show_once = :showOnce, "
                        + "max_tokens = :max, token_max_lifetime_days = :maxDays, "
                        + "token_default_lifetime_days = :defaultDays, "
                        + "shared_tokens_require_allowed_ips = :sharedIps WHERE id = :id")
                .bind("id", after.id())
                .bind("name", after.name())
                .bind("enabled", after.enabled())
                .bind("showOnce", after.showOnce())
                .bind("max", after.maxTokens())
                .bind("maxDays", policy.maxLifetimeDays())
                .bind("defaultDays", policy.defaultLifetimeDays())
                .bind("sharedIps", policy.sharedRequireAllowedIps())
                .execute());
  }

  @Override
  public long insertPartner(String uuid, String name) {
    return db.withHandle(
        h ->
            h.createUpdate("INSERT INTO partners (uuid, name) VALUES (:uuid, :name)")
                .bind("uuid", uuid)
                .bind("name", name)
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one());
  }

  @Override
  public void setTechnicalClient(long partnerId, long clientId) {
    db.withHandle(
        h ->
            h.createUpdate("UPDATE partners SET technical_client_id = :client WHERE id = :id")
                .bind("id", partnerId)
                .bind("client", clientId)
                .execute());
  }

  @Override
  public Optional<Partner> findPartner(long id) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT * FROM partners WHERE id = :id")
                .bind("id", id)
                .map(JdbcClientStore::partner)
                .findOne());
  }

  @Override
  public boolean anyPartner() {
    return db.withHandle(
        h -> h.createQuery("SELECT COUNT(*) FROM partners").mapTo(Long.class).one() > 0);
  }

  @Override
  public boolean prefixTaken(String vulnPrefix) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT COUNT(*) FROM clients WHERE vuln_prefix = :prefix")
                    .bind("prefix", vulnPrefix)
                    .mapTo(Long.class)
                    .one()
                > 0);
  }

  private static Client client(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Client(
        rs.getLong("id"),
        rs.getString("uuid"),
        rs.getString("name"),
        rs.getString("vuln_prefix"),
        rs.getBoolean("enabled"),
        Rows.nullableLong(rs, "partner_id"),
        rs.getString("partner_uuid"),
        rs.getBoolean("technical"),
        rs.getBoolean("show_once"),
        Rows.nullableInt(rs, "max_tokens"),
        new TokenPolicy(
            Rows.nullableInt(rs, "token_max_lifetime_days"),
            Rows.nullableInt(rs, "token_default_lifetime_days"),
            rs.getBoolean("shared_tokens_require_allowed_ips")),
        Instant.ofEpochMilli(rs.getLong("create_at")));
  }

  private static Partner partner(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Partner(
        rs.getLong("id"),
        rs.getString("uuid"),
        rs.getString("name"),
        rs.getLong("technical_client_id"));
  }
}
