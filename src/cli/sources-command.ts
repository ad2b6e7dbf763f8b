/** `tally sources list|forget` (DESIGN section 4). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../domain/errors.js';
import { type CommonOptions, withContext } from './context.js';
import { formatTable } from './output.js';

export function registerSourcesCommand(program: Command): void {
  const sources = program.command('sources').description('imported sources');
  sources
    .command('list')
    .option('--json', 'print JSON')
    .action(async (flags: CommonOptions & { json?: boolean }) => {
      await withContext(flags, async ({ store }) => {
        const list = await store.listSources();
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
          s.bytesOut,
          new Date(s.lastImported).toISOString(),
          s.path,
        ]);
        process.stdout.write(
          `${formatTable(['source', 'offset', 'lines', 'records', 'rejected', 'bytes_out', 'last_imported', 'path'], rows)}\n`,
        );
      });
    });
  sources
    .command('forget')
    .description('remove a source and every row it contributed (then re-import with new rules)')
    .argument('<SOURCE>', 'source id, or the path it was imported from')
    .action(async (source: string, flags: CommonOptions) => {
      await withContext(flags, async ({ store }) => {
        const list = await store.listSources();
        const found = list.find((s) => s.id === source) ?? list.find((s) => s.path === resolve(source));
        if (!found || !(await store.forgetSource(found.id)))
          throw new AppError('not-found', `SOURCE: no source '${source}' (see tally sources list)`);
        process.stdout.write(`forgot ${found.id} (${found.path}): ${found.records} records removed\n`);
      });
    });
}
