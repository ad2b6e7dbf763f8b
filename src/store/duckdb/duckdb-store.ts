/**
 * DuckDbStore: the embedded default backend, one DuckDB file in the data dir. Writes go through
 * one connection under a lock (an import's rows and checkpoint commit in one transaction); reads
 * use their own connection so queries never see a half-written batch.
 */
import { type DuckDBAppender, type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Dimension } from '../../domain/dimensions.js';
import { AppError } from '../../domain/errors.js';
import type { Metric } from '../../domain/metrics.js';
import type { TimeWindow } from '../../domain/time-window.js';
import type { UsageQuery } from '../../domain/usage-query.js';
import type {
  Account,
  ImportBatch,
  KeyScheme,
  SourceState,
  StoredKey,
  UsageRow,
  UsageStore,
} from '../store.js';
import { MIGRATIONS } from './migrations/index.js';
import { buildUsageSql } from './usage-sql.js';

/** Serialises async work: DuckDB allows one open transaction per connection. */
class Lock {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.tail.then(work, work);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

const LOCK_CONFLICT = /Could not set lock on file|Conflicting lock/i;

function num(value: unknown): number {
  return typeof value === 'bigint' ? Number(value) : (value as number);
}

export class DuckDbStore implements UsageStore {
  readonly backend = 'duckdb';
  private readonly writeLock = new Lock();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly reader: DuckDBConnection,
  ) {}

