-- What each role held in the catalogue the previous start ran with (one line per role: "role=id,id"),
-- so a start can tell which roles the operator narrowed and narrow their holders' tokens for good.
-- Unknown (NULL) until a start records it.
ALTER TABLE catalogue_history ADD COLUMN role_bundles ${long_text};

-- The holders of a narrowed role, walked in id order: a range of this index, role by role.
CREATE INDEX users_role ON users (role, id);
