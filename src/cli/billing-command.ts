/** `tally billing snapshot`: freeze billed totals now (the server also does so every 12 hours). */
import type { Command } from 'commander';
import { snapshotOut, takeSnapshot } from '../query/billing-snapshots.js';
import { type CommonOptions, withContext } from './context.js';

export function registerBillingCommand(program: Command): void {
  const billing = program.command('billing').description('billing snapshots (Wowza bytes_billed)');
  billing
    .command('snapshot')
    .description('freeze the billed delivery bytes of every ended 15-minute bucket, as they stand now')
    .option('--json', 'print the snapshot as JSON')
    .action(async (flags: CommonOptions & { json?: boolean }) => {
      await withContext(flags, async ({ store }) => {
        const out = snapshotOut(await takeSnapshot(store));
        process.stdout.write(
          flags.json
            ? `${JSON.stringify(out)}\n`
            : `billing snapshot taken at ${out.taken_at}: buckets before ${out.cutoff} billed (${out.changed_rows} rows changed)\n`,
        );
      });
    });
}
