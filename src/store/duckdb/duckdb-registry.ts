/** DuckDbRegistry: accounts, keys and used signatures, catalog, sources and event ids, in the DuckDB file. */
import type { Account } from '../../domain/account.js';
import type { KeyScheme, StoredKey } from '../../domain/api-key.js';
import type { CatalogEntry, CatalogKind } from '../../domain/catalog.js';
import { AppError } from '../../domain/errors.js';
import type { EventId } from '../../domain/event-id.js';
import type { SourceState } from '../../domain/source.js';
import type { Registry } from '../registry.js';
import { CATALOG_COLUMNS, toCatalogEntry, writeCatalogEntry } from './catalog-rows.js';
import { type DuckDbDatabase, num } from './duckdb-database.js';
import { storedEventIds } from './event-id-rows.js';

export class DuckDbRegistry implements Registry {
  constructor(private readonly db: DuckDbDatabase) {}

  async listAccounts(): Promise<Account[]> {
    const result = await this.db.read((c) =>
      c.runAndReadAll(
        'SELECT id, name, timezone, parent, match_json, number, suspended, billing_day FROM accounts ORDER BY id',
      ),
    );
    return result.getRowsJS().map(toAccount);
  }

  getAccount(id: string): Promise<Account | undefined> {
    // Every API request looks its account up.
    return this.cachedRow(
      'account',
      'SELECT id, name, timezone, parent, match_json, number, suspended, billing_day FROM accounts WHERE id = $1',
      id,
      toAccount,
    );
  }

  async putAccount(account: Account): Promise<void> {
    await this.db.transaction(async () => {
      if (account.number !== undefined) {
        // Checked under the write lock, so no other writer can take the number in between.
        const holder = await this.db.writer.runAndReadAll(
          'SELECT id FROM accounts WHERE number = $1 AND id <> $2',
          [account.number, account.id],
        );
        const other = holder.getRowsJS()[0]?.[0];
        if (other !== undefined)
          throw new AppError('conflict', `number: ${account.number} is the number of account '${other}'`, {
            param: 'number',
          });
      }
      // A new account takes the number given, else the next one; an existing one keeps its number
      // unless one is given, and its suspension unless the caller says otherwise.
      await this.db.writer.run(
        `INSERT INTO accounts (id, name, timezone, parent, match_json, created_at, number, suspended, billing_day)
         VALUES ($1, $2, $3, $4, $5, $6, coalesce($9, (SELECT coalesce(max(number), 0) + 1 FROM accounts)), coalesce($7, false), coalesce($8, 1))
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, timezone = excluded.timezone,
           parent = excluded.parent, match_json = excluded.match_json,
           number = CASE WHEN $9 IS NULL THEN accounts.number ELSE excluded.number END,
           suspended = CASE WHEN $7 IS NULL THEN accounts.suspended ELSE excluded.suspended END,
           billing_day = CASE WHEN $8 IS NULL THEN accounts.billing_day ELSE excluded.billing_day END`,
        [
          account.id,
          account.name,
          account.timezone,
          account.parent,
          account.match ? JSON.stringify(account.match) : null,
          BigInt(Date.now()),
          account.suspended ?? null,
          account.billingDay ?? null,
          account.number ?? null,
        ],
      );
    });
  }

  async listSources(): Promise<SourceState[]> {
    const result = await this.db.read((c) =>
      c.runAndReadAll(
        `SELECT id, path, head_length, head_hash, offset_bytes, lines, records, rejected, bytes_out, first_imported, last_imported, format
       FROM sources ORDER BY first_imported, id`,
      ),
    );
    return result.getRowsJS().map((r) => ({
      id: r[0] as string,
      path: r[1] as string,
      headLength: num(r[2]),
      headHash: r[3] as string,
      offset: num(r[4]),
      lines: num(r[5]),
      records: num(r[6]),
      rejected: num(r[7]),
      bytesOut: num(r[8]),
      firstImported: num(r[9]),
      lastImported: num(r[10]),
      ...(r[11] === null ? {} : { format: r[11] as string }),
    }));
  }

  findEventIds(ids: readonly { account: string; id: string }[]): Promise<EventId[]> {
    return this.db.read((c) => storedEventIds(c, ids));
  }

  async claimSignature(scheme: KeyScheme, digest: string, now: number, expiresAt: number): Promise<boolean> {
    return this.db.transaction(
      async () => {
        // Expired entries go first, so the table holds at most a window's worth of requests.
        await this.db.writer.run('DELETE FROM used_signatures WHERE expires_at <= $1', [BigInt(now)]);
        const inserted = await this.db.writer.runAndReadAll(
          'INSERT INTO used_signatures VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING digest',
          [scheme, digest, BigInt(expiresAt)],
        );
        return inserted.currentRowCount > 0;
      },
      // Every signed compat request writes here, and no cached read reads it.
      { changes: 'nothing' },
    );
  }

