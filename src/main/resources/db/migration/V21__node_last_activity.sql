-- The node list's orders as range scans, the last activity first. A node's last activity was the
-- latest sync of its instances, computed per node as the list ran, so a list ordered by it computed
-- it for every node of the client and sorted them all on every page (0.5 s at 100 000 nodes). Each
-- node row now holds it (0 until an instance syncs), written by the same flush that writes the
-- instances' syncs, in the same transaction. Instances leave only with their node, so the stored
-- value is always the latest of its instances'. Each sorted order has an index with the client
-- before its key and the id after it, so a page is read where the index says: a first page and a
-- page by cursor cost the same however many nodes the client has. The order by hostname reads
-- the unique (client_id, hostname) index, hostnames being unique in a client.
ALTER TABLE nodes ADD COLUMN last_activity BIGINT DEFAULT 0 NOT NULL;
UPDATE nodes SET last_activity = COALESCE(
  (SELECT MAX(i.last_activity) FROM node_instances i WHERE i.node_id = nodes.id), 0);
CREATE INDEX nodes_client_page ON nodes (client_id, id);
CREATE INDEX nodes_client_activity ON nodes (client_id, last_activity, id);
CREATE INDEX nodes_client_created ON nodes (client_id, create_at, id);
CREATE INDEX nodes_client_type ON nodes (client_id, node_type, id);
