-- Single sign-on (OpenID Connect) of a client: at most one setting per client. The IdP's client
-- secret is stored sealed under the master key (never in clear).
CREATE TABLE sso_settings (
  client_id      BIGINT        PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
  enabled        BOOLEAN       NOT NULL,
  issuer         VARCHAR(512)  NOT NULL,
  oidc_client_id VARCHAR(255)  NOT NULL,
  sealed_secret  VARCHAR(2048),
  role_claim     VARCHAR(128)  NOT NULL,
  default_role   VARCHAR(32),
  provisioning   BOOLEAN       NOT NULL,
  strict_mode    BOOLEAN       NOT NULL,
  update_at      BIGINT        NOT NULL
);
-- An e-mail domain belongs to one client's SSO at most.
CREATE TABLE sso_domains (
  domain    VARCHAR(255) PRIMARY KEY,
  client_id BIGINT       NOT NULL REFERENCES clients (id) ON DELETE CASCADE
);
CREATE INDEX sso_domains_client ON sso_domains (client_id);
-- Logins under way: one-time, short-lived, bound to the browser that started them. The state and
-- the browser's cookie are stored as keyed digests only.
CREATE TABLE sso_logins (
  state_digest   VARCHAR(64)  PRIMARY KEY,
  browser_digest VARCHAR(64)  NOT NULL,
  client_id      BIGINT       NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  nonce          VARCHAR(128) NOT NULL,
  code_verifier  VARCHAR(128) NOT NULL,
  redirect_uri   VARCHAR(1024) NOT NULL,
  expire_at      BIGINT       NOT NULL
);
