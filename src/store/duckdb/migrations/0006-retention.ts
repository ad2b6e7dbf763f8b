/**
 * Migration 6: retention. Per account, the start of the oldest bucket still kept once
 * `retentionDays` deleted older usage: billing snapshots leave the buckets before it alone, so
 * what was billed stays billed after the usage behind it is gone.
 */
export const version = 6;

export const sql = `
CREATE TABLE retention (account VARCHAR PRIMARY KEY, kept_from BIGINT NOT NULL);
`;
