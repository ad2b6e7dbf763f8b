/** `tally billing snapshot`: freeze billed totals now (the server also does so every 12 hours). */
import type { Command } from 'commander';
import { snapshotOut, takeSnapshot } from '../query/billing-snapshots.js';
import { type CommonOptions, withTarget } from './context.js';

export function registerBillingCommand(program: Command): void {
  const billing = program.command('billing').description('billing snapshots (Wowza bytes_billed)');
  billing
    .command('snapshot')
    .description('freeze the billed delivery bytes of every ended 15-minute bucket, as they stand now')
    .option('--json', 'print the snapshot as JSON')
    .action(async (flags: CommonOptions & { json?: boolean }) => {
      const out = await withTarget(flags, {
        local: async ({ store }) => snapshotOut(await takeSnapshot(store)),
        remote: (server) => server.json<ReturnType<typeof snapshotOut>>('POST', '/v1/billing/snapshots'),
      });
      process.stdout.write(
        flags.json
          ? `${JSON.stringify(out)}\n`
          : `billing snapshot taken at ${out.taken_at}: buckets before ${out.cutoff} billed (${out.changed_rows} rows changed)\n`,
      );
    });
}
