-- A workspace's public keys for signed requests, as JSON: [{"key_id", "jwk", "alg", "scopes"}].
ALTER TABLE workspaces ADD COLUMN signing_keys TEXT DEFAULT '[]' NOT NULL;
