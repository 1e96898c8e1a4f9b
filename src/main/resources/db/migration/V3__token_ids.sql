-- Token ids come from a sequence of their own instead of the column's identity, so the server can take
-- a new token's id before it writes the row: the token's stored secret is sealed to its id, and the row
-- is then written once, secret included.
CREATE SEQUENCE api_token_ids;

-- The sequence goes on after the last id the identity gave (a deleted token's id is never given again)
-- and after any id in the table. Database.migrate() spells this per dialect: PostgreSQL first locks the
-- table, so that no token created meanwhile by a running older instance takes an id the sequence gives.
${api_token_ids_continue};

ALTER TABLE api_tokens ALTER COLUMN id DROP IDENTITY;
ALTER TABLE api_tokens ALTER COLUMN id SET DEFAULT nextval('api_token_ids');
