/**
 * DuckDbStore: the embedded default backend, one DuckDB file in the data dir. Writes go through
 * one connection under a lock (an import's rows and checkpoint commit in one transaction); reads
 * use their own connection so queries never see a half-written batch.
 */
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  type DuckDBType,
  type DuckDBValue,
  LIST,
  listValue,
  VARCHAR,
} from '@duckdb/node-api';
import type { Account } from '../../domain/account.js';
import type { KeyScheme, StoredKey } from '../../domain/api-key.js';
import type { CatalogEntry, CatalogKind, CatalogMatch } from '../../domain/catalog.js';
import type { CellInfo } from '../../domain/cell.js';
import type { Dimension } from '../../domain/dimensions.js';
import { AppError } from '../../domain/errors.js';
import type { Metric } from '../../domain/metrics.js';
import type { SourceState } from '../../domain/source.js';
import type { TimeWindow } from '../../domain/time-window.js';
import type { UsageQuery } from '../../domain/usage-query.js';
import type { RollupColumns } from '../rollup-columns.js';
import {
  type BillingSnapshot,
  EVENTS_SOURCE,
  type EventBatch,
  type ImportBatch,
  type RollupRow,
  type UsageRow,
  type UsageStore,
} from '../store.js';
import { appendRollupColumns, appendViewerColumns, ROLLUP_TYPES, VIEWER_TYPES } from './column-writer.js';
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

const KNOWN_CELLS_LIMIT = 2_000_000;

/**
 * Appends rows through DataChunks of up to 2048 rows: numeric columns are written into the
 * chunk's memory directly, several times faster than one native call per value.
 */
class ChunkWriter {
  private static readonly SIZE = 2048;
  private rows: DuckDBValue[][] = [];

  constructor(
    private readonly appender: DuckDBAppender,
    private readonly types: DuckDBType[],
  ) {}

  push(row: DuckDBValue[]): void {
    this.rows.push(row);
    if (this.rows.length === ChunkWriter.SIZE) this.flushChunk();
  }

  private flushChunk(): void {
    if (this.rows.length === 0) return;
    const chunk = DuckDBDataChunk.create(this.types, this.rows.length);
    chunk.setRows(this.rows);
    this.appender.appendDataChunk(chunk);
    this.rows = [];
  }

  /** Appends what is left and flushes into the current transaction. */
  close(): void {
    this.flushChunk();
    this.appender.flushSync();
  }

  dispose(): void {
    this.appender.closeSync();
  }
}

const LOCK_CONFLICT = /Could not set lock on file|Conflicting lock/i;

/** A result row of `buildUsageSql`: window start and end, the group-by dimensions, the metrics. */
function usageRow(query: UsageQuery, r: readonly unknown[]): UsageRow {
  const dims = query.groupBy;
  const dimensions: Partial<Record<Dimension, string>> = {};
  dims.forEach((d, i) => {
    dimensions[d] = r[2 + i] as string;
  });
  const metrics: Partial<Record<Metric, number>> = {};
  query.metrics.forEach((m, i) => {
    metrics[m] = num(r[2 + dims.length + i]);
  });
  return { windowStart: num(r[0]), windowEnd: num(r[1]), dimensions, metrics };
}

function num(value: unknown): number {
  return typeof value === 'bigint' ? Number(value) : (value as number);
}

