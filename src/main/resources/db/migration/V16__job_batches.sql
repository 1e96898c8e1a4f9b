-- The background jobs take their work in batches off the front of an index: the enabled tokens whose
-- expiry has come, the disabled ones old enough to purge. With the flag first and the time second,
-- each batch is a range scan that stops at its limit, as fast at a million rows as at a thousand,
-- however many tokens of the other kind sit at the same times (on the time alone, the expiry's scan
-- would step over every expired token already disabled and not yet purged). They replace the indexes
-- on the time alone, which nothing else reads.
CREATE INDEX api_tokens_expire_due ON api_tokens (enabled, expire_at);
CREATE INDEX api_tokens_purge_due ON api_tokens (enabled, disabled_at);
DROP INDEX api_tokens_expire;
DROP INDEX api_tokens_disabled;

-- The purge also forgets the old values of renewed tokens whose grace period has ended: a range of
-- valid_until, not a scan of every value.
CREATE INDEX api_token_secrets_grace ON api_token_secrets (valid_until);

-- A disabled user's tokens still to be disabled after them. The user's row and this one commit
-- together (verification refuses the tokens from then on, as their owner is disabled); the tokens are
-- then rewritten in batches, each its own transaction, and the row goes with the last one. Whatever a
-- crash leaves here, the next background round finishes, as the origin of the change.
CREATE TABLE token_owner_cascades (
  user_id     BIGINT       PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  disabled_at BIGINT       NOT NULL,
  actor_type  VARCHAR(16)  NOT NULL,
  actor_id    BIGINT,
  actor_name  VARCHAR(320),
  source      VARCHAR(16)  NOT NULL,
  ip          VARCHAR(45)
);
