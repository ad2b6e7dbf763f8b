/**
 * ClickHouseUsageStore: usage rows in ClickHouse (one server or a sharded, replicated cluster),
 * applied exactly once without transactions through the registry's BatchLedger:
 * 1. hold the source (one writer per source across every process);
 * 2. remove the rows of a write its last holder began and never finished (a crash, a lost
 *    server), and wait until the delete is done on every replica;
 * 3. check the batch continues the checkpoint (a replay changes nothing, a gap is a `conflict`);
 * 4. record the write as begun, insert its rows tagged with a fresh write id (acknowledged only
 *    once every shard stored them), wait until every live replica holds them, then move the
 *    checkpoint and end the write in one registry transaction.
 * A failure at any step leaves the checkpoint where it was; the rows of a half-done write are
 * removed by step 2 of the next one. Fresh write ids also keep ReplicatedMergeTree from dropping
 * a re-sent block as a duplicate of rows step 2 has just deleted.
 */
import { randomUUID } from 'node:crypto';
import type { Dimension } from '../../domain/dimensions.js';
import { AppError } from '../../domain/errors.js';
import type { Metric } from '../../domain/metrics.js';
import { rowsOf } from '../../domain/rollup-columns.js';
import type { RollupRow } from '../../domain/rollup-row.js';
import { EVENTS_SOURCE } from '../../domain/source.js';
import type { TimeWindow } from '../../domain/time-window.js';
import type { UsageQuery } from '../../domain/usage-query.js';
import type { BatchLedger, LedgerSource } from '../batch-ledger.js';
import type {
  BillingSnapshot,
  EventBatch,
  ImportBatch,
  MeterRow,
  UsageRow,
  UsageStore,
} from '../usage-store.js';
import type { ClickHouseLayout } from './clickhouse-layout.js';
import { DIMENSION_COLUMNS, USAGE_TABLES } from './clickhouse-schema.js';
import type { ClickHouseRow, ClickHouseSession } from './clickhouse-session.js';
import { arrayLiteral, int64Literal, stringLiteral } from './sql-literal.js';
import { buildUsageSelect } from './usage-select.js';

/** How long a delete may take on every replica before the write is refused as unavailable. */
const DELETE_WAIT_MS = 120_000;
/** How long a write may take to reach every live replica before it is refused as unavailable. */
const REPLICATION_WAIT_MS = 60_000;

function deliveryRow(source: string, write: string, row: RollupRow): ClickHouseRow {
  const out: ClickHouseRow = {
    source,
    write_id: write,
    bucket: row.bucket,
    requests: row.requests,
    ok_requests: row.okRequests,
    client_errors: row.clientErrors,
    auth_failures: row.authFailures,
    server_errors: row.serverErrors,
    bytes_out: row.bytesOut,
    bytes_in: row.bytesIn,
    view_seconds: row.viewSeconds,
    commands: row.commands,
    starts: row.starts,
    // UInt64 beyond 2^53: as decimal strings, which JSONEachRow reads exactly.
    viewers: row.viewers.map(String),
  };
  for (const d of DIMENSION_COLUMNS) out[d] = row.cell[d];
  return out;
}

function meterRow(write: string, m: MeterRow): ClickHouseRow {
  return {
    source: EVENTS_SOURCE,
    write_id: write,
    account: m.account,
    bucket: m.bucket,
    meter: m.meter,
    subject: m.subject,
    value: m.value,
  };
}

/** A result row of buildUsageSelect: the window index `w`, the dimensions, the metrics. */
function usageRow(query: UsageQuery, windows: readonly TimeWindow[], r: ClickHouseRow): UsageRow {
  const window = windows[Number(r.w) - 1];
  if (window === undefined)
    throw new AppError('internal', `ClickHouse answered window ${String(r.w)} of ${windows.length}`);
  const dimensions: Partial<Record<Dimension, string>> = {};
  for (const d of query.groupBy) dimensions[d] = r[d] as string;
  const metrics: Partial<Record<Metric, number>> = {};
  for (const m of query.metrics) metrics[m] = Number(r[m]);
  return { windowStart: window.start, windowEnd: window.end, dimensions, metrics };
}

export class ClickHouseUsageStore implements UsageStore {
  constructor(
    private readonly ch: ClickHouseSession,
    private readonly layout: ClickHouseLayout,
    private readonly ledger: BatchLedger,
  ) {}

