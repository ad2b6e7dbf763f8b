/**
 * PostgresDatabase: the registry's PostgreSQL, through a `pg` pool: migrations, transactions and
 * locks that every Tally process sharing the database honours. A server that cannot be reached is
 * `store-unavailable` (503), never a hang: connecting and each statement have time limits.
 */
import pg from 'pg';
import { AppError } from '../../domain/errors.js';
import { POSTGRES_MIGRATIONS } from './postgres-schema.js';

/**
 * Advisory locks are named; PostgreSQL hashes the name to the lock's 64-bit key
 * (`hashtextextended`), so every process agrees on it.
 */
export const LOCK_KEY = 'hashtextextended($1, 0)';

const CONNECT_TIMEOUT_MS = 10_000;
const STATEMENT_TIMEOUT_MS = 60_000;

/** A pg bigint (read as a string) or integer as a number; every value Tally stores fits a double. */
export function int(value: unknown): number {
  return typeof value === 'string' ? Number(value) : (value as number);
}

/** Errors of reaching the server (not of a statement, not of our own code) become `store-unavailable`. */
function unavailable(error: unknown, url: string): unknown {
  if (error instanceof AppError || !(error instanceof Error)) return error;
  const code = (error as { code?: string }).code ?? '';
  // SQLSTATE classes 08 (connection) and 57P (shutdown), Node's socket errors (ECONNREFUSED, ...),
  // and pg's own words for a connection that ended or never came.
  const reach =
    code.startsWith('08') ||
    code.startsWith('57P') ||
    /^E[A-Z]+$/.test(code) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      error.message,
    );
  if (!reach) return error;
  return new AppError(
    'store-unavailable',
    `the registry's PostgreSQL at ${redact(url)} cannot be reached: ${(error as Error).message}`,
    { cause: error },
  );
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured URL';
  }
}

/** Anything that runs a statement: the database (any pooled connection) or one held connection. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
}

/** `work` in one transaction on `client`; rolled back when it throws. */
export async function inTransaction<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

export class PostgresDatabase implements Queryable {
  private constructor(
    readonly pool: pg.Pool,
    private readonly url: string,
  ) {}

  static async open(url: string): Promise<PostgresDatabase> {
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
    });
    // An idle client losing its server is reported here; the next query meets the error itself.
    pool.on('error', () => undefined);
    const database = new PostgresDatabase(pool, url);
    try {
      await database.migrate();
    } catch (error) {
      await pool.end();
      // At start-up anything (a refused password, a missing database) is said plainly.
      const reason = unavailable(error, url);
      if (reason instanceof AppError) throw reason;
      throw new AppError(
        'store-unavailable',
        `the registry's PostgreSQL at ${redact(url)} refused Tally: ${(error as Error).message}`,
        { cause: error },
      );
    }
    return database;
  }

  /** One statement on any pooled connection. */
  async query(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
    try {
      return await this.pool.query(sql, params);
    } catch (error) {
      throw unavailable(error, this.url);
    }
  }

  /** `work` in one transaction on one connection; rolled back when it throws. */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.withClient((client) => inTransaction(client, () => work(client)));
  }

  /**
   * `work` holding the session-level advisory lock `name` on a connection of its own: every
   * process waits for it, and a process that dies lets it go with its connection.
   */
  async withLock<T>(name: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      await client.query(`SELECT pg_advisory_lock(${LOCK_KEY})`, [name]);
      try {
        return await work(client);
      } finally {
        await client.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [name]).catch(() => undefined);
      }
    });
  }

  private async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw unavailable(error, this.url);
    }
    let broken = false;
    try {
      return await work(client);
    } catch (error) {
      const reason = unavailable(error, this.url);
      broken = reason !== error;
      throw reason;
    } finally {
      // A connection that failed is not given back (it may still hold a lock or a transaction).
      client.release(broken);
    }
  }

  private async migrate(): Promise<void> {
    await this.withLock('tally:migrate', async (client) => {
      await client.query('CREATE TABLE IF NOT EXISTS tally_schema (version integer PRIMARY KEY)');
      const done = await client.query('SELECT version FROM tally_schema');
      const applied = new Set(done.rows.map((r) => int(r.version)));
      for (const migration of POSTGRES_MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        await inTransaction(client, async () => {
          await client.query(migration.sql);
          await client.query('INSERT INTO tally_schema VALUES ($1)', [migration.version]);
        });
      }
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
