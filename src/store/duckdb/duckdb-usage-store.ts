/**
 * DuckDbUsageStore: usage rows (deliveries, viewers, meters), their cells, billing snapshots and
 * retention, in the DuckDB file. An import batch's rows and its source's checkpoint commit in one
 * transaction, which is how DuckDB meets the batch contract (usage-store.ts).
 */
import type { CellInfo } from '../../domain/cell.js';
import { cellKey } from '../../domain/cell-id.js';
import type { Dimension } from '../../domain/dimensions.js';
import { AppError } from '../../domain/errors.js';
import type { Metric } from '../../domain/metrics.js';
import { numericColumn, type RollupColumns } from '../../domain/rollup-columns.js';
import type { RollupRow } from '../../domain/rollup-row.js';
import { EVENTS_SOURCE } from '../../domain/source.js';
import type { TimeWindow } from '../../domain/time-window.js';
import type { UsageQuery } from '../../domain/usage-query.js';
import type {
  BillingSnapshot,
  EventBatch,
  ImportBatch,
  MeterRow,
  UsageRow,
  UsageStore,
} from '../usage-store.js';
import { writeCatalogEntry } from './catalog-rows.js';
import { appendRollupColumns, appendViewerColumns, ROLLUP_TYPES, VIEWER_TYPES } from './column-writer.js';
import { DataChunkWriter } from './data-chunk-writer.js';
import { type DuckDbDatabase, num } from './duckdb-database.js';
import { storedEventIds } from './event-id-rows.js';
import type { Changes, Span } from './read-cache.js';
import { buildUsageSql } from './usage-sql.js';

const KNOWN_CELLS_LIMIT = 2_000_000;

/** U+0001 in a cell key (cellKey): eight between its nine parts. */
const CELL_KEY_SEPARATORS = 8;

function separatorsIn(key: string): number {
  let count = 0;
  for (let at = key.indexOf('\u0001'); at >= 0; at = key.indexOf('\u0001', at + 1)) count += 1;
  return count;
}

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

/** Per account, the buckets a batch adds usage to: what its commit changes for cached reads. */
function usageSpans(
  rows: readonly RollupRow[],
  columns: readonly RollupColumns[],
  meters: readonly MeterRow[] = [],
): Map<string, Span> {
  const spans = new Map<string, Span>();
  const add = (account: string, bucket: number) => {
    const span = spans.get(account);
    if (span === undefined) spans.set(account, { from: bucket, to: bucket + 1 });
    else {
      if (bucket < span.from) span.from = bucket;
      if (bucket >= span.to) span.to = bucket + 1;
    }
  };
  for (const { cell, bucket } of rows) add(cell.account, bucket);
  for (const part of columns) {
    const buckets = numericColumn(part, 'bucket');
    for (let r = 0; r < part.count; r++) add((part.cells[r] as CellInfo).account, buckets[r] as number);
  }
  for (const m of meters) add(m.account, m.bucket);
  return spans;
}

export class DuckDbUsageStore implements UsageStore {
  /** Cell ids known to be in `cells`, so a commit stages only new ones. */
  private readonly knownCells = new Set<bigint>();

  constructor(private readonly db: DuckDbDatabase) {}

