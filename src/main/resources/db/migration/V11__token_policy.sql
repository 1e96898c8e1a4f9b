-- A client's token policy (section 2, issue 14): the longest lifetime a token may be given (days;
-- NULL = no limit), the lifetime a create without an expiry gets (days; NULL = none, the token never
-- expires unless a maximum is set), and whether shared tokens must name the addresses they may be
-- used from. Existing tokens are not changed by a policy: it applies at their next write.
ALTER TABLE clients ADD COLUMN token_max_lifetime_days INTEGER;
ALTER TABLE clients ADD COLUMN token_default_lifetime_days INTEGER;
ALTER TABLE clients ADD COLUMN shared_tokens_require_allowed_ips BOOLEAN DEFAULT FALSE NOT NULL;

-- What a token is for, in its owner's words (0-1000 characters).
ALTER TABLE api_tokens ADD COLUMN description VARCHAR(1000);
