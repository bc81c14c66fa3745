-- Metered usage, by minute: what each workload's responses used, by credential and by the region
-- where the client entered. Every control-plane replica adds its sidecars' reports here.
CREATE TABLE usage_minutes (
  workspace VARCHAR(63) NOT NULL,
  workload VARCHAR(63) NOT NULL,
  credential VARCHAR(200) NOT NULL,
  region VARCHAR(63) NOT NULL,
  minute_start BIGINT NOT NULL,
  requests BIGINT NOT NULL,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  cached_tokens BIGINT NOT NULL,
  bytes BIGINT NOT NULL,
  without_usage BIGINT NOT NULL,
  incomplete BIGINT NOT NULL,
  PRIMARY KEY (workspace, workload, credential, region, minute_start)
);
CREATE INDEX usage_minutes_by_time ON usage_minutes (workspace, minute_start);
