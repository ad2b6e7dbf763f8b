/**
 * openStore: the one place a backend is chosen, at start-up. Everything after it sees a Store
 * (store.ts) and never a backend's class. The scale-out backend (and its ClickHouse and
 * PostgreSQL clients) is loaded only when it is chosen, so commands on the embedded default start
 * without them.
 */
import { DuckDbStore } from './duckdb/duckdb-store.js';
import type { Store } from './store.js';
import type { StoreSettings } from './store-settings.js';

export async function openStore(settings: StoreSettings): Promise<Store> {
  switch (settings.backend) {
    case 'duckdb':
      return DuckDbStore.open(settings.path);
    case 'clickhouse': {
      const [{ ClickHouseStore }, { ClickHouseLayout }, { HttpSession }] = await Promise.all([
        import('./clickhouse/clickhouse-store.js'),
        import('./clickhouse/clickhouse-layout.js'),
        import('./clickhouse/http-session.js'),
      ]);
      return ClickHouseStore.open(
        new HttpSession(settings.url),
        new ClickHouseLayout(settings.database, settings.cluster),
        settings.registry,
      );
    }
  }
}
