/**
 * The backend's tables. Usage rows carry their dimensions as columns (no cell dictionary to join:
 * a wide, sorted table is what ClickHouse compresses and scans best), the distinct viewers of
 * their (cell, bucket) as an array, and the source and write they came from (BatchLedger).
 * Everything else Tally keeps is the registry's, in PostgreSQL.
 *
 * Every statement here runs on ClickHouse 18.16 (Debian's) and on a current ClickHouse; each is
 * `IF NOT EXISTS`, so applying the schema again changes nothing.
 */
import type { CellInfo } from '../../domain/cell.js';
import type { ClickHouseLayout } from './clickhouse-layout.js';

/**
 * The dimensions a usage row carries, in the order of their columns: the fields of its cell
 * (domain/cell.ts), written out here because they are the schema (a new one needs a migration).
 */
export const DIMENSION_COLUMNS = [
  'account',
  'app',
  'resource',
  'kind',
  'target',
  'rendition',
  'protocol',
  'zone',
  'country',
] as const satisfies readonly (keyof CellInfo)[];

const DIMENSIONS = DIMENSION_COLUMNS.map((d) => `${d} String`).join(', ');

/** Partitions by month of the bucket (UTC): retention drops and merges stay within a month. */
const PARTITION = "toYYYYMM(toDateTime(intDiv(bucket, 1000), 'UTC'))";

/**
 * Tables of usage rows carry `shard`, the shard Tally sends each row to (the Distributed table's
 * sharding key: shard i of the cluster's list takes the rows whose `shard` is i - 1), so Tally
 * knows how many rows of a write each shard must hold on every replica (see the usage store's
 * `replicated`). `billed` rows are spread at random: nothing waits on them.
 */
const TABLES: Record<string, { columns: string; orderBy: string; shardBy: string }> = {
  deliveries: {
    columns: `source String, write_id String, shard UInt32, bucket Int64, ${DIMENSIONS},
      requests Int64, ok_requests Int64, client_errors Int64, auth_failures Int64, server_errors Int64,
      bytes_out Int64, bytes_in Int64, view_seconds Float64, commands Int64, starts Int64, viewers Array(UInt64)`,
    orderBy: 'account, bucket, app, resource',
    shardBy: 'shard',
  },
  meters: {
    columns:
      'source String, write_id String, shard UInt32, account String, bucket Int64, meter String, subject String, value Float64',
    orderBy: 'account, bucket, meter, subject',
    shardBy: 'shard',
  },
  billed: {
    columns: `taken_at Int64, bucket Int64, ${DIMENSIONS}, bytes_out Int64`,
    orderBy: 'account, bucket',
    shardBy: 'rand()',
  },
};

export const USAGE_TABLES = ['deliveries', 'meters'] as const;

/** The tables the schema creates (their names within the database). */
export function schemaTables(layout: ClickHouseLayout): string[] {
  return Object.keys(TABLES).flatMap((name) =>
    layout.cluster === undefined ? [name] : [name, `${name}_local`],
  );
}

/** The statements that create the schema, in order. */
export function schemaStatements(layout: ClickHouseLayout): string[] {
  const statements = [`CREATE DATABASE IF NOT EXISTS ${layout.database}${layout.onCluster}`];
  for (const [name, table] of Object.entries(TABLES)) {
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${layout.local(name)}${layout.onCluster} (${table.columns})
       ENGINE = ${layout.engine(name)} PARTITION BY ${PARTITION} ORDER BY (${table.orderBy})`,
    );
    if (layout.cluster !== undefined)
      statements.push(
        `CREATE TABLE IF NOT EXISTS ${layout.table(name)}${layout.onCluster} AS ${layout.local(name)}
         ENGINE = Distributed(${layout.cluster}, ${layout.database}, ${name}_local, ${table.shardBy})`,
      );
  }
  return statements;
}