  async commitImport(batch: ImportBatch): Promise<void> {
    const s = batch.source;
    await this.ledger.withSource(s.id, async (held) => {
      await this.recover(s.id, held);
      if (held.checkpoint !== batch.from) {
        // Everything before the checkpoint is counted: a batch ending there or before is a replay.
        if (s.offset <= held.checkpoint) return;
        throw new AppError(
          'conflict',
          `source ${s.id} (${s.path}) moved while this import read it: its checkpoint is at byte ${held.checkpoint}, this batch starts at byte ${batch.from} (another import of the same file committed first); nothing of this batch was written`,
        );
      }
      const rows = [...batch.rollups, ...(batch.columns ?? []).flatMap(rowsOf)];
      if (rows.length > 0) {
        const write = randomUUID();
        await held.begin(write);
        await this.insertWrite(
          'deliveries',
          write,
          rows.map((r) => deliveryRow(s.id, write, r)),
        );
      }
      await held.finishImport(s);
    });
  }

  async commitEvents(batch: EventBatch): Promise<void> {
    await this.ledger.withSource(EVENTS_SOURCE, async (held) => {
      await this.recover(EVENTS_SOURCE, held);
      // A batch whose ids are all stored already, with the same payloads, was applied: a replay.
      const stored = await held.storedEventIds(batch.ids);
      if (stored.length > 0) {
        const digests = new Map(stored.map((e) => [JSON.stringify([e.account, e.id]), e.digest]));
        const same = batch.ids.every((e) => digests.get(JSON.stringify([e.account, e.id])) === e.digest);
        if (same && stored.length === batch.ids.length) return;
        throw new AppError(
          'conflict',
          `${stored.length} of this batch's ${batch.ids.length} event ids were stored by another batch meanwhile; nothing of this batch was written (send it again: the stored events count once)`,
        );
      }
      if (batch.rollups.length > 0 || batch.meters.length > 0) {
        const write = randomUUID();
        await held.begin(write);
        await this.insertWrite(
          'deliveries',
          write,
          batch.rollups.map((r) => deliveryRow(EVENTS_SOURCE, write, r)),
        );
        await this.insertWrite(
          'meters',
          write,
          batch.meters.map((m) => meterRow(write, m)),
        );
      }
      const bytesOut = batch.rollups.reduce((sum, r) => sum + r.bytesOut, 0);
      await held.finishEvents(batch, bytesOut);
    });
  }

  /**
   * Inserts a write's rows into `table` and returns once every live replica of every shard holds
   * them. Rows go to the shards in turn (their `shard` column is the Distributed table's sharding
   * key), so Tally knows what each shard must hold. The query id starts with the write id, so
   * `recover` can wait for an insert whose client died.
   */
  private async insertWrite(table: string, write: string, rows: ClickHouseRow[]): Promise<void> {
    if (rows.length === 0) return;
    const shards = Math.max(1, this.layout.shards.length);
    const expected = new Array<number>(shards).fill(0);
    rows.forEach((row, i) => {
      row.shard = i % shards;
      expected[i % shards] = (expected[i % shards] ?? 0) + 1;
    });
    await this.ch.insert(this.layout.table(table), rows, { queryId: `${write}-${table}` });
    await this.replicated(table, write, expected);
  }

  /**
   * Waits until every live replica of each shard holds the write's rows that shard took: the
   * count over a shard's live replicas is its rows times its live replicas. Then a read from any
   * replica sees them, and a replica lost afterwards loses none of them. (18.16 cannot say which
   * node answered a row, hence the counts; a shard with no live replica failed the insert.)
   */
  private async replicated(table: string, write: string, expected: readonly number[]): Promise<void> {
    if (this.layout.shards.length === 0) return;
    const parts = this.layout.shards.flatMap((addresses, s) => {
      const nodes = stringLiteral(addresses.join(','));
      return [
        `SELECT toUInt32(${s}) AS shard, 'live' AS what, toUInt64(count()) AS n FROM remote(${nodes}, system.one)`,
        `SELECT toUInt32(${s}) AS shard, 'rows' AS what, toUInt64(count()) AS n FROM remote(${nodes}, ${this.layout.local(table)})
         WHERE write_id = ${stringLiteral(write)}`,
      ];
    });
    const sql = `SELECT shard, what, n FROM (${parts.join(' UNION ALL ')}) SETTINGS skip_unavailable_shards = 1`;
    await this.waitUntil(
      async () => {
        const counts = new Map((await this.ch.select(sql)).map((r) => [`${r.shard}:${r.what}`, Number(r.n)]));
        return expected.every((rows, s) => counts.get(`${s}:rows`) === rows * (counts.get(`${s}:live`) ?? 0));
      },
      REPLICATION_WAIT_MS,
      `the replicas of ${this.layout.table(table)} do not all hold the rows just written (replication is behind or stopped); the next write of this source removes those rows`,
    );
  }

