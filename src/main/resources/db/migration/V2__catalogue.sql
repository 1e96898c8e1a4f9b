-- The permission ids of the catalogue the last start ran with, one row: a start with a catalogue that
-- lost some of them takes those permissions away from every stored custom list (and records it).
CREATE TABLE catalogue_history (
  id             INT PRIMARY KEY,
  permission_ids ${long_text} NOT NULL
);

-- Not known yet: the first start looks at every stored list once.
INSERT INTO catalogue_history (id, permission_ids) VALUES (1, '*');
