/**
 * Catalog rows in DuckDB: written by the registry (entries put by operators) and by event batches
 * (transcoders their sessions name), read back as CatalogEntry.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CatalogEntry, CatalogKind, CatalogMatch } from '../../domain/catalog.js';

export const CATALOG_COLUMNS = 'kind, id, account, name, type, billing_mode, archived, deleted, match_json';

/**
 * Writes an entry on `writer` (inside the caller's transaction). `replace` overwrites every field;
 * `describe` (transcoders seen in events) updates only what events say, and only the account's own.
 */
export async function writeCatalogEntry(
  writer: DuckDBConnection,
  entry: CatalogEntry,
  mode: 'replace' | 'describe',
): Promise<void> {
  const update =
    mode === 'replace'
      ? `account = excluded.account, name = excluded.name, type = excluded.type,
         billing_mode = excluded.billing_mode, archived = excluded.archived, deleted = excluded.deleted,
         match_json = excluded.match_json`
      : 'name = excluded.name, type = excluded.type, billing_mode = excluded.billing_mode';
  await writer.run(
    `INSERT INTO catalog (${CATALOG_COLUMNS}, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (kind, id) DO UPDATE SET ${update}${mode === 'describe' ? ' WHERE catalog.account = excluded.account' : ''}`,
    [
      entry.kind,
      entry.id,
      entry.account,
      entry.name,
      entry.type,
      entry.billingMode,
      entry.archived,
      entry.deleted,
      entry.match ? JSON.stringify(entry.match) : null,
      BigInt(Date.now()),
    ],
  );
}

/** A row of `SELECT ${CATALOG_COLUMNS}`. */
export function toCatalogEntry(r: readonly unknown[]): CatalogEntry {
  const match = r[8] as string | null;
  return {
    kind: r[0] as CatalogKind,
    id: r[1] as string,
    account: r[2] as string,
    name: r[3] as string,
    type: r[4] as string,
    billingMode: r[5] as string,
    archived: r[6] === true,
    deleted: r[7] === true,
    ...(match ? { match: JSON.parse(match) as CatalogMatch } : {}),
  };
}
