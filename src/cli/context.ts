/**
 * What every command opens: the data dir, the configuration, and the store (with a clear
 * message when a running server holds it). Config accounts are written into the store so the
 * store is the one place accounts are read from.
 */
import { existsSync, readFileSync } from 'node:fs';
import { catalogOfConfig } from '../config/catalog-config.js';
import { accountOfConfig, accountUpToDate, loadConfig, type TallyConfig } from '../config/config.js';
import { type DataDir, ensureDataDir } from '../config/data-dir.js';
import { readEnvironment } from '../config/environment.js';
import { sameCatalogEntry } from '../domain/catalog.js';
import { AppError, isAppError } from '../domain/errors.js';
import { DEFAULT_ACCOUNT } from '../ingest/account-rules.js';
import { DuckDbStore } from '../store/duckdb/duckdb-store.js';
import type { UsageStore } from '../store/store.js';

export interface CommonOptions {
  data?: string;
  config?: string;
}

export interface CliContext {
  dir: DataDir;
  config: TallyConfig;
  store: UsageStore;
}

/** Describes who holds the data dir, from the marker a running server leaves. */
function holderOf(dir: DataDir): string {
  if (!existsSync(dir.serverFile)) return 'another tally process';
  try {
    const info = JSON.parse(readFileSync(dir.serverFile, 'utf8')) as { pid?: number; url?: string };
    return `a running tally server (pid ${info.pid}, ${info.url})`;
  } catch {
    return 'another tally process';
  }
}

export async function openContext(options: CommonOptions): Promise<CliContext> {
  const dir = ensureDataDir(options.data ?? readEnvironment().dataDir);
  const config = loadConfig(dir.root, options.config);
  let store: UsageStore;
  try {
    store = await DuckDbStore.open(dir.storeFile);
  } catch (error) {
    if (isAppError(error) && error.code === 'data-dir-locked') {
      throw new AppError(
        'data-dir-locked',
        `the data dir ${dir.root} is held by ${holderOf(dir)}. Stop it first, or read usage through its HTTP API (a server can also follow log files: tally serve --follow FILE...).`,
      );
    }
    throw error;
  }
  await syncAccounts(store, config);
  return { dir, config, store };
}

async function syncAccounts(store: UsageStore, config: TallyConfig): Promise<void> {
  // Config entries are authoritative: each start writes those that differ from the store. One
  // read of each table, so accounts and a large catalog cost no writes on every command.
  const stored = new Map((await store.listAccounts()).map((a) => [a.id, a]));
  for (const a of config.accounts ?? []) {
    const wanted = accountOfConfig(a);
    const current = stored.get(wanted.id);
    if (current === undefined || !accountUpToDate(current, wanted)) await store.putAccount(wanted);
    stored.set(wanted.id, wanted);
  }
  const entries = catalogOfConfig(config);
  if (entries.length > 0) {
    const catalog = new Map((await store.listCatalog()).map((e) => [`${e.kind}:${e.id}`, e]));
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
      if (current === undefined || !sameCatalogEntry(current, entry)) await store.putCatalogEntry(entry);
    }
  }
  if (!stored.has(DEFAULT_ACCOUNT)) {
    await store.putAccount({ id: DEFAULT_ACCOUNT, name: 'Unmatched traffic', timezone: 'UTC', parent: null });
  }
}

/** Runs a command body with its context and always closes the store. */
export async function withContext<T>(
  options: CommonOptions,
  body: (ctx: CliContext) => Promise<T>,
): Promise<T> {
  const ctx = await openContext(options);
  try {
    return await body(ctx);
  } finally {
    await ctx.store.close();
  }
}
