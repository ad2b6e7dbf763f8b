/** Rows of the registry's PostgreSQL tables, read back as Tally's entities, and the catalog write both halves share. */
import type { Account } from '../../domain/account.js';
import type { KeyScheme, StoredKey } from '../../domain/api-key.js';
import type { CatalogEntry, CatalogKind, CatalogMatch } from '../../domain/catalog.js';
import type { EventId } from '../../domain/event-id.js';
import type { SourceState } from '../../domain/source.js';
import {
  CATALOG_COLUMNS,
  type CatalogWrite,
  catalogUpsertParams,
  catalogUpsertSql,
} from '../catalog-upsert.js';
import { int, type Queryable } from './postgres-database.js';

type Row = Record<string, unknown>;

export const ACCOUNT_COLUMNS = 'id, name, timezone, parent, match_json, number, suspended, billing_day';
export const KEY_COLUMNS =
  'id, account, scheme, secret_hash, created_at, revoked_at, sealed_secret, expires_at';
export { CATALOG_COLUMNS };
export const SOURCE_COLUMNS =
  'id, path, head_length, head_hash, offset_bytes, lines, records, rejected, bytes_out, first_imported, last_imported, format';

export function toAccount(r: Row): Account {
  const match = r.match_json as string | null;
  return {
    id: r.id as string,
    name: r.name as string,
    timezone: r.timezone as string,
    parent: (r.parent as string | null) ?? null,
    ...(match ? { match: JSON.parse(match) as Account['match'] } : {}),
    number: int(r.number),
    suspended: r.suspended === true,
    billingDay: int(r.billing_day),
  };
}

export function toKey(r: Row): StoredKey {
  return {
    id: r.id as string,
    account: (r.account as string | null) ?? null,
    scheme: r.scheme as KeyScheme,
    secretHash: r.secret_hash as string,
    createdAt: int(r.created_at),
    revokedAt: r.revoked_at === null ? null : int(r.revoked_at),
    sealedSecret: (r.sealed_secret as string | null) ?? null,
    expiresAt: r.expires_at === null ? null : int(r.expires_at),
  };
}

export function toCatalogEntry(r: Row): CatalogEntry {
  const match = r.match_json as string | null;
  return {
    kind: r.kind as CatalogKind,
    id: r.id as string,
    account: r.account as string,
    name: r.name as string,
    type: r.type as string,
    billingMode: r.billing_mode as string,
    archived: r.archived === true,
    deleted: r.deleted === true,
    ...(match ? { match: JSON.parse(match) as CatalogMatch } : {}),
  };
}

export function toSource(r: Row): SourceState {
  return {
    id: r.id as string,
    path: r.path as string,
    headLength: int(r.head_length),
    headHash: r.head_hash as string,
    offset: int(r.offset_bytes),
    lines: int(r.lines),
    records: int(r.records),
    rejected: int(r.rejected),
    bytesOut: int(r.bytes_out),
    firstImported: int(r.first_imported),
    lastImported: int(r.last_imported),
    ...(r.format === null ? {} : { format: r.format as string }),
  };
}

/** Writes a catalog entry on `client`; see `CatalogWrite`. */
export async function writeCatalogEntry(
  client: Queryable,
  entry: CatalogEntry,
  mode: CatalogWrite,
): Promise<void> {
  await client.query(catalogUpsertSql(mode), [...catalogUpsertParams(entry), Date.now()]);
}

/** The event ids of `ids` stored, with their digests. */
export async function storedEventIds(
  client: Queryable,
  ids: readonly { account: string; id: string }[],
): Promise<EventId[]> {
  if (ids.length === 0) return [];
  const found = await client.query(
    `SELECT e.account, e.id, e.digest FROM event_ids e
     JOIN unnest($1::text[], $2::text[]) AS k(account, id) ON k.account = e.account AND k.id = e.id`,
    [ids.map((i) => i.account), ids.map((i) => i.id)],
  );
  return found.rows.map((r) => ({ account: r.account, id: r.id, digest: r.digest }));
}
