/**
 * Which backend holds the data, and where: the embedded DuckDB file of the data dir, or ClickHouse
 * with its registry in PostgreSQL. Given as `--store URL` or as the config's `store` object;
 * both are read here, and anything wrong is a `bad-config` naming what.
 *
 *   clickhouse://[user:password@]host:8123/database?cluster=NAME&registry=postgres%3A%2F%2F...
 *   clickhouses://...   the same over HTTPS
 */
import { AppError } from '../domain/errors.js';

export type StoreSettings =
  | { backend: 'duckdb' /** The DuckDB file, or ':memory:'. */; path: string }
  | {
      backend: 'clickhouse';
      /** The server's HTTP(S) URL, with its credentials if any. */
      url: string;
      database: string;
      /** The cluster of `remote_servers` whose shards and replicas hold the tables. */
      cluster?: string | undefined;
      /** The registry's PostgreSQL URL (postgres://user:password@host:5432/database). */
      registry: string;
    };

/** The config's `store` object, as config.ts validates it. */
export interface StoreConfig {
  backend: 'clickhouse';
  url: string;
  database?: string | undefined;
  cluster?: string | undefined;
  registry: string;
}

function refuse(where: string, problem: string): AppError {
  return new AppError('bad-config', `${where}: ${problem}`, { param: where });
}

function registryUrl(where: string, text: string | null | undefined): string {
  if (!text)
    throw refuse(
      where,
      'the ClickHouse backend needs its registry: a PostgreSQL URL (registry=postgres://...)',
    );
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refuse(where, 'registry is not a URL (postgres://user:password@host:5432/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw refuse(where, `registry must be a postgres:// URL, not ${url.protocol}//`);
  return text;
}

/** `--store URL`. */
export function parseStoreUrl(text: string): StoreSettings {
  const where = '--store';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refuse(
      where,
      `'${text.replace(/\/\/[^@/]*@/, '//***@')}' is not a URL (clickhouse://host:8123/database?cluster=NAME&registry=...)`,
    );
  }
  if (url.protocol !== 'clickhouse:' && url.protocol !== 'clickhouses:')
    throw refuse(
      where,
      `unknown backend ${url.protocol}// (clickhouse:// or clickhouses://; the default DuckDB store needs no --store)`,
    );
  for (const key of url.searchParams.keys())
    if (!['cluster', 'registry'].includes(key))
      throw refuse(where, `unknown parameter '${key}' (cluster, registry)`);
  const http = new URL(`${url.protocol === 'clickhouses:' ? 'https' : 'http'}://${url.host}`);
  http.username = url.username;
  http.password = url.password;
  return {
    backend: 'clickhouse',
    url: http.toString().replace(/\/$/, ''),
    database: decodeURIComponent(url.pathname.slice(1)) || 'tally',
    cluster: url.searchParams.get('cluster') ?? undefined,
    registry: registryUrl(where, url.searchParams.get('registry')),
  };
}

/** The config's `store` object. */
export function storeSettingsOf(config: StoreConfig): StoreSettings {
  return {
    backend: 'clickhouse',
    url: config.url,
    database: config.database ?? 'tally',
    cluster: config.cluster,
    registry: registryUrl('store.registry', config.registry),
  };
}