  /**
   * Removes the rows of the source's unfinished write, if it has one. An insert whose client died
   * may still be running on a node; it is waited for first, so the delete covers its rows.
   */
  private async recover(source: string, held: LedgerSource): Promise<void> {
    if (held.pending === null) return;
    await this.untilNone(
      `SELECT count() AS n FROM ${this.layout.processes} WHERE initial_query_id LIKE ${stringLiteral(`${held.pending}-%`)} SETTINGS skip_unavailable_shards = 1`,
      'an insert of an interrupted write is still running',
    );
    const where = `source = ${stringLiteral(source)} AND write_id = ${stringLiteral(held.pending)}`;
    await this.deleteWhere(where, await this.tablesMaybeHolding(where));
    await held.abandon();
  }

  /**
   * The usage tables where some node holds a row matching `where`, or all of them unless every node
   * answered (one question for every table). Inserts are synchronous (http-session.ts) and none of
   * the write is running, so no row can come later from a live node; a node down might hold some.
   * A write interrupted before its insert (or whose rows an earlier recovery already deleted) then
   * needs no delete: an `ALTER ... ON CLUSTER` on replicated tables is the step 18.16 is least
   * safe at (two replicas of a shard can race on it, and the loser's DDL worker stops taking tasks).
   */
  private async tablesMaybeHolding(where: string): Promise<string[]> {
    const counts = USAGE_TABLES.map(
      (table, i) =>
        `(SELECT count() FROM ${this.layout.everyNodeOf(this.layout.local(table))} WHERE ${where}) AS n${i}`,
    );
    const [found] = await this.ch.select(
      `SELECT (SELECT count() FROM ${this.layout.everyNodeOf('system.one')}) AS live, ${counts.join(', ')}
       SETTINGS skip_unavailable_shards = 1`,
    );
    const everyNode = Number(found?.live) === this.layout.nodeCount;
    return USAGE_TABLES.filter((_, i) => !everyNode || Number(found?.[`n${i}`]) !== 0);
  }

  /**
   * Deletes the rows matching `where` from `tables` on every node, and returns once no replica
   * has a delete still to do: rows deleted are gone from every later read.
   */
  private async deleteWhere(where: string, tables: readonly string[]): Promise<void> {
    if (tables.length === 0) return;
    for (const table of tables) {
      try {
        await this.ch.command(
          `ALTER TABLE ${this.layout.local(table)}${this.layout.onCluster} DELETE WHERE ${where}`,
          this.layout.cluster === undefined ? {} : { distributed_ddl_task_timeout: 30 },
        );
      } catch (error) {
        await this.whenEveryNodeRan(error);
      }
    }
    await this.untilNone(
      `SELECT count() AS n FROM ${this.layout.mutations} WHERE database = ${stringLiteral(this.layout.database)} AND is_done = 0 SETTINGS skip_unavailable_shards = 1`,
      'deleting rows is not finished (system.mutations)',
    );
  }

  /**
   * An `ON CLUSTER` statement whose answer timed out is not a failed one: it is queued on every
   * node, and a node busy with earlier statements (or down) runs it later. Waits until every node
   * has run it (ZooKeeper lists them under the task's `finished`); rethrows any other error.
   */
  private async whenEveryNodeRan(error: unknown): Promise<void> {
    const task = /Watching task (\/[\w/.-]+) is executing longer/.exec(
      String((error as Error)?.message),
    )?.[1];
    if (task === undefined) throw error;
    const nodes = this.layout.nodeCount;
    await this.waitUntil(
      async () => {
        const [done] = await this.ch.select(
          `SELECT count() AS n FROM system.zookeeper WHERE path = ${stringLiteral(`${task}/finished`)}`,
        );
        return Number(done?.n) >= nodes;
      },
      DELETE_WAIT_MS,
      `a delete queued on every node (${task}) has not run on all of them`,
    );
  }

