/**
 * PostgresRegistry: accounts, keys and used signatures, the catalog, sources and event ids in
 * PostgreSQL, shared by every Tally process of a scale-out deployment (docs/SCALE.md says why
 * there). Every read is of committed rows on the primary, so a key revoked through one server is
 * refused by the next request to any other.
 */
import type { Account } from '../../domain/account.js';
import type { KeyScheme, StoredKey } from '../../domain/api-key.js';
import type { CatalogEntry, CatalogKind } from '../../domain/catalog.js';
import { AppError } from '../../domain/errors.js';
import type { EventId } from '../../domain/event-id.js';
import type { SourceState } from '../../domain/source.js';
import type { Registry } from '../registry.js';
import { LOCK_KEY, type PostgresDatabase } from './postgres-database.js';
import {
  ACCOUNT_COLUMNS,
  CATALOG_COLUMNS,
  KEY_COLUMNS,
  SOURCE_COLUMNS,
  storedEventIds,
  toAccount,
  toCatalogEntry,
  toKey,
  toSource,
  writeCatalogEntry,
} from './postgres-rows.js';

export class PostgresRegistry implements Registry {
  constructor(private readonly db: PostgresDatabase) {}

  async listAccounts(): Promise<Account[]> {
    const result = await this.db.query(`SELECT ${ACCOUNT_COLUMNS} FROM accounts ORDER BY id COLLATE "C"`);
    return result.rows.map(toAccount);
  }

  async getAccount(id: string): Promise<Account | undefined> {
    const result = await this.db.query(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = $1`, [id]);
    const row = result.rows[0];
    return row ? toAccount(row) : undefined;
  }

  async putAccount(account: Account): Promise<void> {
    await this.db.transaction(async (client) => {
      // Numbers are handed out one writer at a time across every process (the next is max + 1).
      await client.query(`SELECT pg_advisory_xact_lock(${LOCK_KEY})`, ['tally:account-numbers']);
      if (account.number !== undefined) {
        const holder = await client.query('SELECT id FROM accounts WHERE number = $1 AND id <> $2', [
          account.number,
          account.id,
        ]);
        const other = holder.rows[0]?.id;
        if (other !== undefined)
          throw new AppError('conflict', `number: ${account.number} is the number of account '${other}'`, {
            param: 'number',
          });
      }
      await client.query(
        `INSERT INTO accounts (id, name, timezone, parent, match_json, created_at, number, suspended, billing_day)
         VALUES ($1, $2, $3, $4, $5, $6, coalesce($9::integer, (SELECT coalesce(max(number), 0) + 1 FROM accounts)),
           coalesce($7::boolean, false), coalesce($8::integer, 1))
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, timezone = excluded.timezone,
           parent = excluded.parent, match_json = excluded.match_json,
           number = CASE WHEN $9::integer IS NULL THEN accounts.number ELSE excluded.number END,
           suspended = CASE WHEN $7::boolean IS NULL THEN accounts.suspended ELSE excluded.suspended END,
           billing_day = CASE WHEN $8::integer IS NULL THEN accounts.billing_day ELSE excluded.billing_day END`,
        [
          account.id,
          account.name,
          account.timezone,
          account.parent,
          account.match ? JSON.stringify(account.match) : null,
          Date.now(),
          account.suspended ?? null,
          account.billingDay ?? null,
          account.number ?? null,
        ],
      );
    });
  }

  async listSources(): Promise<SourceState[]> {
    const result = await this.db.query(
      `SELECT ${SOURCE_COLUMNS} FROM sources ORDER BY first_imported, id COLLATE "C"`,
    );
    return result.rows.map(toSource);
  }

  findEventIds(ids: readonly { account: string; id: string }[]): Promise<EventId[]> {
    return storedEventIds(this.db, ids);
  }

  async claimSignature(scheme: KeyScheme, digest: string, now: number, expiresAt: number): Promise<boolean> {
    // One statement: a new digest is inserted, an expired one taken over; a live one stays and
    // the claim fails. The primary key makes two claims at once resolve to one winner.
    const claimed = await this.db.query(
      `INSERT INTO used_signatures VALUES ($1, $2, $3)
       ON CONFLICT (scheme, digest) DO UPDATE SET expires_at = excluded.expires_at
         WHERE used_signatures.expires_at <= $4
       RETURNING digest`,
      [scheme, digest, expiresAt, now],
    );
    // Expired entries go now and then, so the table holds about a window's worth of requests.
    if (Math.random() < 0.01)
      await this.db.query('DELETE FROM used_signatures WHERE expires_at <= $1', [now]);
    return (claimed.rowCount ?? 0) > 0;
  }

  async putKey(key: StoredKey): Promise<void> {
    await this.db.query(`INSERT INTO api_keys (${KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
      key.id,
      key.account,
      key.scheme,
      key.secretHash,
      key.createdAt,
      key.revokedAt,
      key.sealedSecret,
      key.expiresAt ?? null,
    ]);
  }

  async getKey(id: string): Promise<StoredKey | undefined> {
    const result = await this.db.query(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = $1`, [id]);
    const row = result.rows[0];
    return row ? toKey(row) : undefined;
  }

  async listKeys(): Promise<StoredKey[]> {
    const result = await this.db.query(
      `SELECT ${KEY_COLUMNS} FROM api_keys ORDER BY created_at, id COLLATE "C"`,
    );
    return result.rows.map(toKey);
  }

  async revokeKey(id: string, at: number): Promise<boolean> {
    const result = await this.db.query(
      'UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL',
      [id, at],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async listCatalog(account?: string): Promise<CatalogEntry[]> {
    const result = await this.db.query(
      `SELECT ${CATALOG_COLUMNS} FROM catalog ${account === undefined ? '' : 'WHERE account = $1'} ORDER BY kind COLLATE "C", id COLLATE "C"`,
      account === undefined ? [] : [account],
    );
    return result.rows.map(toCatalogEntry);
  }

  async getCatalogEntry(kind: CatalogKind, id: string): Promise<CatalogEntry | undefined> {
    const result = await this.db.query(`SELECT ${CATALOG_COLUMNS} FROM catalog WHERE kind = $1 AND id = $2`, [
      kind,
      id,
    ]);
    const row = result.rows[0];
    return row ? toCatalogEntry(row) : undefined;
  }

  /** The store's secret: `candidate` when none was kept yet (the first process's wins). */
  async sharedSecret(candidate: Buffer): Promise<Buffer> {
    await this.db.query('INSERT INTO install_secret (secret) VALUES ($1) ON CONFLICT DO NOTHING', [
      candidate.toString('hex'),
    ]);
    const kept = await this.db.query('SELECT secret FROM install_secret');
    return Buffer.from(kept.rows[0].secret as string, 'hex');
  }

  async putCatalogEntry(entry: CatalogEntry): Promise<void> {
    await writeCatalogEntry(this.db, entry, 'replace');
  }
}
