/**
 * DuckDbDatabase: one DuckDB file, opened and migrated, with the connections both halves of the
 * DuckDB store share. Writes go through one connection under a lock, in transactions; reads use
 * connections of their own, several so that concurrent API requests do not queue behind one
 * another, and they never see a half-written batch. Reads may be answered from a cache, until a
 * commit changes what they read (read-cache.ts).
 */
import { availableParallelism } from 'node:os';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { AppError } from '../../domain/errors.js';
import { MIGRATIONS } from './migrations/index.js';
import { type Changes, ReadCache, type Reads } from './read-cache.js';

/**
 * Reading connections: one per core, at least two (a long query does not hold up a short one),
 * at most four (DuckDB parallelises each query itself; more connections only add memory).
 */
const READERS = Math.min(4, Math.max(2, availableParallelism()));

/** What a transaction changes that cached reads depend on (read-cache.ts); by default, everything. */
export interface TransactionOptions {
  changes?: Changes;
}

/** Serialises async work: DuckDB allows one open transaction per connection. */
class Lock {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.tail.then(work, work);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

const LOCK_CONFLICT = /Could not set lock on file|Conflicting lock/i;

/** A DuckDB integer (BIGINT comes back as bigint) as a number; every value stored fits in a double. */
export function num(value: unknown): number {
  return typeof value === 'bigint' ? Number(value) : (value as number);
}

export class DuckDbDatabase {
  private readonly writeLock = new Lock();
  /** Reading connections not in use, and reads waiting for one. */
  private readonly idle: DuckDBConnection[];
  private readonly waiting: ((connection: DuckDBConnection) => void)[] = [];
  private readonly cache = new ReadCache();

  private constructor(
    private readonly instance: DuckDBInstance,
    /** The one connection that writes; use it only inside `transaction`. */
    readonly writer: DuckDBConnection,
    /** The reading connections (committed data only). */
    private readonly readers: DuckDBConnection[],
  ) {
    this.idle = [...readers];
  }

  /**
   * Opens (creating if needed) and migrates the file. `path` ':memory:' gives a private database
   * for tests. A file held by another process fails at once with `data-dir-locked`.
   */
  static async open(path: string): Promise<DuckDbDatabase> {
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path);
    } catch (error) {
      const message = (error as Error).message;
      if (LOCK_CONFLICT.test(message)) {
        const pid = /PID (\d+)/.exec(message)?.[1];
        throw new AppError(
          'data-dir-locked',
          `the store ${path} is in use by another tally process${pid ? ` (pid ${pid})` : ''}`,
          { cause: error },
        );
      }
      throw new AppError('store-unavailable', `cannot open the store ${path}: ${message}`, { cause: error });
    }
    const readers: DuckDBConnection[] = [];
    for (let i = 0; i < READERS; i++) readers.push(await instance.connect());
    const database = new DuckDbDatabase(instance, await instance.connect(), readers);
    await database.migrate();
    return database;
  }

  /** A connection of its own, for a statement that may run long (a streamed result); close it after. */
  connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  /** Runs `work` on a reading connection of its own (committed data only). */
  async read<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection =
      this.idle.pop() ?? (await new Promise<DuckDBConnection>((resolve) => this.waiting.push(resolve)));
    try {
      return await work(connection);
    } finally {
      const next = this.waiting.shift();
      if (next !== undefined) next(connection);
      else this.idle.push(connection);
    }
  }

  /**
   * `read`'s result, from the cache when no commit changed what it `reads` since it was kept
   * (read-cache.ts). `key` must name everything else the result depends on; `rows` says how large
   * a result is.
   */
  cachedRead<T>(key: string, reads: Reads, read: () => Promise<T>, rows: (value: T) => number): Promise<T> {
    return this.cache.get(key, reads, read, rows);
  }

  /** Runs `work` on the writer in one transaction, after every write before it. */
  transaction<T>(work: () => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.writeLock.run(async () => {
      await this.writer.run('BEGIN TRANSACTION');
      try {
        const result = await work();
        await this.writer.run('COMMIT');
        return result;
      } catch (error) {
        await this.writer.run('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        // Once the commit is visible (or after the rollback, which changed nothing: merely cautious).
        this.cache.changed(options.changes ?? 'everything');
      }
    });
  }

  async close(): Promise<void> {
    await this.writeLock.run(async () => {
      // A checkpoint folds the WAL into the file, so the next open is fast and the file is complete.
      await this.writer.run('CHECKPOINT').catch(() => undefined);
      for (const reader of this.readers) reader.closeSync();
      this.writer.closeSync();
      this.instance.closeSync();
    });
  }

  private async migrate(): Promise<void> {
    await this.writer.run(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    const applied = await this.writer.runAndReadAll('SELECT version FROM schema_migrations');
    const done = new Set(applied.getRowsJS().map((r) => num(r[0])));
    const pending = MIGRATIONS.filter((m) => !done.has(m.version));
    if (pending.length === 0) return;
    // All pending migrations in one transaction: a new store is created in one commit, and a
    // failed upgrade leaves the store as it was.
    await this.transaction(async () => {
      for (const migration of pending) {
        await this.writer.run(migration.sql);
        await this.writer.run('INSERT INTO schema_migrations VALUES ($1, $2)', [
          migration.version,
          BigInt(Date.now()),
        ]);
      }
    });
  }
}
