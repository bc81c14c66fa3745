-- A workspace's API keys (hashes only), as JSON: [{"id", "secret_sha256", "scopes", "name",
-- "created_at", "expires_at", "revoked"}].
ALTER TABLE workspaces ADD COLUMN api_keys TEXT DEFAULT '[]' NOT NULL;
