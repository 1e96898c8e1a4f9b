package dev.tokensmith.sso;

import dev.tokensmith.storage.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** {@link SsoStore} on the JDBC database. */
public final class JdbcSsoStore implements SsoStore {
  private final Database db;

  public JdbcSsoStore(Database db) {
    this.db = db;
  }

  @Override
  public Optional<SsoSettings> find(long clientId) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT * FROM sso_settings WHERE client_id = :client")
                .bind("client", clientId)
                .map((rs, ctx) -> settings(h, rs))
                .findOne());
  }

  @Override
  public Optional<SsoSettings> findByDomain(String domain) {
    return domainOwner(domain).flatMap(this::find);
  }

  @Override
  public Optional<SsoSettings> findByClientUuid(String uuid) {
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT s.* FROM sso_settings s JOIN clients c ON c.id = s.client_id"
                        + " WHERE c.uuid = :uuid")
                .bind("uuid", uuid)
                .map((rs, ctx) -> settings(h, rs))
                .findOne());
  }

  @Override
  public Optional<Long> domainOwner(String domain) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT client_id FROM sso_domains WHERE domain = :domain")
                .bind("domain", domain)
                .mapTo(Long.class)
                .findOne());
  }

  @Override
  public void save(SsoSettings s, long atMillis) {
    db.withHandle(
        h -> {
          h.createUpdate("DELETE FROM sso_settings WHERE client_id = :client")
              .bind("client", s.clientId())
              .execute();
          h.createUpdate("DELETE FROM sso_domains WHERE client_id = :client")
              .bind("client", s.clientId())
              .execute();
          h.createUpdate(
                  "INSERT INTO sso_settings (client_id, enabled, issuer, oidc_client_id,"
                      + " sealed_secret, role_claim, default_role, provisioning, strict_mode,"
                      + " update_at) VALUES (:client, :enabled, :issuer, :oidcClient, :secret,"
                      + " :roleClaim, :defaultRole, :provisioning, :strict, :at)")
              .bind("client", s.clientId())
              .bind("enabled", s.enabled())
              .bind("issuer", s.issuer())
              .bind("oidcClient", s.oidcClientId())
              .bind("secret", s.sealedSecret())
              .bind("roleClaim", s.roleClaim())
              .bind("defaultRole", s.defaultRole())
              .bind("provisioning", s.provisioning())
              .bind("strict", s.strict())
              .bind("at", atMillis)
              .execute();
          for (String domain : s.emailDomains()) {
            h.createUpdate("INSERT INTO sso_domains (domain, client_id) VALUES (:domain, :client)")
                .bind("domain", domain)
                .bind("client", s.clientId())
                .execute();
          }
          return null;
        });
  }

  @Override
  public void insertPending(Pending p) {
    db.withHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO sso_logins (state_digest, browser_digest, client_id, nonce,"
                        + " code_verifier, redirect_uri, expire_at) VALUES (:state, :browser,"
                        + " :client, :nonce, :verifier, :redirect, :expire)")
                .bind("state", p.stateDigest())
                .bind("browser", p.browserDigest())
                .bind("client", p.clientId())
                .bind("nonce", p.nonce())
                .bind("verifier", p.codeVerifier())
                .bind("redirect", p.redirectUri())
                .bind("expire", p.expireAt())
                .execute());
  }

  @Override
  public Optional<Pending> takePending(String stateDigest) {
    return db.inTransaction(
        () ->
            db.withHandle(
                h -> {
                  Optional<Pending> found =
                      h.createQuery(
                              "SELECT * FROM sso_logins WHERE state_digest = :state FOR UPDATE")
                          .bind("state", stateDigest)
                          .map((rs, ctx) -> pending(rs))
                          .findOne();
                  // Whoever deletes the row owns the login: a replay finds nothing.
                  int taken =
                      h.createUpdate("DELETE FROM sso_logins WHERE state_digest = :state")
                          .bind("state", stateDigest)
                          .execute();
                  return taken == 1 ? found : Optional.<Pending>empty();
                }));
  }

  @Override
  public int deleteExpired(long nowMillis) {
    return db.withHandle(
        h ->
            h.createUpdate("DELETE FROM sso_logins WHERE expire_at < :now")
                .bind("now", nowMillis)
                .execute());
  }

  private static Pending pending(ResultSet rs) throws SQLException {
    return new Pending(
        rs.getString("state_digest"),
        rs.getString("browser_digest"),
        rs.getLong("client_id"),
        rs.getString("nonce"),
        rs.getString("code_verifier"),
        rs.getString("redirect_uri"),
        rs.getLong("expire_at"));
  }

  private static SsoSettings settings(Handle h, ResultSet rs) throws SQLException {
    long clientId = rs.getLong("client_id");
    List<String> domains =
        h.createQuery("SELECT domain FROM sso_domains WHERE client_id = :client ORDER BY domain")
            .bind("client", clientId)
            .mapTo(String.class)
            .list();
    return new SsoSettings(
        clientId,
        rs.getBoolean("enabled"),
        rs.getString("issuer"),
        rs.getString("oidc_client_id"),
        rs.getString("sealed_secret"),
        rs.getString("role_claim"),
        rs.getString("default_role"),
        rs.getBoolean("provisioning"),
        rs.getBoolean("strict_mode"),
        domains);
  }
}
