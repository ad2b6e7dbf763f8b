/** `tally sources list|forget` (DESIGN section 4). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../domain/errors.js';
import { type SourceView, sourceView } from '../query/source-view.js';
import { type CommonOptions, withTarget } from './context.js';
import { formatTable } from './output.js';

export function registerSourcesCommand(program: Command): void {
  const sources = program.command('sources').description('imported sources');
  sources
    .command('list')
    .option('--json', 'print JSON')
    .action(async (flags: CommonOptions & { json?: boolean }) => {
      const list = await withTarget(flags, {
        local: async ({ store }) => (await store.registry.listSources()).map(sourceView),
        remote: async (server) =>
          (await server.json<{ sources: SourceView[] }>('GET', '/v1/sources')).sources,
      });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ sources: list })}\n`);
        return;
      }
      const rows = list.map((s) => [
        s.id,
        s.offset,
        s.lines,
        s.records,
        s.rejected,
        s.bytes_out,
        s.last_imported,
        s.path,
      ]);
      process.stdout.write(
        `${formatTable(['source', 'offset', 'lines', 'records', 'rejected', 'bytes_out', 'last_imported', 'path'], rows)}\n`,
      );
    });
  sources
    .command('forget')
    .description('remove a source and every row it contributed (then re-import with new rules)')
    .argument('<SOURCE>', 'source id, or the path it was imported from')
    .action(async (source: string, flags: CommonOptions) => {
      const find = (list: SourceView[]): SourceView => {
        const found = list.find((s) => s.id === source) ?? list.find((s) => s.path === resolve(source));
        if (!found) throw new AppError('not-found', `SOURCE: no source '${source}' (see tally sources list)`);
        return found;
      };
      const found = await withTarget(flags, {
        local: async ({ store }) => {
          const found = find((await store.registry.listSources()).map(sourceView));
          if (!(await store.usage.forgetSource(found.id)))
            throw new AppError('not-found', `SOURCE: no source '${source}' (see tally sources list)`);
          return found;
        },
        remote: async (server) => {
          const found = find((await server.json<{ sources: SourceView[] }>('GET', '/v1/sources')).sources);
          await server.json('DELETE', `/v1/sources/${encodeURIComponent(found.id)}`, {
            flags: { id: 'SOURCE' },
          });
          return found;
        },
      });
      process.stdout.write(`forgot ${found.id} (${found.path}): ${found.records} records removed\n`);
    });
}