export class DuckDbStore implements UsageStore {
  readonly backend = 'duckdb';
  private readonly writeLock = new Lock();
  /** Cell ids known to be in `cells`, so a commit stages only new ones. */
  private readonly knownCells = new Set<bigint>();

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
    const pending = MIGRATIONS.filter((m) => !done.has(m.version));
    if (pending.length === 0) return;
    // All pending migrations in one transaction: a new store is created in one commit, and a
    // failed upgrade leaves the store as it was.
    await this.transaction(async () => {
      for (const migration of pending) {
        await this.writer.run(migration.sql);
        await this.writer.run('INSERT INTO schema_migrations VALUES ($1, $2)', [
          migration.version,
          BigInt(Date.now()),
        ]);
      }
    });
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
      'SELECT id, name, timezone, parent, match_json, number, suspended, billing_day FROM accounts ORDER BY id',
    );
    return result.getRowsJS().map(toAccount);
  }

  async getAccount(id: string): Promise<Account | undefined> {
    const result = await this.reader.runAndReadAll(
      'SELECT id, name, timezone, parent, match_json, number, suspended, billing_day FROM accounts WHERE id = $1',
      [id],
    );
    const row = result.getRowsJS()[0];
    return row ? toAccount(row) : undefined;
  }

  async putAccount(account: Account): Promise<void> {
    await this.transaction(async () => {
      if (account.number !== undefined) {
        // Checked under the write lock, so no other writer can take the number in between.
        const holder = await this.writer.runAndReadAll(
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
      await this.writer.run(
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
    const result = await this.reader.runAndReadAll(
      `SELECT id, path, head_length, head_hash, offset_bytes, lines, records, rejected, bytes_out, first_imported, last_imported, format
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
      ...(r[11] === null ? {} : { format: r[11] as string }),
    }));
  }

  async commitImport(batch: ImportBatch): Promise<void> {
    const s = batch.source;
    const columns = batch.columns ?? [];
    const fresh = this.unknownCells(batch.rollups, columns);
    await this.transaction(async () => {
      const seq = await this.sourceSeq(s.id);
      if (fresh.size > 0) await this.addCells(fresh.values());
      await this.writeRollups(seq, batch.rollups);
      await this.writeColumns(seq, columns);
      await this.writer.run(
        `INSERT INTO sources VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (id) DO UPDATE SET path = excluded.path, head_length = excluded.head_length,
           head_hash = excluded.head_hash, offset_bytes = excluded.offset_bytes, lines = excluded.lines,
           records = excluded.records, rejected = excluded.rejected, bytes_out = excluded.bytes_out,
           last_imported = excluded.last_imported, format = coalesce(excluded.format, sources.format)`,
        [
          s.id,
          seq,
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
          s.format ?? null,
        ],
      );
    });
    // Only once the transaction has committed are these cells known to exist.
    this.rememberCells(fresh);
  }

  /** Cells of a batch not known to be stored yet. */
  private unknownCells(rows: readonly RollupRow[], columns: readonly RollupColumns[]): Map<bigint, CellInfo> {
    const fresh = new Map<bigint, CellInfo>();
    for (const { cell } of rows) if (!this.knownCells.has(cell.id)) fresh.set(cell.id, cell);
    for (const part of columns)
      for (const cell of part.cells) if (!this.knownCells.has(cell.id)) fresh.set(cell.id, cell);
    return fresh;
  }

  private rememberCells(stored: Map<bigint, CellInfo>): void {
    if (this.knownCells.size > KNOWN_CELLS_LIMIT) this.knownCells.clear();
    for (const id of stored.keys()) this.knownCells.add(id);
  }

  private async writeColumns(seq: number, columns: readonly RollupColumns[]): Promise<void> {
    if (!columns.some((c) => c.count > 0)) return;
    const rollups = await this.writer.createAppender('delivery_rollups');
    const viewers = await this.writer.createAppender('viewers');
    try {
      for (const part of columns) {
        appendRollupColumns(rollups, seq, part);
        appendViewerColumns(viewers, seq, part);
      }
      rollups.flushSync();
      viewers.flushSync();
    } finally {
      rollups.closeSync();
      viewers.closeSync();
    }
  }

  /**
   * Rows given as objects (inline imports, events) are written row by row: putting them into
   * columns first, to write everything through writeColumns, made the no-config import of the 1M
   * log about 8% slower (one row per line there).
   */
  private async writeRollups(seq: number, rows: readonly RollupRow[]): Promise<void> {
    if (rows.length === 0) return;
    const rollups = new ChunkWriter(await this.writer.createAppender('delivery_rollups'), ROLLUP_TYPES);
    const viewers = new ChunkWriter(await this.writer.createAppender('viewers'), VIEWER_TYPES);
    try {
      for (const row of rows) {
        const bucket = BigInt(row.bucket);
        rollups.push([
          seq,
          bucket,
          row.cell.id,
          row.requests,
          row.okRequests,
          row.clientErrors,
          row.authFailures,
          row.serverErrors,
          BigInt(row.bytesOut),
          BigInt(row.bytesIn),
          row.viewSeconds,
          row.commands,
          row.starts,
        ]);
        for (const viewer of row.viewers) viewers.push([seq, bucket, row.cell.id, viewer]);
      }
      rollups.close();
      viewers.close();
    } finally {
      rollups.dispose();
      viewers.dispose();
    }
  }

  async findEventIds(ids: readonly { account: string; id: string }[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (ids.length === 0) return found;
    const result = await this.reader.runAndReadAll(
      `SELECT e.account, e.id, e.digest FROM event_ids e
       JOIN (SELECT unnest($1) AS account, unnest($2) AS id) k ON k.account = e.account AND k.id = e.id`,
      [listValue(ids.map((i) => i.account)), listValue(ids.map((i) => i.id))],
      [LIST(VARCHAR), LIST(VARCHAR)],
    );
    for (const [account, id, digest] of result.getRowsJS()) {
      found.set(`${account}\u0001${id}`, digest as string);
    }
    return found;
  }

  async commitEvents(batch: EventBatch): Promise<void> {
    const fresh = this.unknownCells(batch.rollups, []);
    await this.transaction(async () => {
      const seq = await this.sourceSeq(EVENTS_SOURCE);
      if (fresh.size > 0) await this.addCells(fresh.values());
      await this.writeRollups(seq, batch.rollups);
      if (batch.meters.length > 0) {
        const meters = await this.writer.createAppender('meters');
        try {
          for (const m of batch.meters) {
            meters.appendInteger(seq);
            meters.appendVarchar(m.account);
            meters.appendBigInt(BigInt(m.bucket));
            meters.appendVarchar(m.meter);
            meters.appendVarchar(m.subject);
            meters.appendDouble(m.value);
            meters.endRow();
          }
          meters.closeSync();
        } catch (error) {
          meters.closeSync();
          throw error;
        }
      }
      for (const transcoder of batch.transcoders ?? []) await this.writeCatalogEntry(transcoder, 'describe');
      await this.writer.run('DELETE FROM event_ids WHERE received_at < $1', [BigInt(batch.forgetIdsBefore)]);
      if (batch.ids.length > 0) {
        const ids = await this.writer.createAppender('event_ids');
        try {
          for (const e of batch.ids) {
            ids.appendVarchar(e.account);
            ids.appendVarchar(e.id);
            ids.appendVarchar(e.digest);
            ids.appendBigInt(BigInt(batch.receivedAt));
            ids.endRow();
          }
          ids.closeSync();
        } catch (error) {
          ids.closeSync();
          throw error;
        }
      }
      const bytesOut = batch.rollups.reduce((sum, r) => sum + r.bytesOut, 0);
      await this.writer.run(
        `INSERT INTO sources VALUES ($1, $2, 'POST /v1/events', 0, '', 0, $3, $3, 0, $4, $5, $5, 'events')
         ON CONFLICT (id) DO UPDATE SET lines = sources.lines + excluded.lines,
           records = sources.records + excluded.records, bytes_out = sources.bytes_out + excluded.bytes_out,
           last_imported = excluded.last_imported`,
        [EVENTS_SOURCE, seq, BigInt(batch.accepted), BigInt(bytesOut), BigInt(batch.receivedAt)],
      );
    });
    this.rememberCells(fresh);
  }

  /** The small integer a source's rows carry: its existing one, or the next free one. */
  private async sourceSeq(id: string): Promise<number> {
    const found = await this.writer.runAndReadAll(
      'SELECT (SELECT seq FROM sources WHERE id = $1), (SELECT coalesce(max(seq), 0) + 1 FROM sources)',
      [id],
    );
    const [existing, next] = found.getRowsJS()[0] ?? [];
    return num(existing ?? next);
  }

  /**
   * Adds cells not stored yet. Two different cells with the same 64-bit id would merge usage, so
   * that is checked and refused instead of being silently absorbed.
   */
  private async addCells(cells: Iterable<CellInfo>): Promise<void> {
    const staging = await this.writer.createAppender('cell_staging');
    try {
      for (const c of cells) {
        staging.appendBigInt(c.id);
        for (const value of [
          c.account,
          c.app,
          c.resource,
          c.kind,
          c.target,
          c.rendition,
          c.protocol,
          c.zone,
          c.country,
        ]) {
          staging.appendVarchar(value);
        }
        staging.endRow();
      }
      staging.flushSync();
    } finally {
      staging.closeSync();
    }
    const clash = await this.writer.runAndReadAll(
      `SELECT count(*) FROM cell_staging i JOIN cells c USING (cell)
       WHERE (i.account, i.app, i.resource, i.kind, i.target, i.rendition, i.protocol, i.zone, i.country)
         IS DISTINCT FROM (c.account, c.app, c.resource, c.kind, c.target, c.rendition, c.protocol, c.zone, c.country)`,
    );
    if (num(clash.getRowsJS()[0]?.[0]) > 0) {
      throw new AppError(
        'internal',
        'two different cells share a 64-bit cell id; refusing to merge their usage',
      );
    }
    await this.writer.run(
      'INSERT INTO cells SELECT DISTINCT * FROM cell_staging i WHERE NOT EXISTS (SELECT 1 FROM cells c WHERE c.cell = i.cell)',
    );
    await this.writer.run('DELETE FROM cell_staging');
  }

  async forgetSource(id: string): Promise<boolean> {
    return this.transaction(async () => {
      const found = await this.writer.runAndReadAll('SELECT seq FROM sources WHERE id = $1', [id]);
      const seq = found.getRowsJS()[0]?.[0];
      if (seq === undefined || seq === null) return false;
      for (const table of ['delivery_rollups', 'viewers', 'meters']) {
        await this.writer.run(`DELETE FROM ${table} WHERE source = $1`, [num(seq)]);
      }
      // Forgetting events forgets their ids too, so the same events can be sent again.
      if (id === EVENTS_SOURCE) await this.writer.run('DELETE FROM event_ids');
      await this.writer.run('DELETE FROM sources WHERE id = $1', [id]);
      return true;
    });
  }

  async queryUsage(query: UsageQuery, windows: readonly TimeWindow[]): Promise<UsageRow[]> {
    const { sql, params, types } = buildUsageSql(query, windows);
    const result = await this.reader.runAndReadAll(sql, params, types);
    return result.getRowsJS().map((r) => usageRow(query, r));
  }

  async *streamUsage(query: UsageQuery, windows: readonly TimeWindow[]): AsyncIterable<UsageRow[]> {
    const { sql, params, types } = buildUsageSql(query, windows, { paged: false });
    // A connection of its own: a streaming result lasts as long as its reader takes, and a
    // connection runs one statement at a time, so the shared reader would stall every other query.
    const connection = await this.instance.connect();
    try {
      const result = await connection.stream(sql, params, types);
      for await (const batch of result.yieldRowsJs()) yield batch.map((r) => usageRow(query, r));
    } finally {
      connection.closeSync();
    }
  }

  async claimSignature(scheme: KeyScheme, digest: string, now: number, expiresAt: number): Promise<boolean> {
    return this.transaction(async () => {
      // Expired entries go first, so the table holds at most a window's worth of requests.
      await this.writer.run('DELETE FROM used_signatures WHERE expires_at <= $1', [BigInt(now)]);
      const inserted = await this.writer.runAndReadAll(
        'INSERT INTO used_signatures VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING digest',
        [scheme, digest, BigInt(expiresAt)],
      );
      return inserted.currentRowCount > 0;
    });
  }

  async putKey(key: StoredKey): Promise<void> {
    await this.transaction(async () => {
      await this.writer.run(
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

  async getKey(id: string): Promise<StoredKey | undefined> {
    const result = await this.reader.runAndReadAll(
      'SELECT id, account, scheme, secret_hash, created_at, revoked_at, sealed_secret, expires_at FROM api_keys WHERE id = $1',
      [id],
    );
    const row = result.getRowsJS()[0];
    return row ? toKey(row) : undefined;
  }

  async listKeys(): Promise<StoredKey[]> {
    const result = await this.reader.runAndReadAll(
      'SELECT id, account, scheme, secret_hash, created_at, revoked_at, sealed_secret, expires_at FROM api_keys ORDER BY created_at, id',
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

  async listCatalog(account?: string): Promise<CatalogEntry[]> {
    const result = await this.reader.runAndReadAll(
      `SELECT ${CATALOG_COLUMNS} FROM catalog ${account === undefined ? '' : 'WHERE account = $1'} ORDER BY kind, id`,
      account === undefined ? [] : [account],
    );
    return result.getRowsJS().map(toCatalogEntry);
  }

  async getCatalogEntry(kind: CatalogKind, id: string): Promise<CatalogEntry | undefined> {
    const result = await this.reader.runAndReadAll(
      `SELECT ${CATALOG_COLUMNS} FROM catalog WHERE kind = $1 AND id = $2`,
      [kind, id],
    );
    const row = result.getRowsJS()[0];
    return row ? toCatalogEntry(row) : undefined;
  }

  async putCatalogEntry(entry: CatalogEntry): Promise<void> {
    await this.transaction(() => this.writeCatalogEntry(entry, 'replace'));
  }

  /** `replace` overwrites every field; `describe` (transcoders seen in events) updates only what events say. */
  private async writeCatalogEntry(entry: CatalogEntry, mode: 'replace' | 'describe'): Promise<void> {
    const update =
      mode === 'replace'
        ? `account = excluded.account, name = excluded.name, type = excluded.type,
           billing_mode = excluded.billing_mode, archived = excluded.archived, deleted = excluded.deleted,
           match_json = excluded.match_json`
        : 'name = excluded.name, type = excluded.type, billing_mode = excluded.billing_mode';
    await this.writer.run(
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

  async deleteUsageBefore(account: string, before: number): Promise<number> {
    return this.transaction(async () => {
      const cells = 'cell IN (SELECT cell FROM cells WHERE account = $1)';
      let rows = 0;
      for (const sql of [
        `DELETE FROM delivery_rollups WHERE bucket < $2 AND ${cells}`,
        `DELETE FROM viewers WHERE bucket < $2 AND ${cells}`,
        'DELETE FROM meters WHERE bucket < $2 AND account = $1',
      ]) {
        rows += Number((await this.writer.run(sql, [account, BigInt(before)])).rowsChanged);
      }
      await this.writer.run(
        `INSERT INTO retention VALUES ($1, $2)
         ON CONFLICT (account) DO UPDATE SET kept_from = greatest(retention.kept_from, excluded.kept_from)`,
        [account, BigInt(before)],
      );
      return rows;
    });
  }

  async takeBillingSnapshot(takenAt: number, cutoff: number): Promise<BillingSnapshot> {
    return this.transaction(async () => {
      // Late data for an already billed bucket is billed by the next snapshot, in its own bucket.
      // Buckets whose usage retention deleted keep what they billed: they are left out.
      const inserted = await this.writer.run(
        `INSERT INTO billed_rollups
         SELECT $1, d.bucket, d.cell, d.delta FROM (
           SELECT coalesce(n.bucket, b.bucket) AS bucket, coalesce(n.cell, b.cell) AS cell,
             coalesce(n.bytes, 0) - coalesce(b.bytes, 0) AS delta
           FROM (SELECT bucket, cell, sum(bytes_out)::BIGINT AS bytes FROM delivery_rollups WHERE bucket < $2 GROUP BY bucket, cell) n
           FULL OUTER JOIN (SELECT bucket, cell, sum(bytes_out)::BIGINT AS bytes FROM billed_rollups GROUP BY bucket, cell) b
             ON n.bucket = b.bucket AND n.cell = b.cell
           WHERE coalesce(n.bytes, 0) <> coalesce(b.bytes, 0)
         ) d
         LEFT JOIN cells c ON c.cell = d.cell
         LEFT JOIN retention r ON r.account = c.account
         WHERE r.kept_from IS NULL OR d.bucket >= r.kept_from`,
        [BigInt(takenAt), BigInt(cutoff)],
      );
      await this.writer.run('INSERT INTO billing_snapshots VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        BigInt(takenAt),
        BigInt(cutoff),
      ]);
      return { takenAt, cutoff, changedRows: Number(inserted.rowsChanged) };
    });
  }

  async lastBillingSnapshot(): Promise<BillingSnapshot | undefined> {
    const result = await this.reader.runAndReadAll(
      `SELECT s.taken_at, s.cutoff, (SELECT count(*) FROM billed_rollups b WHERE b.taken_at = s.taken_at)
       FROM billing_snapshots s ORDER BY s.taken_at DESC LIMIT 1`,
    );
    const row = result.getRowsJS()[0];
    return row ? { takenAt: num(row[0]), cutoff: num(row[1]), changedRows: num(row[2]) } : undefined;
  }
}

const CATALOG_COLUMNS = 'kind, id, account, name, type, billing_mode, archived, deleted, match_json';

function toCatalogEntry(r: readonly unknown[]): CatalogEntry {
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