  /** Waits until `countSql` counts 0 on the cluster. */
  private untilNone(countSql: string, what: string): Promise<void> {
    return this.waitUntil(
      async () => Number((await this.ch.select(countSql))[0]?.n) === 0,
      DELETE_WAIT_MS,
      what,
    );
  }

  /**
   * Asks `done` every 50 ms until it holds. Past `limitMs` the store is unavailable: the write
   * that waited is not made, and its checkpoint does not move.
   */
  private async waitUntil(done: () => Promise<boolean>, limitMs: number, what: string): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (!(await done())) {
      if (Date.now() > deadline)
        throw new AppError(
          'store-unavailable',
          `ClickHouse: after ${limitMs / 1000} s, ${what}; the checkpoint did not move`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async forgetSource(id: string): Promise<boolean> {
    return this.ledger.withSource(id, async (held) => {
      if (!held.exists && held.pending === null) return false;
      await this.deleteWhere(`source = ${stringLiteral(id)}`, USAGE_TABLES);
      await held.forget();
      return held.exists;
    });
  }

  async queryUsage(query: UsageQuery, windows: readonly TimeWindow[]): Promise<UsageRow[]> {
    const rows = await this.ch.select(buildUsageSelect(this.layout, query, windows));
    return rows.map((r) => usageRow(query, windows, r));
  }

  async *streamUsage(query: UsageQuery, windows: readonly TimeWindow[]): AsyncIterable<UsageRow[]> {
    for await (const rows of this.ch.stream(buildUsageSelect(this.layout, query, windows, { paged: false })))
      yield rows.map((r) => usageRow(query, windows, r));
  }

  async deleteUsageBefore(account: string, before: number): Promise<number> {
    const where = `account = ${stringLiteral(account)} AND bucket < ${int64Literal(before)}`;
    // Counted as DuckDB counts them: delivery rows, one viewer row per distinct viewer, meter rows.
    const [counted] = await this.ch.select(
      `SELECT (SELECT toInt64(count() + sum(length(viewers))) FROM ${this.layout.table('deliveries')} WHERE ${where})
         + (SELECT toInt64(count()) FROM ${this.layout.table('meters')} WHERE ${where}) AS n`,
    );
    await this.deleteWhere(where, USAGE_TABLES);
    await this.ledger.retain(account, before);
    return Number(counted?.n ?? 0);
  }

  async takeBillingSnapshot(takenAt: number, cutoff: number): Promise<BillingSnapshot> {
    return this.ledger.withBilling(async () => {
      const kept = await this.ledger.retention();
      // Buckets whose usage retention deleted keep what they billed: they are left out.
      const keptFrom =
        kept.size === 0
          ? ''
          : ` AND bucket >= transform(account, [${[...kept.keys()].map(stringLiteral).join(', ')}], ${arrayLiteral(
              [...kept.values()].map((v) => `toInt64(${int64Literal(v)})`),
            )}, toInt64(${int64Literal(-(2n ** 63n))}))`;
      const dims = DIMENSION_COLUMNS.join(', ');
      const taken = int64Literal(takenAt);
      // Late data for an already billed bucket is billed by the next snapshot, in its own bucket:
      // the delta is the delivery bytes now less every delta billed so far, per (cell, bucket).
      await this.ch.command(
        `INSERT INTO ${this.layout.table('billed')} (taken_at, bucket, ${dims}, bytes_out)
         SELECT ${taken}, bucket, ${dims}, delta FROM (
           SELECT bucket, ${dims}, toInt64(sum(b)) AS delta FROM (
             SELECT bucket, ${dims}, bytes_out AS b FROM ${this.layout.table('deliveries')} WHERE bucket < ${int64Literal(cutoff)}
             UNION ALL
             SELECT bucket, ${dims}, -bytes_out AS b FROM ${this.layout.table('billed')}
           ) GROUP BY bucket, ${dims}
         ) WHERE delta != 0${keptFrom}`,
      );
      const [changed] = await this.ch.select(
        `SELECT toInt64(count()) AS n FROM ${this.layout.table('billed')} WHERE taken_at = ${taken}`,
      );
      const snapshot = { takenAt, cutoff, changedRows: Number(changed?.n ?? 0) };
      await this.ledger.putSnapshot(snapshot);
      return snapshot;
    });
  }

  lastBillingSnapshot(): Promise<BillingSnapshot | undefined> {
    return this.ledger.lastSnapshot();
  }
}
