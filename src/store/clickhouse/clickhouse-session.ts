/**
 * ClickHouseSession: the four things the ClickHouse backend asks of a server. The statements are
 * whole SQL texts (values only through sql-literal.ts); rows come back as JSON objects with
 * 64-bit integers as strings. http-session.ts speaks to a server through the official client; the
 * tests also run the same statements on an embedded current ClickHouse through this interface.
 */
export type ClickHouseRow = Record<string, unknown>;

export interface InsertOptions {
  settings?: Record<string, number>;
  /** The query id, which every node's `system.processes` shows as `initial_query_id` while it runs. */
  queryId?: string;
}

export interface ClickHouseSession {
  /** Runs a statement that returns nothing (DDL, ALTER, INSERT ... SELECT), with extra settings. */
  command(sql: string, settings?: Record<string, number>): Promise<void>;
  /** Runs a SELECT (without a FORMAT clause) and reads every row. */
  select(sql: string): Promise<ClickHouseRow[]>;
  /** Runs a SELECT (without a FORMAT clause) and yields its rows a batch at a time. */
  stream(sql: string): AsyncIterable<ClickHouseRow[]>;
  /**
   * Inserts rows into `table` (JSONEachRow: 64-bit integers may be given as strings). Resolves
   * once the server acknowledged them; through a Distributed table, once every shard did.
   */
  insert(table: string, rows: readonly ClickHouseRow[], options?: InsertOptions): Promise<void>;
  close(): Promise<void>;
}
