/**
 * Migration 4: the Wowza and Ooyala APIs. The catalog of stream targets, transcoders and VOD
 * streams; each account's billing day (Wowza's default `from`); key expiry (Wowza access keys);
 * billing snapshots, which copy the delivery rollups' bytes as they stand at the snapshot's
 * cut-off into `billed_rollups` as deltas, so the billed total of a window is the sum of the
 * deltas and stays frozen until the next snapshot.
 */
export const version = 4;

export const sql = `
CREATE TABLE catalog (
  kind VARCHAR NOT NULL, id VARCHAR NOT NULL, account VARCHAR NOT NULL, name VARCHAR NOT NULL,
  type VARCHAR NOT NULL, billing_mode VARCHAR NOT NULL, archived BOOLEAN NOT NULL, deleted BOOLEAN NOT NULL,
  match_json VARCHAR, created_at BIGINT NOT NULL,
  PRIMARY KEY (kind, id)
);
ALTER TABLE accounts ADD COLUMN billing_day INTEGER DEFAULT 1;
UPDATE accounts SET billing_day = 1 WHERE billing_day IS NULL;
ALTER TABLE api_keys ADD COLUMN expires_at BIGINT;
CREATE TABLE billing_snapshots (taken_at BIGINT PRIMARY KEY, cutoff BIGINT NOT NULL);
CREATE TABLE billed_rollups (
  taken_at BIGINT NOT NULL, bucket BIGINT NOT NULL, cell BIGINT NOT NULL, bytes_out BIGINT NOT NULL
);
`;