  /**
   * Opens (creating if needed) and migrates the store. `path` ':memory:' gives a private store
   * for tests. A file held by another process fails at once with `data-dir-locked`.
   */
  static async open(path: string): Promise<DuckDbStore> {
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path);
    } catch (error) {
      const message = (error as Error).message;
      if (LOCK_CONFLICT.test(message)) {
        const pid = /PID (\d+)/.exec(message)?.[1];
        throw new AppError(
          'data-dir-locked',
          `the store ${path} is in use by another tally process${pid ? ` (pid ${pid})` : ''}`,
          {
            cause: error,
          },
        );
      }
      throw new AppError('store-unavailable', `cannot open the store ${path}: ${message}`, { cause: error });
    }
    const writer = await instance.connect();
    const reader = await instance.connect();
    const store = new DuckDbStore(instance, writer, reader);
    await store.migrate();
    return store;
  }

  private async migrate(): Promise<void> {
    await this.writer.run(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    const applied = await this.writer.runAndReadAll('SELECT version FROM schema_migrations');
    const done = new Set(applied.getRowsJS().map((r) => num(r[0])));
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await this.transaction(async () => {
        await this.writer.run(migration.sql);
        await this.writer.run('INSERT INTO schema_migrations VALUES ($1, $2)', [
          migration.version,
          BigInt(Date.now()),
        ]);
      });
    }
  }

  private transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.writeLock.run(async () => {
      await this.writer.run('BEGIN TRANSACTION');
      try {
        const result = await work();
        await this.writer.run('COMMIT');
        return result;
      } catch (error) {
        await this.writer.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.writeLock.run(async () => {
      // A checkpoint folds the WAL into the file, so the next open is fast and the file is complete.
      await this.writer.run('CHECKPOINT').catch(() => undefined);
      this.reader.closeSync();
      this.writer.closeSync();
      this.instance.closeSync();
    });
  }

  async listAccounts(): Promise<Account[]> {
    const result = await this.reader.runAndReadAll(
      'SELECT id, name, timezone, parent, match_json FROM accounts ORDER BY id',
    );
    return result.getRowsJS().map(toAccount);
  }

  async getAccount(id: string): Promise<Account | undefined> {
    const result = await this.reader.runAndReadAll(
      'SELECT id, name, timezone, parent, match_json FROM accounts WHERE id = $1',
      [id],
    );
    const row = result.getRowsJS()[0];
    return row ? toAccount(row) : undefined;
  }

  async putAccount(account: Account): Promise<void> {
    await this.transaction(async () => {
      await this.writer.run(
        `INSERT INTO accounts VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, timezone = excluded.timezone,
           parent = excluded.parent, match_json = excluded.match_json`,
        [
          account.id,
          account.name,
          account.timezone,
          account.parent,
          account.match ? JSON.stringify(account.match) : null,
          BigInt(Date.now()),
        ],
      );
    });
  }

  async listSources(): Promise<SourceState[]> {
    const result = await this.reader.runAndReadAll(
      `SELECT id, path, head_length, head_hash, offset_bytes, lines, records, rejected, bytes_out, first_imported, last_imported
       FROM sources ORDER BY first_imported, id`,
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
    }));
  }

  async commitImport(batch: ImportBatch): Promise<void> {
    const s = batch.source;
    await this.transaction(async () => {
      if (batch.rollups.length > 0) {
        const rollups = await this.writer.createAppender('delivery_rollups');
        const viewers = await this.writer.createAppender('viewers');
        try {
          for (const row of batch.rollups) {
            appendKey(rollups, s.id, row);
            rollups.appendBigInt(BigInt(row.requests));
            rollups.appendBigInt(BigInt(row.okRequests));
            rollups.appendBigInt(BigInt(row.clientErrors));
            rollups.appendBigInt(BigInt(row.authFailures));
            rollups.appendBigInt(BigInt(row.serverErrors));
            rollups.appendBigInt(BigInt(row.bytesOut));
            rollups.appendBigInt(BigInt(row.bytesIn));
            rollups.appendDouble(row.viewSeconds);
            rollups.appendBigInt(BigInt(row.commands));
            rollups.appendBigInt(BigInt(row.starts));
            rollups.endRow();
            for (const viewer of row.viewers) {
              appendKey(viewers, s.id, row);
              viewers.appendUBigInt(viewer);
              viewers.endRow();
            }
          }
          rollups.flushSync();
          viewers.flushSync();
        } finally {
          rollups.closeSync();
          viewers.closeSync();
        }
      }
      await this.writer.run(
        `INSERT INTO sources VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (id) DO UPDATE SET path = excluded.path, head_length = excluded.head_length,
           head_hash = excluded.head_hash, offset_bytes = excluded.offset_bytes, lines = excluded.lines,
           records = excluded.records, rejected = excluded.rejected, bytes_out = excluded.bytes_out,
           last_imported = excluded.last_imported`,
        [
          s.id,
          s.path,
          BigInt(s.headLength),
          s.headHash,
          BigInt(s.offset),
          BigInt(s.lines),
          BigInt(s.records),
          BigInt(s.rejected),
          BigInt(s.bytesOut),
          BigInt(s.firstImported),
          BigInt(s.lastImported),
        ],
      );
    });
  }

  async forgetSource(id: string): Promise<boolean> {
    return this.transaction(async () => {
      const found = await this.writer.runAndReadAll('SELECT count(*) FROM sources WHERE id = $1', [id]);
      if (num(found.getRowsJS()[0]?.[0]) === 0) return false;
      for (const table of ['delivery_rollups', 'viewers', 'meters', 'sources']) {
        await this.writer.run(`DELETE FROM ${table} WHERE ${table === 'sources' ? 'id' : 'source'} = $1`, [
          id,
        ]);
      }
      return true;
    });
  }

  async queryUsage(query: UsageQuery, windows: readonly TimeWindow[]): Promise<UsageRow[]> {
    const { sql, params, types } = buildUsageSql(query, windows);
    const result = await this.reader.runAndReadAll(sql, params, types);
    const dims = query.groupBy;
    return result.getRowsJS().map((r) => {
      const dimensions: Partial<Record<Dimension, string>> = {};
      dims.forEach((d, i) => {
        dimensions[d] = r[2 + i] as string;
      });
      const metrics: Partial<Record<Metric, number>> = {};
      query.metrics.forEach((m, i) => {
        metrics[m] = num(r[2 + dims.length + i]);
      });
      return { windowStart: num(r[0]), windowEnd: num(r[1]), dimensions, metrics };
    });
  }

  async putKey(key: StoredKey): Promise<void> {
    await this.transaction(async () => {
      await this.writer.run('INSERT INTO api_keys VALUES ($1, $2, $3, $4, $5, $6)', [
        key.id,
        key.account,
        key.scheme,
        key.secretHash,
        BigInt(key.createdAt),
        key.revokedAt === null ? null : BigInt(key.revokedAt),
      ]);
    });
  }

  async getKey(id: string): Promise<StoredKey | undefined> {
    const result = await this.reader.runAndReadAll(
      'SELECT id, account, scheme, secret_hash, created_at, revoked_at FROM api_keys WHERE id = $1',
      [id],
    );
    const row = result.getRowsJS()[0];
    return row ? toKey(row) : undefined;
  }

  async listKeys(): Promise<StoredKey[]> {
    const result = await this.reader.runAndReadAll(
      'SELECT id, account, scheme, secret_hash, created_at, revoked_at FROM api_keys ORDER BY created_at, id',
    );
    return result.getRowsJS().map(toKey);
  }

  async revokeKey(id: string, at: number): Promise<boolean> {
    return this.transaction(async () => {
      const found = await this.writer.runAndReadAll(
        'SELECT count(*) FROM api_keys WHERE id = $1 AND revoked_at IS NULL',
        [id],
      );
      if (num(found.getRowsJS()[0]?.[0]) === 0) return false;
      await this.writer.run('UPDATE api_keys SET revoked_at = $2 WHERE id = $1', [id, BigInt(at)]);
      return true;
    });
  }
}

function appendKey(appender: DuckDBAppender, source: string, row: ImportBatch['rollups'][number]): void {
  appender.appendVarchar(source);
  appender.appendVarchar(row.account);
  appender.appendBigInt(BigInt(row.bucket));
  appender.appendVarchar(row.app);
  appender.appendVarchar(row.resource);
  appender.appendVarchar(row.kind);
  appender.appendVarchar(row.target);
  appender.appendVarchar(row.rendition);
  appender.appendVarchar(row.protocol);
  appender.appendVarchar(row.zone);
  appender.appendVarchar(row.country);
}

function toAccount(r: readonly unknown[]): Account {
  const match = r[4] as string | null;
  return {
    id: r[0] as string,
    name: r[1] as string,
    timezone: r[2] as string,
    parent: (r[3] as string | null) ?? null,
    ...(match ? { match: JSON.parse(match) as Account['match'] } : {}),
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
  };
}
