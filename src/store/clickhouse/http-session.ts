/**
 * HttpSession: a ClickHouseSession over HTTP through the official client (`@clickhouse/client`).
 * A server that cannot be reached, or that fails a statement for want of a replica or of
 * ZooKeeper, is `store-unavailable` (503) with ClickHouse's own message.
 */
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { AppError } from '../../domain/errors.js';
import type { ClickHouseRow, ClickHouseSession, InsertOptions } from './clickhouse-session.js';

const REQUEST_TIMEOUT_MS = 120_000;

/**
 * Settings every statement carries. `insert_distributed_sync`: an insert through a Distributed
 * table is acknowledged only after every shard stored its part (the default queues it locally,
 * which would let a checkpoint move before the rows are on the cluster).
 */
const SETTINGS = {
  insert_distributed_sync: 1,
  // Reads and writes go to the first live replica of each shard. Usage writes wait for every
  // live replica anyway (the usage store); this keeps a billing snapshot's INSERT ... SELECT and
  // its count of the rows it wrote on the same replica.
  load_balancing: 'in_order',
  // ... unless it is more than 2 s behind (a replica back from a stop, still copying): then
  // another replica of the shard answers.
  max_replica_delay_for_distributed_queries: '2',
  // Progress headers keep a long query's connection busy, so no proxy drops it as idle.
  send_progress_in_http_headers: 1,
  http_headers_progress_interval_ms: '10000',
} as const;

/** Errors of ClickHouse itself (a bad statement) keep their message; failing to reach it is 503. */
function classify(error: unknown, url: string, what: string): AppError {
  const message = (error as Error).message ?? String(error);
  const code = (error as { code?: string }).code;
  const statement = code !== undefined && /^\d+$/.test(code) && !UNAVAILABLE_CODES.has(Number(code));
  return new AppError(
    statement ? 'internal' : 'store-unavailable',
    `ClickHouse at ${url} ${statement ? 'refused' : 'could not complete'} ${what}: ${message}`,
    { cause: error },
  );
}

/**
 * ClickHouse error codes that mean "not now" rather than "wrong": no replica, ZooKeeper or
 * network trouble, timeouts, too many parts or queries, a table read-only for want of ZooKeeper.
 */
const UNAVAILABLE_CODES = new Set([
  3, 159, 164, 198, 209, 210, 225, 236, 242, 252, 279, 285, 286, 319, 341, 999, 1000,
]);

export class HttpSession implements ClickHouseSession {
  private readonly client: ClickHouseClient;

  /** The server, as messages name it: without credentials. */
  private readonly url: string;

  /** `url`: http(s)://[user:password@]host:port (statements name their tables' database). */
  constructor(url: string) {
    const address = new URL(url);
    this.url = `${address.protocol}//${address.host}`;
    this.client = createClient({
      url,
      request_timeout: REQUEST_TIMEOUT_MS,
      clickhouse_settings: SETTINGS,
      // Failures come back to Tally, which says them once in its own words (and the client's
      // log would print every setting of the failed request on stderr).
      log: { level: ClickHouseLogLevel.OFF },
    });
  }

  async command(sql: string, settings: Record<string, number> = {}): Promise<void> {
    try {
      await this.client.command({ query: sql, clickhouse_settings: { ...SETTINGS, ...settings } });
    } catch (error) {
      throw classify(error, this.url, 'a statement');
    }
  }

  async select(sql: string): Promise<ClickHouseRow[]> {
    try {
      const result = await this.client.query({ query: sql, format: 'JSONEachRow' });
      return await result.json<ClickHouseRow>();
    } catch (error) {
      throw classify(error, this.url, 'a query');
    }
  }

  async *stream(sql: string): AsyncIterable<ClickHouseRow[]> {
    let result: Awaited<ReturnType<ClickHouseClient['query']>>;
    try {
      result = await this.client.query({ query: sql, format: 'JSONEachRow' });
    } catch (error) {
      throw classify(error, this.url, 'a query');
    }
    const stream = result.stream<ClickHouseRow>();
    try {
      for await (const rows of stream) yield rows.map((row) => row.json<ClickHouseRow>());
    } finally {
      // A reader that stops early ends the response, so the connection is not left half-read.
      stream.destroy();
    }
  }

  async insert(table: string, rows: readonly ClickHouseRow[], options: InsertOptions = {}): Promise<void> {
    if (rows.length === 0) return;
    try {
      await this.client.insert({
        table,
        values: rows as ClickHouseRow[],
        format: 'JSONEachRow',
        clickhouse_settings: { ...SETTINGS, ...options.settings },
        ...(options.queryId === undefined ? {} : { query_id: options.queryId }),
      });
    } catch (error) {
      throw classify(error, this.url, `an insert into ${table}`);
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
