-- The activity log's filters as range scans. A page of the log is WHERE client_id = ? [AND filter]
-- ORDER BY id DESC LIMIT n: on (client_id, id) alone, a filter that matches few records (one actor
-- among hundreds, a rare action or object type) or none of the newest ones (a time range in the
-- past) makes every page step over all the client's records the filter discards, more the longer
-- the log. With the filtered column between the client and the id, the page is read from the index
-- where it starts. A page within a time range is ordered by time (then id), which (client_id,
-- occurred_at, id) gives. These are the Console's filters; each index is written once per change
-- (the log is not written by token verification), which is cheap beside the change's own
-- transaction. Tokens and users need none: their filters (enabled, owner) keep a large share of the
-- rows, or have an index since V14.
CREATE INDEX activity_client_type ON activity (client_id, object_type, id);
CREATE INDEX activity_client_action ON activity (client_id, action, id);
CREATE INDEX activity_client_actor ON activity (client_id, actor_id, id);
CREATE INDEX activity_client_time ON activity (client_id, occurred_at, id);
