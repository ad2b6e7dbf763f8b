/** Remembered event ids in DuckDB: looked up by the registry, and by an event batch as it commits. */
import { type DuckDBConnection, LIST, listValue, VARCHAR } from '@duckdb/node-api';
import type { EventId } from '../../domain/event-id.js';

/** The ids of `ids` that `connection` sees stored, with their digests. */
export async function storedEventIds(
  connection: DuckDBConnection,
  ids: readonly { account: string; id: string }[],
): Promise<EventId[]> {
  if (ids.length === 0) return [];
  const result = await connection.runAndReadAll(
    `SELECT e.account, e.id, e.digest FROM event_ids e
     JOIN (SELECT unnest($1) AS account, unnest($2) AS id) k ON k.account = e.account AND k.id = e.id`,
    [listValue(ids.map((i) => i.account)), listValue(ids.map((i) => i.id))],
    [LIST(VARCHAR), LIST(VARCHAR)],
  );
  return result.getRowsJS().map(([account, id, digest]) => ({
    account: account as string,
    id: id as string,
    digest: digest as string,
  }));
}
