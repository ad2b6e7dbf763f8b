/**
 * DuckDbDatabase: one DuckDB file, opened and migrated, with the connections both halves of the
 * DuckDB store share. Writes go through one connection under a lock, in transactions; reads use
 * their own connection, so queries never see a half-written batch.
 */
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { AppError } from '../../domain/errors.js';
import { MIGRATIONS } from './migrations/index.js';

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

  private constructor(
    private readonly instance: DuckDBInstance,
    /** The one connection that writes; use it only inside `transaction`. */
    readonly writer: DuckDBConnection,
    /** The shared reading connection (committed data only). */
    readonly reader: DuckDBConnection,
  ) {}

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
    const database = new DuckDbDatabase(instance, await instance.connect(), await instance.connect());
    await database.migrate();
    return database;
  }

  /** A connection of its own, for a statement that may run long (a streamed result); close it after. */
  connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  /** Runs `work` on the writer in one transaction, after every write before it. */
  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.writeLock.run(async () => {
      await this.writer.run('BEGIN TRANSACTION');
      try {
        const result = await work();
        await this.writer.run('COMMIT');
        return result;
      } catch (error) {
        await this.writer.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.writeLock.run(async () => {
      // A checkpoint folds the WAL into the file, so the next open is fast and the file is complete.
      await this.writer.run('CHECKPOINT').catch(() => undefined);
      this.reader.closeSync();
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
