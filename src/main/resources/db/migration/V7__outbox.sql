-- The outbox: every notice (an e-mail, later a webhook delivery) is a row written in the same
-- transaction as the change that causes it, and sent by a background worker on any instance. The id
-- is the delivery id receivers de-duplicate by. A payload never holds a secret in the clear: a value
-- that must reach the recipient (a one-time link) is sealed under the master key, bound to the row.
CREATE TABLE notices (
  id              VARCHAR(36)    PRIMARY KEY,
  kind            VARCHAR(16)    NOT NULL,
  recipient       VARCHAR(2048)  NOT NULL,
  topic           VARCHAR(64)    NOT NULL,
  client_id       BIGINT,
  payload         VARCHAR(16000) NOT NULL,
  status          VARCHAR(16)    NOT NULL,
  attempts        INTEGER        NOT NULL DEFAULT 0,
  -- When the next attempt is due; while a worker sends, the end of its claim.
  next_attempt_at BIGINT         NOT NULL,
  create_at       BIGINT         NOT NULL,
  sent_at         BIGINT,
  last_error      VARCHAR(500),
  CONSTRAINT notices_kind CHECK (kind IN ('mail', 'webhook')),
  CONSTRAINT notices_status CHECK (status IN ('pending', 'sent', 'failed'))
);
CREATE INDEX notices_due ON notices (status, next_attempt_at);
CREATE INDEX notices_create ON notices (create_at);

-- The expiry date each token was last warned about (one notice per token per expiry date): written
-- in the transaction that queues the notice, under the token's row lock.
CREATE TABLE token_expiry_notices (
  token_id    BIGINT PRIMARY KEY REFERENCES api_tokens (id) ON DELETE CASCADE,
  expire_at   BIGINT NOT NULL,
  notified_at BIGINT NOT NULL
);
