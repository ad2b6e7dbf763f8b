/** `tally retention apply`: delete usage older than the config's `retentionDays` (the server does so daily). */
import type { Command } from 'commander';
import { applyRetention, retentionOut } from '../query/retention.js';
import { type CommonOptions, withContext } from './context.js';
import { formatTable } from './output.js';

export function registerRetentionCommand(program: Command): void {
  const retention = program.command('retention').description('usage retention (config retentionDays)');
  retention
    .command('apply')
    .description(
      "delete each account's usage older than retentionDays whole days in its time zone (billed bytes stay)",
    )
    .option('--json', 'print {"retention_days","accounts":[{"account","kept_from","deleted_rows"}]}')
    .action(async (flags: CommonOptions & { json?: boolean }) => {
      await withContext(flags, async ({ store, config }) => {
        const days = config.retentionDays;
        if (days === undefined) {
          // Nothing to do is not a failure: retention is off until the config sets it.
          if (flags.json) process.stdout.write(`${JSON.stringify({ retention_days: null, accounts: [] })}\n`);
          else process.stdout.write('no retentionDays in the config: all usage is kept, nothing deleted\n');
          return;
        }
        const results = (await applyRetention(store, days)).map(retentionOut);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ retention_days: days, accounts: results })}\n`);
          return;
        }
        process.stdout.write(
          `${formatTable(
            ['account', 'kept_from', 'deleted_rows'],
            results.map((r) => [r.account, r.kept_from, r.deleted_rows]),
          )}\n`,
        );
      });
    });
}
