/**
 * DuckDbStore: the embedded default backend, one DuckDB file in the data dir holding both the
 * usage store and the registry (they share its connections and its write lock).
 */
import type { Store } from '../store.js';
import { DuckDbDatabase } from './duckdb-database.js';
import { DuckDbRegistry } from './duckdb-registry.js';
import { DuckDbUsageStore } from './duckdb-usage-store.js';

export class DuckDbStore implements Store {
  readonly backend = 'duckdb';
  readonly usage: DuckDbUsageStore;
  readonly registry: DuckDbRegistry;

  private constructor(private readonly db: DuckDbDatabase) {
    this.usage = new DuckDbUsageStore(db);
    this.registry = new DuckDbRegistry(db);
  }

  /**
   * Opens (creating if needed) and migrates the store. `path` ':memory:' gives a private store
   * for tests. A file held by another process fails at once with `data-dir-locked`.
   */
  static async open(path: string): Promise<DuckDbStore> {
    return new DuckDbStore(await DuckDbDatabase.open(path));
  }

  /** One data dir's store: its install.key is the secret. */
  async sharedSecret(): Promise<undefined> {
    return undefined;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
