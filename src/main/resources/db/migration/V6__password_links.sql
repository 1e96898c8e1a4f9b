-- One-time links to set a password (an invitation, a reset): at most one per user, a new one replaces
-- the one before. Only the keyed digest of the link's code is stored; a used link keeps its row
-- (used_at) so that a second use can be told apart from a wrong code.
CREATE TABLE password_links (
  user_id   BIGINT      PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  digest    VARCHAR(64) NOT NULL UNIQUE,
  create_at BIGINT      NOT NULL,
  expire_at BIGINT      NOT NULL,
  used_at   BIGINT
);
