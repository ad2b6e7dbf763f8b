/** Migration 1: the tables of the core engine. Bucket columns are epoch milliseconds of the bucket start. */
export const version = 1;

const DIMENSIONS = `
  app VARCHAR NOT NULL, resource VARCHAR NOT NULL, kind VARCHAR NOT NULL, target VARCHAR NOT NULL,
  rendition VARCHAR NOT NULL, protocol VARCHAR NOT NULL, zone VARCHAR NOT NULL, country VARCHAR NOT NULL`;

export const sql = `
CREATE TABLE accounts (
  id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, timezone VARCHAR NOT NULL, parent VARCHAR,
  match_json VARCHAR, created_at BIGINT NOT NULL
);
CREATE TABLE sources (
  id VARCHAR PRIMARY KEY, path VARCHAR NOT NULL, head_length BIGINT NOT NULL, head_hash VARCHAR NOT NULL,
  offset_bytes BIGINT NOT NULL, lines BIGINT NOT NULL, records BIGINT NOT NULL, rejected BIGINT NOT NULL,
  bytes_out BIGINT NOT NULL, first_imported BIGINT NOT NULL, last_imported BIGINT NOT NULL
);
CREATE TABLE delivery_rollups (
  source VARCHAR NOT NULL, account VARCHAR NOT NULL, bucket BIGINT NOT NULL, ${DIMENSIONS},
  requests BIGINT NOT NULL, ok_requests BIGINT NOT NULL, client_errors BIGINT NOT NULL,
  auth_failures BIGINT NOT NULL, server_errors BIGINT NOT NULL, bytes_out BIGINT NOT NULL,
  bytes_in BIGINT NOT NULL, view_seconds DOUBLE NOT NULL, commands BIGINT NOT NULL, starts BIGINT NOT NULL
);
CREATE TABLE viewers (
  source VARCHAR NOT NULL, account VARCHAR NOT NULL, bucket BIGINT NOT NULL, ${DIMENSIONS},
  viewer UBIGINT NOT NULL
);
CREATE TABLE meters (
  source VARCHAR NOT NULL, account VARCHAR NOT NULL, bucket BIGINT NOT NULL, meter VARCHAR NOT NULL,
  subject VARCHAR NOT NULL, value DOUBLE NOT NULL
);
CREATE TABLE api_keys (
  id VARCHAR PRIMARY KEY, account VARCHAR, scheme VARCHAR NOT NULL, secret_hash VARCHAR NOT NULL,
  created_at BIGINT NOT NULL, revoked_at BIGINT
);
`;
