/**
 * openStore: the one place a backend is chosen, at start-up. Everything after it sees a Store
 * (store.ts) and never a backend's class.
 */
import { ClickHouseLayout } from './clickhouse/clickhouse-layout.js';
import { ClickHouseStore } from './clickhouse/clickhouse-store.js';
import { HttpSession } from './clickhouse/http-session.js';
import { DuckDbStore } from './duckdb/duckdb-store.js';
import type { Store } from './store.js';
import type { StoreSettings } from './store-settings.js';

export async function openStore(settings: StoreSettings): Promise<Store> {
  switch (settings.backend) {
    case 'duckdb':
      return DuckDbStore.open(settings.path);
    case 'clickhouse':
      return ClickHouseStore.open(
        new HttpSession(settings.url),
        new ClickHouseLayout(settings.database, settings.cluster),
        settings.registry,
      );
  }
}
