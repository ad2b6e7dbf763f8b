/**
 * Store: one backend's storage, in two parts: the usage store (usage-store.ts) and the registry
 * (registry.ts). Backends (`store/duckdb`, later others) implement both and pass the same contract
 * suite (store-contract.ts); open-store.ts chooses one at start-up.
 */

import type { Registry } from './registry.js';
import type { UsageStore } from './usage-store.js';

export interface Store {
  /** `duckdb`, `clickhouse`, ...: reported by /healthz. */
  readonly backend: string;
  readonly usage: UsageStore;
  readonly registry: Registry;
  /**
   * The secret that keys viewer hashes and seals HMAC secrets when several processes share this
   * store (each must hash a viewer alike), created by the first; undefined for a store of one
   * data dir, whose install.key serves.
   */
  sharedSecret(): Promise<Buffer | undefined>;
  /** Closes both parts; nothing may use either afterwards. */
  close(): Promise<void>;
}
