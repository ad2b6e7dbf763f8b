/**
 * Catalog rows in DuckDB: written by the registry (entries put by operators) and by event batches
 * (transcoders their sessions name), read back as CatalogEntry.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CatalogEntry, CatalogKind, CatalogMatch } from '../../domain/catalog.js';
import {
  CATALOG_COLUMNS,
  type CatalogWrite,
  catalogUpsertParams,
  catalogUpsertSql,
} from '../catalog-upsert.js';

export { CATALOG_COLUMNS };

/** Writes an entry on `writer` (inside the caller's transaction); see `CatalogWrite`. */
export async function writeCatalogEntry(
  writer: DuckDBConnection,
  entry: CatalogEntry,
  mode: CatalogWrite,
): Promise<void> {
  await writer.run(catalogUpsertSql(mode), [...catalogUpsertParams(entry), BigInt(Date.now())]);
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
