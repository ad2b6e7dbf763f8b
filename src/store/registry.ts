/**
 * Registry: what Tally knows besides usage: accounts, API keys and used signatures, the catalog,
 * sources with their checkpoints, and the event ids it remembers. Usage batches move checkpoints
 * and record event ids as part of being applied (usage-store.ts); the registry reads them.
 */

import type { Account } from '../domain/account.js';
import type { KeyScheme, StoredKey } from '../domain/api-key.js';
import type { CatalogEntry, CatalogKind } from '../domain/catalog.js';
import type { EventId } from '../domain/event-id.js';
import type { SourceState } from '../domain/source.js';

export interface Registry {
  listAccounts(): Promise<Account[]>;
  getAccount(id: string): Promise<Account | undefined>;
  /** Creates or replaces an account. */
  putAccount(account: Account): Promise<void>;

  /** Every source with its checkpoint, in the order they were first imported. */
  listSources(): Promise<SourceState[]>;
  /** The event ids given that are still remembered, with their digests. */
  findEventIds(ids: readonly { account: string; id: string }[]): Promise<EventId[]>;

  /**
   * Records a signed request's signature digest as used until `expiresAt`; false when it was
   * already used and has not expired (a replay). Durable: a restart does not forget it.
   */
  claimSignature(scheme: KeyScheme, digest: string, now: number, expiresAt: number): Promise<boolean>;

  putKey(key: StoredKey): Promise<void>;
  getKey(id: string): Promise<StoredKey | undefined>;
  listKeys(): Promise<StoredKey[]>;
  /** Marks a key revoked; false when there is no such active key. */
  revokeKey(id: string, at: number): Promise<boolean>;

  /** Catalog entries, of one account or all, ordered by kind and id. */
  listCatalog(account?: string): Promise<CatalogEntry[]>;
  getCatalogEntry(kind: CatalogKind, id: string): Promise<CatalogEntry | undefined>;
  /** Creates or replaces an entry (ids are unique per kind across accounts). */
  putCatalogEntry(entry: CatalogEntry): Promise<void>;
}
