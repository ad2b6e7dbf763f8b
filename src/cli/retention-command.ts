/** `tally retention apply`: delete usage older than the config's `retentionDays` (the server does so daily). */
import type { Command } from 'commander';
import { type RetentionReport, retentionReport } from '../query/retention.js';
import { type CommonOptions, withTarget } from './context.js';
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
      const report = await withTarget(flags, {
        local: ({ store, config }) => retentionReport(store, config.retentionDays),
        remote: (server) => server.json<RetentionReport>('POST', '/v1/retention'),
      });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(report)}\n`);
        return;
      }
      // Nothing to do is not a failure: retention is off until the config sets it.
      if (report.retention_days === null) {
        process.stdout.write('no retentionDays in the config: all usage is kept, nothing deleted\n');
        return;
      }
      process.stdout.write(
        `${formatTable(
          ['account', 'kept_from', 'deleted_rows'],
          report.accounts.map((r) => [r.account, r.kept_from, r.deleted_rows]),
        )}\n`,
      );
    });
}
