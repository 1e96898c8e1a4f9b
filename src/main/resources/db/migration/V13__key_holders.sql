-- The key versions each running instance holds (version numbers only, never a key), renewed every
-- few seconds. An instance seals and digests under the newest master key and pepper that every live
-- instance holds, so none meets a value it cannot open; a rotation waits until they all hold the new
-- version before it rewrites anything.
CREATE TABLE key_holders (
  instance    VARCHAR(64)  PRIMARY KEY,
  master_keys VARCHAR(400) NOT NULL,
  peppers     VARCHAR(400) NOT NULL,
  seen_at     BIGINT       NOT NULL
);