  async commitImport(batch: ImportBatch): Promise<void> {
    const s = batch.source;
    const columns = batch.columns ?? [];
    const fresh = this.unknownCells(batch.rollups, columns);
    const write = async (): Promise<boolean> => {
      const { seq, checkpoint } = await this.sourceSlot(s.id);
      if (checkpoint !== batch.from) {
        // Everything before the checkpoint is counted: a batch ending there or before is a replay.
        if (s.offset <= checkpoint) return false;
        throw new AppError(
          'conflict',
          `source ${s.id} (${s.path}) moved while this import read it: its checkpoint is at byte ${checkpoint}, this batch starts at byte ${batch.from} (another import of the same file committed first); nothing of this batch was written`,
        );
      }
      if (fresh.size > 0) await this.addCells(fresh);
      await this.writeRollups(seq, batch.rollups);
      await this.writeColumns(seq, columns);
      await this.db.writer.run(
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
      return true;
    };
    const applied = await this.db.transaction(write, {
      changes: { usage: usageSpans(batch.rollups, columns) },
    });
    // Only once the transaction has committed are these cells known to exist.
    if (applied) this.rememberCells(fresh);
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
    const rollups = await this.db.writer.createAppender('delivery_rollups');
    const viewers = await this.db.writer.createAppender('viewers');
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
    const rollups = new DataChunkWriter(
      await this.db.writer.createAppender('delivery_rollups'),
      ROLLUP_TYPES,
    );
    const viewers = new DataChunkWriter(await this.db.writer.createAppender('viewers'), VIEWER_TYPES);
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

  async commitEvents(batch: EventBatch): Promise<void> {
    const fresh = this.unknownCells(batch.rollups, []);
    const write = async (): Promise<boolean> => {
      // A batch whose ids are all stored already, with the same payloads, was applied: a replay.
      const stored = await storedEventIds(this.db.writer, batch.ids);
      if (stored.length > 0) {
        const digests = new Map(stored.map((e) => [JSON.stringify([e.account, e.id]), e.digest]));
        const same = batch.ids.every((e) => digests.get(JSON.stringify([e.account, e.id])) === e.digest);
        if (same && stored.length === batch.ids.length) return false;
        throw new AppError(
          'conflict',
          `${stored.length} of this batch's ${batch.ids.length} event ids were stored by another batch meanwhile; nothing of this batch was written (send it again: the stored events count once)`,
        );
      }
      const { seq } = await this.sourceSlot(EVENTS_SOURCE);
      if (fresh.size > 0) await this.addCells(fresh);
      await this.writeRollups(seq, batch.rollups);
      if (batch.meters.length > 0) {
        const meters = await this.db.writer.createAppender('meters');
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
      for (const transcoder of batch.transcoders ?? [])
        await writeCatalogEntry(this.db.writer, transcoder, 'describe');
      await this.db.writer.run('DELETE FROM event_ids WHERE received_at < $1', [
        BigInt(batch.forgetIdsBefore),
      ]);
      if (batch.ids.length > 0) {
        const ids = await this.db.writer.createAppender('event_ids');
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
      await this.db.writer.run(
        `INSERT INTO sources VALUES ($1, $2, 'POST /v1/events', 0, '', 0, $3, $3, 0, $4, $5, $5, 'events')
         ON CONFLICT (id) DO UPDATE SET lines = sources.lines + excluded.lines,
           records = sources.records + excluded.records, bytes_out = sources.bytes_out + excluded.bytes_out,
           last_imported = excluded.last_imported`,
        [EVENTS_SOURCE, seq, BigInt(batch.accepted), BigInt(bytesOut), BigInt(batch.receivedAt)],
      );
      return true;
    };
    // Transcoders it describes are catalog entries: a registry change.
    const changes: Changes =
      (batch.transcoders ?? []).length > 0
        ? 'everything'
        : { usage: usageSpans(batch.rollups, [], batch.meters) };
    const applied = await this.db.transaction(write, { changes });
    if (applied) this.rememberCells(fresh);
  }

  /**
   * A source's place in the store: the small integer its rows carry (its own, or the next free one
   * for a new source) and its checkpoint (0 for a new source), in one read.
   */
  private async sourceSlot(id: string): Promise<{ seq: number; checkpoint: number }> {
    const found = await this.db.writer.runAndReadAll(
      `SELECT (SELECT seq FROM sources WHERE id = $1), (SELECT coalesce(max(seq), 0) + 1 FROM sources),
         (SELECT offset_bytes FROM sources WHERE id = $1)`,
      [id],
    );
    const [existing, next, offset] = found.getRowsJS()[0] ?? [];
    return {
      seq: num(existing ?? next),
      checkpoint: offset === undefined || offset === null ? 0 : num(offset),
    };
  }

  /**
   * Adds cells not stored yet. Each is staged as its id and key, which DuckDB splits into the
   * dimension columns (migration 8): one string per cell instead of nine. A cell whose dimensions
   * hold the key's separator themselves is staged column by column instead. Each id comes once
   * (`fresh` is keyed by it), so the insert needs no DISTINCT, which cost DuckDB a third of the
   * insert over 1M new cells. Two different cells with the same 64-bit id would merge usage, so
   * that is checked and refused (the transaction undoes the insert) instead of being silently
   * absorbed. The check runs only when the insert added fewer cells than were staged, that is when
   * some staged id was stored already (a cell this process had not seen stored): a cell the insert
   * added is the staged cell itself. An import of new object keys skips that join.
   */
  private async addCells(fresh: ReadonlyMap<bigint, CellInfo>): Promise<void> {
    const keys = await this.db.writer.createAppender('cell_key_staging');
    const columns = await this.db.writer.createAppender('cell_staging');
    try {
      for (const c of fresh.values()) {
        const key = cellKey(c.account, c);
        if (separatorsIn(key) === CELL_KEY_SEPARATORS) {
          keys.appendBigInt(c.id);
          keys.appendVarchar(key);
          keys.endRow();
          continue;
        }
        columns.appendBigInt(c.id);
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
        ])
          columns.appendVarchar(value);
        columns.endRow();
      }
      keys.flushSync();
      columns.flushSync();
    } finally {
      keys.closeSync();
      columns.closeSync();
    }
    const staged = `(SELECT cell, p[1] AS account, p[2] AS app, p[3] AS resource, p[4] AS kind, p[5] AS target,
        p[6] AS rendition, p[7] AS protocol, p[8] AS zone, p[9] AS country
      FROM (SELECT cell, string_split(cell_key, chr(1)) AS p FROM cell_key_staging)
      UNION ALL SELECT * FROM cell_staging)`;
    const added = await this.db.writer.run(
      `INSERT INTO cells SELECT * FROM ${staged} i WHERE NOT EXISTS (SELECT 1 FROM cells c WHERE c.cell = i.cell)`,
    );
    if (added.rowsChanged < fresh.size) {
      const clash = await this.db.writer.runAndReadAll(
        `SELECT count(*) FROM ${staged} i JOIN cells c USING (cell)
         WHERE (i.account, i.app, i.resource, i.kind, i.target, i.rendition, i.protocol, i.zone, i.country)
           IS DISTINCT FROM (c.account, c.app, c.resource, c.kind, c.target, c.rendition, c.protocol, c.zone, c.country)`,
      );
      if (num(clash.getRowsJS()[0]?.[0]) > 0) {
        throw new AppError(
          'internal',
          'two different cells share a 64-bit cell id; refusing to merge their usage',
        );
      }
    }
    await this.db.writer.run('DELETE FROM cell_key_staging');
    await this.db.writer.run('DELETE FROM cell_staging');
  }

  async forgetSource(id: string): Promise<boolean> {
    return this.db.transaction(async () => {
      const found = await this.db.writer.runAndReadAll('SELECT seq FROM sources WHERE id = $1', [id]);
      const seq = found.getRowsJS()[0]?.[0];
      if (seq === undefined || seq === null) return false;
      for (const table of ['delivery_rollups', 'viewers', 'meters']) {
        await this.db.writer.run(`DELETE FROM ${table} WHERE source = $1`, [num(seq)]);
      }
      // Forgetting events forgets their ids too, so the same events can be sent again.
      if (id === EVENTS_SOURCE) await this.db.writer.run('DELETE FROM event_ids');
      await this.db.writer.run('DELETE FROM sources WHERE id = $1', [id]);
      return true;
    });
  }

  queryUsage(query: UsageQuery, windows: readonly TimeWindow[]): Promise<UsageRow[]> {
    // The query and its windows are everything the rows depend on, beside the data.
    return this.db.cachedRead(
      `usage\u0001${JSON.stringify(query)}\u0001${JSON.stringify(windows)}`,
      {
        usageOf: [query.account, ...query.alsoAccounts],
        span: {
          from: windows.reduce((at, w) => Math.min(at, w.start), Number.POSITIVE_INFINITY),
          to: windows.reduce((at, w) => Math.max(at, w.end), Number.NEGATIVE_INFINITY),
        },
      },
      async () => {
        const { sql, params, types } = buildUsageSql(query, windows);
        const result = await this.db.read((c) => c.runAndReadAll(sql, params, types));
        return result.getRowsJS().map((r) => usageRow(query, r));
      },
      (rows) => rows.length,
    );
  }

  async *streamUsage(query: UsageQuery, windows: readonly TimeWindow[]): AsyncIterable<UsageRow[]> {
    const { sql, params, types } = buildUsageSql(query, windows, { paged: false });
    // A connection of its own: a streaming result lasts as long as its reader takes, and a
    // connection runs one statement at a time, so the shared reader would stall every other query.
    const connection = await this.db.connect();
    try {
      const result = await connection.stream(sql, params, types);
      for await (const batch of result.yieldRowsJs()) yield batch.map((r) => usageRow(query, r));
    } finally {
      connection.closeSync();
    }
  }

  async deleteUsageBefore(account: string, before: number): Promise<number> {
    return this.db.transaction(async () => {
      const cells = 'cell IN (SELECT cell FROM cells WHERE account = $1)';
      let rows = 0;
      for (const sql of [
        `DELETE FROM delivery_rollups WHERE bucket < $2 AND ${cells}`,
        `DELETE FROM viewers WHERE bucket < $2 AND ${cells}`,
        'DELETE FROM meters WHERE bucket < $2 AND account = $1',
      ]) {
        rows += Number((await this.db.writer.run(sql, [account, BigInt(before)])).rowsChanged);
      }
      await this.db.writer.run(
        `INSERT INTO retention VALUES ($1, $2)
         ON CONFLICT (account) DO UPDATE SET kept_from = greatest(retention.kept_from, excluded.kept_from)`,
        [account, BigInt(before)],
      );
      return rows;
    });
  }

  async takeBillingSnapshot(takenAt: number, cutoff: number): Promise<BillingSnapshot> {
    return this.db.transaction(async () => {
      // Late data for an already billed bucket is billed by the next snapshot, in its own bucket.
      // Buckets whose usage retention deleted keep what they billed: they are left out.
      const inserted = await this.db.writer.run(
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
      await this.db.writer.run('INSERT INTO billing_snapshots VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        BigInt(takenAt),
        BigInt(cutoff),
      ]);
      return { takenAt, cutoff, changedRows: Number(inserted.rowsChanged) };
    });
  }

  async lastBillingSnapshot(): Promise<BillingSnapshot | undefined> {
    const result = await this.db.read((c) =>
      c.runAndReadAll(
        `SELECT s.taken_at, s.cutoff, (SELECT count(*) FROM billed_rollups b WHERE b.taken_at = s.taken_at)
       FROM billing_snapshots s ORDER BY s.taken_at DESC LIMIT 1`,
      ),
    );
    const row = result.getRowsJS()[0];
    return row ? { takenAt: num(row[0]), cutoff: num(row[1]), changedRows: num(row[2]) } : undefined;
  }
}
