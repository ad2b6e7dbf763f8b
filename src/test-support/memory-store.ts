/** A fresh in-memory DuckDB store per test, with the given accounts (default: `default`, in UTC). */
import { afterEach, beforeEach } from 'vitest';
import type { Account } from '../domain/account.js';
import { DuckDbStore } from '../store/duckdb/duckdb-store.js';
import type { Store } from '../store/store.js';

export function useMemoryStore(
  accounts: Account[] = [{ id: 'default', name: 'd', timezone: 'UTC', parent: null }],
): () => Store {
  let store: Store | undefined;
  beforeEach(async () => {
    store = await DuckDbStore.open(':memory:');
    for (const account of accounts) await store.registry.putAccount(account);
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  return () => {
    if (!store) throw new Error('useMemoryStore: the store exists only inside a test');
    return store;
  };
}
