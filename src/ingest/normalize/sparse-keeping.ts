/**
 * The keeping policy of the import's caches (path-cache.ts, cell-interner.ts). When most lookups
 * miss anyway (tokenised URLs, a new object key per request), keeping every new entry only churns
 * the cache and promotes entries the next lines never ask for; keeping every SPARSE-th still
 * catches the hot ones. The hit rate is judged over windows of lookups.
 */
const HIT_RATE_WINDOW = 65_536;
const LOW_HIT_RATE = 0.25;
const SPARSE = 16;

export class SparseKeeping {
  private lookups = 0;
  private hits = 0;
  private misses = 0;
  private keepEvery = 1;

  /** A lookup starts: closes a window when it is full. */
  lookup(): void {
    if (++this.lookups === HIT_RATE_WINDOW) {
      this.keepEvery = this.hits < HIT_RATE_WINDOW * LOW_HIT_RATE ? SPARSE : 1;
      this.lookups = 0;
      this.hits = 0;
    }
  }

  /** The lookup found its entry. */
  hit(): void {
    this.hits += 1;
  }

  /** The lookup missed: whether to keep the new entry. */
  keepMiss(): boolean {
    return ++this.misses % this.keepEvery === 0;
  }
}
