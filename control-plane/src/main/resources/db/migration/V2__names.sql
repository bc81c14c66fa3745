-- Legacy workload ids and the workload each reaches; a workspace's own hostnames.
CREATE TABLE aliases (
  alias VARCHAR(253) PRIMARY KEY,
  workload VARCHAR(253) NOT NULL
);

CREATE TABLE custom_domains (
  domain VARCHAR(253) PRIMARY KEY,
  workload VARCHAR(253) NOT NULL,
  location VARCHAR(63)           -- a region or group; NULL = global
);
