-- The token list's sorted orders (order_by) as range scans. A page is WHERE client_id = ? [AND
-- filter] [AND (key, id) > (cursor's key, cursor's id)] ORDER BY key, id LIMIT n: without an index
-- on (client_id, key, id) every page, the first included, reads and sorts all the client's tokens,
-- a million of them in a large client. The keys are what TokenOrder orders by: the creation time, a
-- plain column (both databases), and on PostgreSQL the lower-cased name, the expiry with "never" as
-- the largest value and the last use with "never" as the smallest, expressions H2 cannot index
-- (Database.migrate() spells them per dialect; the embedded database holds small lists, sorted).
-- The order by the owner's name reads the owners table and has no index: it sorts.
CREATE INDEX api_tokens_client_created ON api_tokens (client_id, create_at, id);
${token_order_indexes}
