/**
 * The registry's tables in PostgreSQL, as versioned migrations (each runs once, in its own
 * transaction, recorded in `tally_schema`). Numbers that DuckDB keeps as BIGINT are `bigint`
 * here; `pg` reads them back as strings, which the registry turns into numbers (all fit a double).
 */
export interface PostgresMigration {
  version: number;
  sql: string;
}

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE accounts (
  id text PRIMARY KEY, name text NOT NULL, timezone text NOT NULL, parent text, match_json text,
  created_at bigint NOT NULL, number integer NOT NULL UNIQUE, suspended boolean NOT NULL DEFAULT false,
  billing_day integer NOT NULL DEFAULT 1
);
CREATE TABLE sources (
  id text PRIMARY KEY, path text NOT NULL, head_length bigint NOT NULL, head_hash text NOT NULL,
  offset_bytes bigint NOT NULL, lines bigint NOT NULL, records bigint NOT NULL, rejected bigint NOT NULL,
  bytes_out bigint NOT NULL, first_imported bigint NOT NULL, last_imported bigint NOT NULL, format text
);
-- A write begun and not finished, per source (BatchLedger): its rows are removed before the next write.
CREATE TABLE pending_writes (source text PRIMARY KEY, write_id text NOT NULL, began_at bigint NOT NULL);
CREATE TABLE api_keys (
  id text PRIMARY KEY, account text, scheme text NOT NULL, secret_hash text NOT NULL, created_at bigint NOT NULL,
  revoked_at bigint, sealed_secret text, expires_at bigint
);
CREATE TABLE used_signatures (
  scheme text NOT NULL, digest text NOT NULL, expires_at bigint NOT NULL, PRIMARY KEY (scheme, digest)
);
CREATE TABLE event_ids (
  account text NOT NULL, id text NOT NULL, digest text NOT NULL, received_at bigint NOT NULL,
  PRIMARY KEY (account, id)
);
CREATE INDEX event_ids_received ON event_ids (received_at);
CREATE TABLE catalog (
  kind text NOT NULL, id text NOT NULL, account text NOT NULL, name text NOT NULL, type text NOT NULL,
  billing_mode text NOT NULL, archived boolean NOT NULL, deleted boolean NOT NULL, match_json text,
  created_at bigint NOT NULL, PRIMARY KEY (kind, id)
);
CREATE TABLE retention (account text PRIMARY KEY, kept_from bigint NOT NULL);
CREATE TABLE billing_snapshots (taken_at bigint PRIMARY KEY, cutoff bigint NOT NULL, changed_rows bigint NOT NULL);
-- The one secret of a shared store (viewer hashes, sealing), as install.key is a data dir's.
CREATE TABLE install_secret (only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row), secret text NOT NULL);
`,
  },
];
