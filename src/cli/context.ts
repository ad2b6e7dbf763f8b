/**
 * What every command opens: the data dir, the configuration, and the store. When a running server
 * holds the data dir (or `--server URL` names one), commands run through its HTTP API instead
 * (`withTarget`). Config accounts are written into the store so the store is the one place
 * accounts are read from.
 */
import { readFileSync } from 'node:fs';
import { catalogOfConfig } from '../config/catalog-config.js';
import { accountOfConfig, accountUpToDate, loadConfig, type TallyConfig } from '../config/config.js';
import { type DataDir, ensureDataDir, installSecret } from '../config/data-dir.js';
import { readEnvironment } from '../config/environment.js';
import { sameCatalogEntry } from '../domain/catalog.js';
import { AppError, badParameter, isAppError } from '../domain/errors.js';
import { DEFAULT_ACCOUNT } from '../ingest/normalize/account-rules.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { parseStoreUrl, type StoreSettings, storeSettingsOf } from '../store/store-settings.js';
import type { ServerClient, ServerTarget } from './remote/server-client.js';
import { readServerFile, type ServerFile } from './server-file.js';

export interface CommonOptions {
  data?: string;
  config?: string;
  /** `--store URL`: the scale-out store instead of the data dir's DuckDB file. */
  store?: string;
  /** `--server URL`: run through that server, with the key in `TALLY_KEY`. */
  server?: string;
}

export interface CliContext {
  dir: DataDir;
  config: TallyConfig;
  store: Store;
  /** Keys viewer hashes and seals HMAC secrets: the shared store's, else the data dir's install.key. */
  secret: Buffer;
}

/** Describes who holds the data dir, from the marker a running server leaves. */
function holderOf(info: ServerFile | undefined): string {
  return info ? `a running tally server (pid ${info.pid}, ${info.url})` : 'another tally process';
}

/** Where the store is: `--store`, else the config's `store`, else the data dir's DuckDB file. */
function storeSettings(dir: DataDir, config: TallyConfig, options: CommonOptions): StoreSettings {
  if (options.store !== undefined) return parseStoreUrl(options.store);
  if (config.store !== undefined) return storeSettingsOf(config.store);
  return { backend: 'duckdb', path: dir.storeFile };
}

/** The store, or `locked` when another process holds the data dir's DuckDB file. */
async function openDataDirStore(settings: StoreSettings): Promise<Store | 'locked'> {
  try {
    return await openStore(settings);
  } catch (error) {
    if (isAppError(error) && error.code === 'data-dir-locked') return 'locked';
    throw error;
  }
}

