-- The control plane's state (FleetState): the same schema on the embedded H2 store and on
-- PostgreSQL. Lists and policies are JSON text: they are read and written whole.

-- The state's version: one row, locked by every write, so writes are serialised across every
-- control-plane replica sharing the database and versions only ever go up.
CREATE TABLE fleet_version (
  id INTEGER PRIMARY KEY,
  version BIGINT NOT NULL
);
INSERT INTO fleet_version (id, version) VALUES (1, 0);

CREATE TABLE workspaces (
  id VARCHAR(63) PRIMARY KEY,
  jwt_issuers TEXT NOT NULL,     -- [{"issuer", "jwks_uri", "audiences": [...]}]
  policy TEXT NOT NULL           -- {"countries": [...], "continents": [...], "regions": [...]}
);

CREATE TABLE workloads (
  id VARCHAR(253) PRIMARY KEY,
  public BOOLEAN NOT NULL,
  regions TEXT NOT NULL,         -- ["eu-lon-1", ...]
  protocol VARCHAR(16) NOT NULL,
  max_stream_seconds BIGINT NOT NULL,
  policy TEXT NOT NULL
);

CREATE TABLE replicas (
  workload VARCHAR(253) NOT NULL,
  region VARCHAR(63) NOT NULL,
  address VARCHAR(300) NOT NULL,
  PRIMARY KEY (workload, region, address)
);

-- Leases of replicas that registered themselves. Renewing one is not a state change (no new
-- version); a lease that runs out removes its replica in a versioned write.
CREATE TABLE replica_leases (
  workload VARCHAR(253) NOT NULL,
  region VARCHAR(63) NOT NULL,
  address VARCHAR(300) NOT NULL,
  ttl_millis BIGINT NOT NULL,
  expires_at_millis BIGINT NOT NULL,
  PRIMARY KEY (workload, region, address)
);
