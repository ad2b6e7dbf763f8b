/**
 * The catalog upsert, one statement text for the backends whose SQL has `INSERT ... ON CONFLICT`
 * with `$n` parameters (DuckDB, PostgreSQL): each binds `catalogUpsertParams` in its own driver.
 */
import type { CatalogEntry } from '../domain/catalog.js';

export const CATALOG_COLUMNS = 'kind, id, account, name, type, billing_mode, archived, deleted, match_json';

/**
 * `replace` overwrites every field; `describe` (transcoders seen in events) updates only what
 * events say, and only the account's own entry.
 */
export type CatalogWrite = 'replace' | 'describe';

export function catalogUpsertSql(mode: CatalogWrite): string {
  const update =
    mode === 'replace'
      ? `account = excluded.account, name = excluded.name, type = excluded.type,
         billing_mode = excluded.billing_mode, archived = excluded.archived, deleted = excluded.deleted,
         match_json = excluded.match_json`
      : 'name = excluded.name, type = excluded.type, billing_mode = excluded.billing_mode';
  return `INSERT INTO catalog (${CATALOG_COLUMNS}, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (kind, id) DO UPDATE SET ${update}${mode === 'describe' ? ' WHERE catalog.account = excluded.account' : ''}`;
}

/**
 * The parameters of `catalogUpsertSql` but the last, `created_at` (now), which each driver binds
 * in its own type.
 */
export function catalogUpsertParams(entry: CatalogEntry) {
  return [
    entry.kind,
    entry.id,
    entry.account,
    entry.name,
    entry.type,
    entry.billingMode,
    entry.archived,
    entry.deleted,
    entry.match ? JSON.stringify(entry.match) : null,
  ] as const;
}
