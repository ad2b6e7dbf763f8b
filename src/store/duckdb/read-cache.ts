/**
 * Results of reads, kept until a commit changes what they read. A usage API is read far more often
 * than it is written (dashboards refresh, scripts poll the same day), and one DuckDB query costs
 * milliseconds where answering from memory costs microseconds.
 *
 * Exact by construction: commits are counted, and every entry carries the count at which its read
 * started. A commit says what it changed (`Changes`): everything, nothing the cache reads, or the
 * usage of some accounts within some time (an import or an event batch); the database tells the
 * cache once the commit is visible. An entry is served only while nothing it reads (`Reads`)
 * changed since its read started, so a read that raced a commit is never served. Only this process
 * writes the DuckDB file (it holds the file's lock), so no other writer can change the data under
 * a cached entry. While one account's logs are imported, other accounts' answers, that account's
 * answers about other times (last month, while today's events arrive), and every key and account
 * lookup stay cached.
 *
 * Bounded: at most MAX_ROWS rows in all (least recently used go first); a result larger than
 * MAX_ROWS_PER_ENTRY is not kept. Reads running now are shared too, under the same rule: a read is
 * shared only with requests that came while nothing it reads had changed since it started.
 */
import { LRUCache } from 'lru-cache';

const MAX_ROWS = 200_000;
const MAX_ROWS_PER_ENTRY = 20_000;

/** Bucket instants from `from` (inclusive) to `to` (exclusive), epoch milliseconds. */
export interface Span {
  from: number;
  to: number;
}

/**
 * What a commit changed: anything (the default, and every registry write); nothing a cached read
 * reads; or only usage: per account, rows of that account in the usage tables with buckets in
 * its span, and `sources`.
 */
export type Changes = 'everything' | 'nothing' | { usage: ReadonlyMap<string, Span> };

/**
 * What a cached read reads: usage rows of these accounts with buckets in `span` (with any registry
 * table), or registry tables other than `sources` only.
 */
export type Reads = { usageOf: readonly string[]; span: Span } | 'registry';

/** Usage changes remembered per account; an entry read before the oldest of them is stale. */
const CHANGES_KEPT = 256;

/** A commit's change to one account's usage: the commit's count and the span of its rows. */
interface UsageChange {
  at: number;
  span: Span;
}

interface Entry {
  /** Commits counted when its read started. */
  readAt: number;
  reads: Reads;
  value: unknown;
  rows: number;
}

export class ReadCache {
  private readonly entries = new LRUCache<string, Entry>({
    maxSize: MAX_ROWS,
    sizeCalculation: (entry) => Math.max(1, entry.rows),
  });
  private commits = 0;
  /** The count of the last commit that changed everything. */
  private everythingAt = 0;
  /** Per account, its latest usage changes, oldest first: each with its count and span. */
  private readonly usageChanges = new Map<string, UsageChange[]>();
  /** Per account, the count of the newest usage change no longer in `usageChanges`. */
  private readonly forgottenAt = new Map<string, number>();
  /** Reads running now, by key: each with the count its read started at. */
  private readonly running = new Map<string, { readAt: number; value: Promise<unknown> }>();

  /** A commit is visible: entries reading what it changed are stale from now on. */
  changed(changes: Changes): void {
    if (changes === 'nothing') return;
    const at = ++this.commits;
    if (changes === 'everything') {
      this.everythingAt = at;
      return;
    }
    for (const [account, span] of changes.usage) {
      let list = this.usageChanges.get(account);
      if (list === undefined) {
        list = [];
        this.usageChanges.set(account, list);
      }
      list.push({ at, span });
      if (list.length > CHANGES_KEPT) this.forgottenAt.set(account, list.shift()?.at ?? at);
    }
  }

  /**
   * `read`'s result for `key`, from memory when nothing it `reads` changed since it was read; else
   * read now and kept. `key` must name everything else the result depends on; `rows` says how
   * large a value is. The value is frozen: callers share it.
   */
  async get<T>(key: string, reads: Reads, read: () => Promise<T>, rows: (value: T) => number): Promise<T> {
    const found = this.entries.get(key);
    if (found !== undefined && this.unchangedSince(found.readAt, found.reads)) return found.value as T;
    // The same read already running, started after the last change to what it reads, answers this
    // one too: after a commit, ten clients polling the same answer make one query, not ten.
    const running = this.running.get(key);
    if (running !== undefined && this.unchangedSince(running.readAt, reads))
      return running.value as Promise<T>;
    // Counted before the read starts: a commit visible during the read makes the entry stale.
    const readAt = this.commits;
    const value = read().then((v) => {
      const shared = freeze(v);
      const size = rows(shared);
      // A read that started earlier and ended later does not replace a newer answer.
      const kept = this.entries.peek(key);
      if (size <= MAX_ROWS_PER_ENTRY && (kept === undefined || kept.readAt <= readAt))
        this.entries.set(key, { readAt, reads, value: shared, rows: size });
      return shared;
    });
    const mine = { readAt, value };
    this.running.set(key, mine);
    try {
      return await value;
    } finally {
      if (this.running.get(key) === mine) this.running.delete(key);
    }
  }

  private unchangedSince(readAt: number, reads: Reads): boolean {
    if (this.everythingAt > readAt) return false;
    if (reads === 'registry') return true;
    const { from, to } = reads.span;
    for (const account of reads.usageOf) {
      if ((this.forgottenAt.get(account) ?? 0) > readAt) return false;
      const list = this.usageChanges.get(account) ?? [];
      for (let i = list.length - 1; i >= 0; i--) {
        const change = list[i] as UsageChange;
        if (change.at <= readAt) break;
        if (change.span.from < to && from < change.span.to) return false;
      }
    }
    return true;
  }
}

/** Freezes a value and the objects directly in it (rows of a result), so a sharer cannot change it. */
function freeze<T>(value: T): T {
  if (Array.isArray(value)) for (const item of value) Object.freeze(item);
  return Object.freeze(value);
}
