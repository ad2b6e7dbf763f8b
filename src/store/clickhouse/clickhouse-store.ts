/**
 * ClickHouseStore: the scale-out backend. Usage lives in ClickHouse (a server, or a cluster of
 * shards and replicas); the registry, and the ledger that makes usage batches exactly once, live
 * in PostgreSQL (docs/SCALE.md says why). Any number of Tally processes open the same two and
 * share nothing else.
 */
import { randomBytes } from 'node:crypto';
import { PostgresDatabase } from '../postgres/postgres-database.js';
import { PostgresLedger } from '../postgres/postgres-ledger.js';
import { PostgresRegistry } from '../postgres/postgres-registry.js';
import type { Store } from '../store.js';
import type { ClickHouseLayout } from './clickhouse-layout.js';
import { schemaStatements, schemaTables } from './clickhouse-schema.js';
import type { ClickHouseSession } from './clickhouse-session.js';
import { ClickHouseUsageStore } from './clickhouse-usage-store.js';
import { stringLiteral } from './sql-literal.js';

export class ClickHouseStore implements Store {
  readonly backend = 'clickhouse';

  private constructor(
    private readonly session: ClickHouseSession,
    private readonly registryDatabase: PostgresDatabase,
    readonly usage: ClickHouseUsageStore,
    readonly registry: PostgresRegistry,
  ) {}

  /**
   * Opens the store over `session`: creates the ClickHouse schema where it is missing (on every
   * node of `layout.cluster`) and migrates the registry at `registryUrl`.
   */
  static async open(
    session: ClickHouseSession,
    layout: ClickHouseLayout,
    registryUrl: string,
  ): Promise<ClickHouseStore> {
    let registry: PostgresDatabase | undefined;
    try {
      registry = await PostgresDatabase.open(registryUrl);
      await layout.discover(session);
      // Every process opens the store; only the first (or an upgrade) runs the cluster-wide DDL.
      const found = await session.select(
        `SELECT name FROM system.tables WHERE database = ${stringLiteral(layout.database)}`,
      );
      const existing = new Set(found.map((r) => r.name));
      if (!schemaTables(layout).every((name) => existing.has(name)))
        for (const statement of schemaStatements(layout)) await session.command(statement);
    } catch (error) {
      await registry?.close();
      await session.close();
      throw error;
    }
    return new ClickHouseStore(
      session,
      registry,
      new ClickHouseUsageStore(session, layout, new PostgresLedger(registry)),
      new PostgresRegistry(registry),
    );
  }

  sharedSecret(): Promise<Buffer> {
    return this.registry.sharedSecret(randomBytes(32));
  }

  async close(): Promise<void> {
    await this.session.close();
    await this.registryDatabase.close();
  }
}
