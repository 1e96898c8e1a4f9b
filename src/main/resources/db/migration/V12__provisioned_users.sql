-- Users created by single sign-on provisioning (4.6): while their client's SSO provisions users,
-- the IdP owns their disabling and deletion, and Tokensmith refuses both. Users created any other
-- way, including every user before this migration, are not marked.
ALTER TABLE users ADD COLUMN provisioned BOOLEAN DEFAULT FALSE NOT NULL;
