/**
 * ChdbSession: a ClickHouseSession on the embedded current ClickHouse of the `chdb` package, so the
 * backend's statements are checked against today's engine as well as Debian's 18.16 (tests only).
 */
import type { Session } from 'chdb';
import type { ClickHouseRow, ClickHouseSession, InsertOptions } from '../clickhouse-session.js';

const JSON_SETTINGS = ' SETTINGS output_format_json_quote_64bit_integers = 1';

export class ChdbSession implements ClickHouseSession {
  constructor(private readonly session: Session) {}

  async command(sql: string): Promise<void> {
    this.session.query(sql);
  }

  async select(sql: string): Promise<ClickHouseRow[]> {
    const out = this.session.query(`${sql}${JSON_SETTINGS}`, 'JSONEachRow');
    return out
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as ClickHouseRow);
  }

  async *stream(sql: string): AsyncIterable<ClickHouseRow[]> {
    const rows = await this.select(sql);
    for (let i = 0; i < rows.length; i += 1000) yield rows.slice(i, i + 1000);
  }

  /** Options are a server's: the embedded engine runs one statement at a time, nothing to wait for. */
  async insert(table: string, rows: readonly ClickHouseRow[], _options?: InsertOptions): Promise<void> {
    if (rows.length === 0) return;
    this.session.query(
      `INSERT INTO ${table} FORMAT JSONEachRow\n${rows.map((r) => JSON.stringify(r)).join('\n')}`,
    );
  }

  async close(): Promise<void> {}
}
