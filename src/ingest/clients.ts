/**
 * The client addresses of an import, each looked up once: its country (geo) and, per aggregation
 * batch, its viewer id. Log lines repeat a few thousand addresses millions of times, so one map
 * lookup per line here replaces both a geo lookup and the aggregator's own viewer lookup.
 */
import type { CountryLookup } from './geo.js';
import { ownString } from './own-string.js';

export interface Client {
  /** The address as logged (owned, not a slice of a chunk). */
  readonly address: string;
  /** ISO country code, '' when unknown. */
  readonly country: string;
  /** Viewer id in the aggregator's batch `batch` (set by the aggregator). */
  viewerId: number;
  batch: number;
}

const LIMIT = 500_000;
const NOBODY: Client = { address: '', country: '', viewerId: -1, batch: -1 };

export class ClientTable {
  private readonly byAddress = new Map<string, Client>();

  constructor(private readonly countryOf: CountryLookup | undefined) {}

  get(address: string): Client {
    if (address === '') return NOBODY;
    let client = this.byAddress.get(address);
    if (client === undefined) {
      // After a clear, an address seen before gets a new Client and may get a second viewer id in
      // the same batch: both hash alike, and viewers are counted distinct, so counts stay exact.
      if (this.byAddress.size >= LIMIT) this.byAddress.clear();
      const owned = ownString(address);
      client = { address: owned, country: this.countryOf?.(owned) ?? '', viewerId: -1, batch: -1 };
      this.byAddress.set(owned, client);
    }
    return client;
  }
}
