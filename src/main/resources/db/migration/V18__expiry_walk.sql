-- The expiry warnings walk the tokens that expire within three days in steps, each step starting
-- after the (expiry, id) where the previous one stopped: with the id in the index, every step is a
-- range scan of its own length (the rest of the tokens at one expiry by id, then the later ones),
-- even where many tokens expire at the same moment. It replaces the
-- index without the id, which serves the expiry job just as well.
CREATE INDEX api_tokens_expire_walk ON api_tokens (enabled, expire_at, id);
DROP INDEX api_tokens_expire_due;
