/**
 * Where the backend's tables are: a database on one server, or on a cluster, where each table is
 * a `ReplicatedMergeTree` on every node (`<name>_local`, replicated within its shard through
 * ZooKeeper) under a `Distributed` table of the plain name that reads every shard and spreads
 * inserts across them. Names are identifiers checked here, never values: they are written into
 * statements as they are.
 */
import { AppError } from '../../domain/errors.js';
import type { ClickHouseSession } from './clickhouse-session.js';
import { stringLiteral } from './sql-literal.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export class ClickHouseLayout {
  /**
   * The native addresses (`host:port`) of each shard's replicas, in the cluster's shard order,
   * read from `system.clusters`; empty on one server.
   */
  shards: readonly (readonly string[])[] = [];

  constructor(
    readonly database: string,
    readonly cluster: string | undefined,
  ) {
    for (const [what, name] of [
      ['database', database],
      ['cluster', cluster],
    ] as const) {
      if (name !== undefined && !IDENTIFIER.test(name))
        throw new AppError(
          'bad-config',
          `store: the ClickHouse ${what} name '${name}' is not a plain identifier (letters, digits, _)`,
        );
    }
  }

  /**
   * Reads the cluster's nodes from the server (its `remote_servers`). A cluster the server does
   * not know is a configuration error, said at start-up.
   */
  async discover(session: ClickHouseSession): Promise<void> {
    if (this.cluster === undefined) return;
    const rows = await session.select(
      `SELECT shard_num, host_address, port FROM system.clusters WHERE cluster = ${stringLiteral(this.cluster)}`,
    );
    if (rows.length === 0)
      throw new AppError(
        'bad-config',
        `store: ClickHouse has no cluster '${this.cluster}' in its remote_servers`,
      );
    const shards = new Map<number, string[]>();
    for (const r of rows) {
      const shard = Number(r.shard_num);
      shards.set(shard, [...(shards.get(shard) ?? []), `${String(r.host_address)}:${String(r.port)}`]);
    }
    this.shards = [...shards.entries()].sort(([a], [b]) => a - b).map(([, addresses]) => addresses);
  }

  /** The table to read and insert through: the Distributed one on a cluster. */
  table(name: string): string {
    return `${this.database}.${name}`;
  }

  /** The table that holds the rows (what ALTER ... DELETE works on). */
  local(name: string): string {
    return this.cluster === undefined ? this.table(name) : `${this.database}.${name}_local`;
  }

  /** ` ON CLUSTER name` for statements every node must run, or nothing on one server. */
  get onCluster(): string {
    return this.cluster === undefined ? '' : ` ON CLUSTER ${this.cluster}`;
  }

  /** The engine clause of a table holding rows. */
  engine(name: string): string {
    return this.cluster === undefined
      ? 'MergeTree'
      : `ReplicatedMergeTree('/clickhouse/tables/{shard}/${this.database}/${name}', '{replica}')`;
  }

  /** `system.processes` of every node (what runs now), or of the one server. */
  get processes(): string {
    return this.everyNodeOf('system.processes');
  }

  /** `system.mutations` of every node, replicas included (to wait for deletes), or of the one server. */
  get mutations(): string {
    return this.everyNodeOf('system.mutations');
  }

  /** Servers a statement of every node reaches: every replica of every shard, or the one server. */
  get nodeCount(): number {
    return Math.max(1, this.shards.flat().length);
  }

  /**
   * A table of every node (a system table, or a local table's rows on every replica), or of the
   * one server. `cluster()` would ask one replica per shard; `remote()` with every address asks each.
   */
  everyNodeOf(table: string): string {
    const nodes = this.shards.flat();
    return nodes.length === 0 ? table : `remote(${stringLiteral(nodes.join(','))}, ${table})`;
  }
}
