/** `tally catalog add|list|delete`: stream targets, transcoders and VOD streams (Wowza's usage is reported per each). */
import type { Command } from 'commander';
import { parseCatalogInput } from '../config/catalog-config.js';
import { CATALOG_KINDS, type CatalogKind, isCatalogKind } from '../domain/catalog.js';
import { AppError, isAppError } from '../domain/errors.js';
import { catalogEntryOut, retireCatalogEntry, saveCatalogEntry } from '../query/catalog-entries.js';
import { type CommonOptions, withTarget } from './context.js';
import { withFlagName } from './flag-names.js';
import { formatTable } from './output.js';

interface AddFlags extends CommonOptions {
  account: string;
  id?: string;
  name?: string;
  type?: string;
  transcoderType?: string;
  billingMode?: string;
  archived?: boolean;
  matchApp?: string[];
  matchResource?: string[];
  matchHost?: string[];
}

function kindArgument(kind: string): CatalogKind {
  const normalized = kind.replace(/-/g, '_');
  if (!isCatalogKind(normalized)) {
    throw new AppError('bad-parameter', `KIND: '${kind}' is not one of ${CATALOG_KINDS.join(', ')}`, {
      param: 'KIND',
    });
  }
  return normalized;
}

/** The flags of the entry fields the store checks (its account exists, its id is not another's). */
const ENTRY_FLAGS = { account: '--account', id: '--id' };

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerCatalogCommand(program: Command): void {
  const catalog = program
    .command('catalog')
    .description(
      'manage stream targets, transcoders and VOD streams (the Wowza-compatible API reports per each)',
    );
  catalog
    .command('add')
    .description('create or replace an entry; prints it as JSON (with its generated id)')
    .argument('<KIND>', CATALOG_KINDS.join(' | '))
    .requiredOption('--account <id>', 'owning account')
    .option('--id <id>', '8 lowercase letters or digits (default: generated)')
    .option('--name <name>', 'display name (default: the id)')
    .option('--type <type>', 'stream target / VOD stream type: fastly (default), ull, ...')
    .option('--transcoder-type <t>', 'transcoder: transcoded (default) | passthrough')
    .option('--billing-mode <m>', 'transcoder: pay_as_you_go (default) | twentyfour_seven')
    .option('--archived', 'mark archived')
    .option('--match-app <app>', 'usage of this app belongs to the entry (repeatable)', collect)
    .option('--match-resource <pattern>', 'usage of resources matching this * pattern (repeatable)', collect)
    .option(
      '--match-host <host>',
      'usage served for this host, *.domain for subdomains (repeatable)',
      collect,
    )
    .action(async (kindText: string, flags: AddFlags) => {
      const kind = kindArgument(kindText);
      const match =
        flags.matchApp || flags.matchResource || flags.matchHost
          ? { apps: flags.matchApp, resources: flags.matchResource, hosts: flags.matchHost }
          : undefined;
      const input =
        kind === 'transcoder'
          ? {
              id: flags.id,
              account: flags.account,
              name: flags.name,
              transcoderType: flags.transcoderType,
              billingMode: flags.billingMode,
              archived: flags.archived,
            }
          : {
              id: flags.id,
              account: flags.account,
              name: flags.name,
              type: flags.type,
              archived: flags.archived,
              match,
            };
      const entry = parseCatalogInput(kind, input, 'catalog add');
      const out = await withTarget(flags, {
        local: async ({ store }) =>
          catalogEntryOut(
            await saveCatalogEntry(store.registry, entry).catch((error: unknown) => {
              throw isAppError(error) ? withFlagName(error, ENTRY_FLAGS) : error;
            }),
          ),
        remote: (server) => {
          // The API speaks snake_case like Wowza (catalog-route.ts); the id is the one generated here.
          const { transcoderType, billingMode, ...rest } = { ...input, id: entry.id };
          const body = { ...rest, transcoder_type: transcoderType, billing_mode: billingMode };
          return server.json<Record<string, unknown>>('POST', `/v1/catalog/${kind}s`, {
            json: body,
            flags: ENTRY_FLAGS,
          });
        },
      });
      process.stdout.write(`${JSON.stringify(out)}\n`);
    });
  catalog
    .command('list')
    .option('--account <id>', 'only this account')
    .option('--json', 'print JSON')
    .action(async (flags: CommonOptions & { account?: string; json?: boolean }) => {
      const entries = await withTarget(flags, {
        local: async ({ store }) => (await store.registry.listCatalog(flags.account)).map(catalogEntryOut),
        remote: async (server) =>
          (
            await server.json<{ entries: Record<string, unknown>[] }>('GET', '/v1/catalog', {
              query: { account: flags.account },
            })
          ).entries,
      });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ entries })}\n`);
        return;
      }
      const rows = entries.map((e) => [
        String(e.kind),
        String(e.id),
        String(e.account),
        String(e.name),
        e.kind === 'transcoder' ? `${e.transcoder_type}/${e.billing_mode}` : String(e.type),
        e.deleted ? 'deleted' : e.archived ? 'archived' : 'active',
      ]);
      process.stdout.write(`${formatTable(['kind', 'id', 'account', 'name', 'type', 'status'], rows)}\n`);
    });
  catalog
    .command('delete')
    .description('archive an entry (a stream target is marked deleted); its usage stays')
    .argument('<KIND>', CATALOG_KINDS.join(' | '))
    .argument('<ID>', 'entry id')
    .action(async (kindText: string, id: string, flags: CommonOptions) => {
      const kind = kindArgument(kindText);
      await withTarget(flags, {
        local: async ({ store }) => {
          const retired = await retireCatalogEntry(store.registry, kind, id);
          if (!retired) throw new AppError('not-found', `ID: no ${kind} '${id}'`, { param: 'ID' });
        },
        remote: async (server) => {
          await server.json('DELETE', `/v1/catalog/${kind}s/${encodeURIComponent(id)}`).catch((error) => {
            // The route names the kind by its URL segment; the CLI by its argument.
            if (isAppError(error) && error.code === 'not-found')
              throw new AppError('not-found', `ID: no ${kind} '${id}'`, { param: 'ID' });
            throw error;
          });
        },
      });
      process.stdout.write(`${kind} ${id} archived\n`);
    });
}
