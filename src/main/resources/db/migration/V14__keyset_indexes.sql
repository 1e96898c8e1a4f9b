-- Lists are pages in id order within a client (or a user): WHERE client_id = ? AND id > ? ORDER BY id
-- LIMIT n. With the client (or user) and the id in one index, every page is a range scan, as fast at a
-- million rows as at a thousand, also for a small client beside a large one (whose rows a scan of the
-- primary key would have to step over). The one-column indexes stay: H2 ties its foreign keys to them.
CREATE INDEX api_tokens_client_page ON api_tokens (client_id, id);
CREATE INDEX api_tokens_user_page ON api_tokens (user_id, id);
CREATE INDEX users_client_page ON users (client_id, id);
