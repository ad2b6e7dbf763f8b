/**
 * openStore: the one place a backend is chosen, at start-up. Everything after it sees a Store
 * (store.ts) and never a backend's class. The embedded DuckDB file is the only backend built so far;
 * another joins by adding its settings to `StoreSettings` and a case here.
 */
import { DuckDbStore } from './duckdb/duckdb-store.js';
import type { Store } from './store.js';

/** Which backend holds the data, and where. */
export type StoreSettings = { backend: 'duckdb' /** The DuckDB file, or ':memory:'. */; path: string };

export async function openStore(settings: StoreSettings): Promise<Store> {
  switch (settings.backend) {
    case 'duckdb':
      return DuckDbStore.open(settings.path);
  }
}
