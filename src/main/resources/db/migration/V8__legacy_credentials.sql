-- Legacy credentials (a UUID + secret key pair from an older system): at most one per user, bound to
-- the user's backward-compatible token. Only the keyed digest of the secret key is stored; when
-- compatibility ends the digest is erased (ended_at set) and the row stays, so that the pair never
-- comes back, neither by a second import for the user nor by importing the same UUID again.
CREATE TABLE legacy_credentials (
  user_id       BIGINT      PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  uuid          VARCHAR(36) NOT NULL UNIQUE,
  token_id      BIGINT      REFERENCES api_tokens (id) ON DELETE SET NULL,
  secret_digest VARCHAR(64),
  create_at     BIGINT      NOT NULL,
  ended_at      BIGINT
);
CREATE INDEX legacy_credentials_token ON legacy_credentials (token_id);
