/**
 * Results of reads, kept until the next commit. A usage API is read far more often than it is
 * written (dashboards refresh, scripts poll the same day), and one DuckDB query costs
 * milliseconds where answering from memory costs microseconds.
 *
 * Exact by construction: every entry carries the write generation it was read at (read before the
 * read started), and is served only while no commit has happened since (DuckDbDatabase bumps the
 * generation once a commit is visible). A read that raced a commit is stored under the older
 * generation and never served. Only this process writes the DuckDB file (it holds the file's
 * lock), so no other writer can change the data under a cached entry.
 *
 * Bounded: at most MAX_ROWS rows in all (least recently used go first); a result larger than
 * MAX_ROWS_PER_ENTRY is not kept.
 */
import { LRUCache } from 'lru-cache';

const MAX_ROWS = 200_000;
const MAX_ROWS_PER_ENTRY = 20_000;

interface Entry {
  generation: number;
  value: unknown;
  rows: number;
}

export class ReadCache {
  private readonly entries = new LRUCache<string, Entry>({
    maxSize: MAX_ROWS,
    sizeCalculation: (entry) => Math.max(1, entry.rows),
  });

  /**
   * `read`'s result for `key`, from memory when it was read at `generation`; else read now and
   * kept. `rows` says how large a value is. The value is frozen: callers share it.
   */
  async get<T>(
    key: string,
    generation: number,
    read: () => Promise<T>,
    rows: (value: T) => number,
  ): Promise<T> {
    const found = this.entries.get(key);
    if (found !== undefined && found.generation === generation) return found.value as T;
    const value = await read();
    const size = rows(value);
    if (size <= MAX_ROWS_PER_ENTRY) {
      this.entries.set(key, { generation, value: freeze(value), rows: size });
    }
    return value;
  }
}

/** Freezes a value and the objects directly in it (rows of a result), so a sharer cannot change it. */
function freeze<T>(value: T): T {
  if (Array.isArray(value)) for (const item of value) Object.freeze(item);
  return Object.freeze(value);
}
