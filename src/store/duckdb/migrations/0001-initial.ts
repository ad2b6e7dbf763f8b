/**
 * Migration 1: the tables of the core engine. Usage rows are all numeric and reference their
 * account and dimensions through `cells` (one row per distinct cell) and their source through
 * `sources.seq`; bucket columns are epoch milliseconds of the bucket start.
 */
export const version = 1;

export const sql = `
CREATE TABLE accounts (
  id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, timezone VARCHAR NOT NULL, parent VARCHAR,
  match_json VARCHAR, created_at BIGINT NOT NULL
);
CREATE TABLE sources (
  id VARCHAR PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, path VARCHAR NOT NULL, head_length BIGINT NOT NULL,
  head_hash VARCHAR NOT NULL, offset_bytes BIGINT NOT NULL, lines BIGINT NOT NULL, records BIGINT NOT NULL,
  rejected BIGINT NOT NULL, bytes_out BIGINT NOT NULL, first_imported BIGINT NOT NULL, last_imported BIGINT NOT NULL
);
CREATE TABLE cells (
  cell BIGINT PRIMARY KEY, account VARCHAR NOT NULL, app VARCHAR NOT NULL, resource VARCHAR NOT NULL,
  kind VARCHAR NOT NULL, target VARCHAR NOT NULL, rendition VARCHAR NOT NULL, protocol VARCHAR NOT NULL,
  zone VARCHAR NOT NULL, country VARCHAR NOT NULL
);
-- Cells of the batch being committed, before they are merged into cells (emptied by every commit).
CREATE TABLE cell_staging (
  cell BIGINT NOT NULL, account VARCHAR NOT NULL, app VARCHAR NOT NULL, resource VARCHAR NOT NULL,
  kind VARCHAR NOT NULL, target VARCHAR NOT NULL, rendition VARCHAR NOT NULL, protocol VARCHAR NOT NULL,
  zone VARCHAR NOT NULL, country VARCHAR NOT NULL
);
CREATE TABLE delivery_rollups (
  source INTEGER NOT NULL, bucket BIGINT NOT NULL, cell BIGINT NOT NULL,
  requests INTEGER NOT NULL, ok_requests INTEGER NOT NULL, client_errors INTEGER NOT NULL,
  auth_failures INTEGER NOT NULL, server_errors INTEGER NOT NULL, bytes_out BIGINT NOT NULL,
  bytes_in BIGINT NOT NULL, view_seconds DOUBLE NOT NULL, commands INTEGER NOT NULL, starts INTEGER NOT NULL
);
CREATE TABLE viewers (
  source INTEGER NOT NULL, bucket BIGINT NOT NULL, cell BIGINT NOT NULL, viewer UBIGINT NOT NULL
);
CREATE TABLE meters (
  source INTEGER NOT NULL, account VARCHAR NOT NULL, bucket BIGINT NOT NULL, meter VARCHAR NOT NULL,
  subject VARCHAR NOT NULL, value DOUBLE NOT NULL
);
CREATE TABLE api_keys (
  id VARCHAR PRIMARY KEY, account VARCHAR, scheme VARCHAR NOT NULL, secret_hash VARCHAR NOT NULL,
  created_at BIGINT NOT NULL, revoked_at BIGINT
);
`;
