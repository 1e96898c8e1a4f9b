-- The token list by its owners' names (order_by=user_realname) as a range scan. The name lives on the
-- owner's row, so ordering by it joined and sorted all of a client's tokens on every page (0.4-0.7 s
-- at a million). Each token row now holds its owner's name ('' for a shared token), written with
-- the token and again, in the same transaction, whenever the owner is renamed (both lock the owner's
-- row first). On PostgreSQL the order's index is the lower-cased name between the client and the id,
-- as V17's; H2 cannot index an expression and sorts, which at its sizes is fine. PostgreSQL also
-- drops two indexes that longer ones made redundant (V14): (client_id) and (user_id) are the first
-- columns of (client_id, id) and (user_id, id), which serve every query they served and the foreign
-- keys' checks; each was one more entry to write with every new row version of a token. (On H2 they
-- hold the foreign keys and stay.)
ALTER TABLE api_tokens ADD COLUMN owner_name VARCHAR(255) DEFAULT '' NOT NULL;
UPDATE api_tokens SET owner_name = (SELECT u.realname FROM users u WHERE u.id = api_tokens.user_id)
  WHERE user_id IS NOT NULL;
${token_owner_index}