  async putKey(key: StoredKey): Promise<void> {
    await this.db.transaction(async () => {
      await this.db.writer.run(
        `INSERT INTO api_keys (id, account, scheme, secret_hash, created_at, revoked_at, sealed_secret, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          key.id,
          key.account,
          key.scheme,
          key.secretHash,
          BigInt(key.createdAt),
          key.revokedAt === null ? null : BigInt(key.revokedAt),
          key.sealedSecret,
          key.expiresAt === undefined || key.expiresAt === null ? null : BigInt(key.expiresAt),
        ],
      );
    });
  }

  getKey(id: string): Promise<StoredKey | undefined> {
    // Every API request looks its key up; a revocation is a commit, seen by the next request.
    return this.cachedRow(
      'key',
      'SELECT id, account, scheme, secret_hash, created_at, revoked_at, sealed_secret, expires_at FROM api_keys WHERE id = $1',
      id,
      toKey,
    );
  }

  async listKeys(): Promise<StoredKey[]> {
    const result = await this.db.read((c) =>
      c.runAndReadAll(
        'SELECT id, account, scheme, secret_hash, created_at, revoked_at, sealed_secret, expires_at FROM api_keys ORDER BY created_at, id',
      ),
    );
    return result.getRowsJS().map(toKey);
  }

  async revokeKey(id: string, at: number): Promise<boolean> {
    return this.db.transaction(async () => {
      const found = await this.db.writer.runAndReadAll(
        'SELECT count(*) FROM api_keys WHERE id = $1 AND revoked_at IS NULL',
        [id],
      );
      if (num(found.getRowsJS()[0]?.[0]) === 0) return false;
      await this.db.writer.run('UPDATE api_keys SET revoked_at = $2 WHERE id = $1', [id, BigInt(at)]);
      return true;
    });
  }

  async listCatalog(account?: string): Promise<CatalogEntry[]> {
    const result = await this.db.read((c) =>
      c.runAndReadAll(
        `SELECT ${CATALOG_COLUMNS} FROM catalog ${account === undefined ? '' : 'WHERE account = $1'} ORDER BY kind, id`,
        account === undefined ? [] : [account],
      ),
    );
    return result.getRowsJS().map(toCatalogEntry);
  }

  async getCatalogEntry(kind: CatalogKind, id: string): Promise<CatalogEntry | undefined> {
    const result = await this.db.read((c) =>
      c.runAndReadAll(`SELECT ${CATALOG_COLUMNS} FROM catalog WHERE kind = $1 AND id = $2`, [kind, id]),
    );
    const row = result.getRowsJS()[0];
    return row ? toCatalogEntry(row) : undefined;
  }

  async putCatalogEntry(entry: CatalogEntry): Promise<void> {
    await this.db.transaction(() => writeCatalogEntry(this.db.writer, entry, 'replace'));
  }

  /** The row of `sql` (a registry table other than `sources`) for `id`, kept until a commit changes the registry (read-cache.ts). */
  private cachedRow<T>(
    kind: string,
    sql: string,
    id: string,
    toValue: (row: unknown[]) => T,
  ): Promise<T | undefined> {
    return this.db.cachedRead(
      `${kind}\u0001${id}`,
      'registry',
      async () => {
        const row = (await this.db.read((c) => c.runAndReadAll(sql, [id]))).getRowsJS()[0];
        return row ? toValue(row) : undefined;
      },
      () => 1,
    );
  }
}

function toAccount(r: readonly unknown[]): Account {
  const match = r[4] as string | null;
  return {
    id: r[0] as string,
    name: r[1] as string,
    timezone: r[2] as string,
    parent: (r[3] as string | null) ?? null,
    ...(match ? { match: JSON.parse(match) as Account['match'] } : {}),
    number: num(r[5]),
    suspended: r[6] === true,
    billingDay: r[7] === null || r[7] === undefined ? 1 : num(r[7]),
  };
}

function toKey(r: readonly unknown[]): StoredKey {
  return {
    id: r[0] as string,
    account: (r[1] as string | null) ?? null,
    scheme: r[2] as KeyScheme,
    secretHash: r[3] as string,
    createdAt: num(r[4]),
    revokedAt: r[5] === null ? null : num(r[5]),
    sealedSecret: (r[6] as string | null) ?? null,
    expiresAt: r[7] === null || r[7] === undefined ? null : num(r[7]),
  };
}
