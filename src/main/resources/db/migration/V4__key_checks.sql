-- What the keys of this database are, without the keys: a check value per key (an HMAC of a fixed
-- label under the pepper; a fixed label sealed under each master key version). A start whose keys do
-- not match them refuses, rather than answering 401 for every valid token.
CREATE TABLE key_checks (
  name        VARCHAR(40)  PRIMARY KEY,
  check_value VARCHAR(200) NOT NULL
);