async function openLocal(dir: DataDir, options: CommonOptions): Promise<CliContext | 'locked'> {
  const config = loadConfig(dir.root, options.config);
  const store = await openDataDirStore(storeSettings(dir, config, options));
  if (store === 'locked') return 'locked';
  try {
    await syncAccounts(store, config);
    return { dir, config, store, secret: (await store.sharedSecret()) ?? installSecret(dir) };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** Opens the data dir for a process that must hold it itself (`tally serve`, `tally demo`). */
export async function openContext(options: CommonOptions): Promise<CliContext> {
  const dir = ensureDataDir(options.data ?? readEnvironment().dataDir);
  const ctx = await openLocal(dir, options);
  if (ctx !== 'locked') return ctx;
  throw new AppError(
    'data-dir-locked',
    `the data dir ${dir.root} is held by ${holderOf(readServerFile(dir))}: stop it first (while a server runs, the other tally commands run through it).`,
  );
}

/** How a command runs: on the store in this process, or through a server's HTTP API. */
export interface CommandWays<T> {
  local: (ctx: CliContext) => Promise<T>;
  remote: (client: ServerClient) => Promise<T>;
}

/** The server named by `--server URL`, with the key from `TALLY_KEY`. */
function remoteServer(options: CommonOptions & { server: string }): ServerTarget {
  if (options.data !== undefined || options.config !== undefined)
    throw badParameter('--server', "runs on the server's own data dir and config: drop --data and --config");
  let url: URL;
  try {
    url = new URL(options.server);
  } catch {
    throw badParameter('--server', `'${options.server}' is not a URL (e.g. https://tally.example.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw badParameter('--server', `'${options.server}' is not an http or https URL`);
  const token = readEnvironment().serverKey;
  if (token === undefined)
    throw badParameter('--server', 'set TALLY_KEY to a native API key of that server (tally keys create)');
  return { url: url.origin, token, label: `the server ${url.origin}`, sameMachine: false };
}

/** The server that holds `dir`, from the file it leaves there (mode 0600: only its user reads it). */
function localServer(dir: DataDir): ServerTarget {
  const info = readServerFile(dir);
  if (info === undefined) {
    throw new AppError(
      'data-dir-locked',
      `the data dir ${dir.root} is held by ${holderOf(undefined)}: wait for it to finish, or stop it.`,
    );
  }
  return {
    url: info.url,
    token: info.token,
    label: `the tally server at ${info.url} (pid ${info.pid}) that holds ${dir.root}`,
    sameMachine: true,
    pinnedCert: info.tlsCert === undefined ? undefined : readFileSync(info.tlsCert),
  };
}

/**
 * Runs a command on the data dir, or through the server that holds it, or through `--server`.
 * Both ways print the same output and exit with the same code: a command builds its answer
 * either way and prints it in one place.
 */
export async function withTarget<T>(options: CommonOptions, ways: CommandWays<T>): Promise<T> {
  let target: ServerTarget;
  if (options.server !== undefined) {
    target = remoteServer({ ...options, server: options.server });
  } else {
    const dir = ensureDataDir(options.data ?? readEnvironment().dataDir);
    const ctx = await openLocal(dir, options);
    if (ctx !== 'locked') {
      try {
        return await ways.local(ctx);
      } finally {
        await ctx.store.close();
      }
    }
    if (options.config !== undefined)
      throw badParameter(
        '--config',
        `the data dir ${dir.root} is held by ${holderOf(readServerFile(dir))}, which runs with its own config: drop --config`,
      );
    target = localServer(dir);
  }
  // The HTTP client loads only when a command goes through a server (every command starts sooner).
  const { ServerClient } = await import('./remote/server-client.js');
  const client = new ServerClient(target);
  try {
    await client.reach();
    return await ways.remote(client);
  } finally {
    await client.close();
  }
}

async function syncAccounts(store: Store, config: TallyConfig): Promise<void> {
  // Config entries are authoritative: each start writes those that differ from the store. One
  // read of each table, so accounts and a large catalog cost no writes on every command.
  const stored = new Map((await store.registry.listAccounts()).map((a) => [a.id, a]));
  for (const a of config.accounts ?? []) {
    const wanted = accountOfConfig(a);
    const current = stored.get(wanted.id);
    if (current === undefined || !accountUpToDate(current, wanted)) await store.registry.putAccount(wanted);
    stored.set(wanted.id, wanted);
  }
  const entries = catalogOfConfig(config);
  if (entries.length > 0) {
    const catalog = new Map((await store.registry.listCatalog()).map((e) => [`${e.kind}:${e.id}`, e]));
    for (const entry of entries) {
      if (!stored.has(entry.account)) {
        throw new AppError(
          'bad-config',
          `catalog: ${entry.kind} ${entry.id}: unknown account '${entry.account}'`,
          {
            param: 'config',
          },
        );
      }
      const current = catalog.get(`${entry.kind}:${entry.id}`);
      if (current === undefined || !sameCatalogEntry(current, entry))
        await store.registry.putCatalogEntry(entry);
    }
  }
  if (!stored.has(DEFAULT_ACCOUNT)) {
    await store.registry.putAccount({
      id: DEFAULT_ACCOUNT,
      name: 'Unmatched traffic',
      timezone: 'UTC',
      parent: null,
    });
  }
}
