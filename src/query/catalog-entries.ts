/**
 * Catalog entries as the native API and the CLI change and show them: saved with their account's
 * checks, retired the way Wowza deletes, and shown in one snake_case shape.
 */
import type { CatalogEntry, CatalogKind } from '../domain/catalog.js';
import { AppError } from '../domain/errors.js';
import type { Registry } from '../store/registry.js';

/** An entry as the native API and `tally catalog list --json` show it (snake_case, like Wowza). */
export function catalogEntryOut(e: CatalogEntry): Record<string, unknown> {
  const base = { kind: e.kind, id: e.id, account: e.account, name: e.name, archived: e.archived };
  if (e.kind === 'transcoder') {
    return { ...base, transcoder_type: e.type, billing_mode: e.billingMode };
  }
  return { ...base, type: e.type, deleted: e.deleted, ...(e.match ? { match: e.match } : {}) };
}

/** Saves an entry given through the API or CLI: its account must exist, and an id of another account is refused. */
export async function saveCatalogEntry(registry: Registry, entry: CatalogEntry): Promise<CatalogEntry> {
  if (!(await registry.getAccount(entry.account))) {
    throw new AppError('not-found', `account: unknown account '${entry.account}'`, { param: 'account' });
  }
  const existing = await registry.getCatalogEntry(entry.kind, entry.id);
  if (existing && existing.account !== entry.account) {
    throw new AppError('conflict', `id: ${entry.kind} '${entry.id}' belongs to another account`, {
      param: 'id',
    });
  }
  await registry.putCatalogEntry(entry);
  return entry;
}

/**
 * Deletes an entry the way Wowza does: it is archived (a stream target is marked deleted too),
 * never removed, so its usage stays reported. Undefined when there is no such entry.
 */
export async function retireCatalogEntry(
  registry: Registry,
  kind: CatalogKind,
  id: string,
): Promise<CatalogEntry | undefined> {
  const existing = await registry.getCatalogEntry(kind, id);
  if (!existing) return undefined;
  const retired = {
    ...existing,
    archived: true,
    deleted: kind === 'stream_target' ? true : existing.deleted,
  };
  await registry.putCatalogEntry(retired);
  return retired;
}
