/**
 * `tally demo`: the newcomer's first run. Writes a demo config and a month of realistic HLS/VOD
 * logs for two accounts into the data dir, imports them (with a progress bar), starts the server
 * and prints URLs, an admin key and curl commands that work as printed.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { issueKey } from '../auth/keys.js';
import { ensureDataDir, installSecret } from '../config/data-dir.js';
import { readEnvironment } from '../config/environment.js';
import { demoConfig, generateDays } from '../demo/generate-logs.js';
import { importFiles } from '../ingest/import.js';
import { type CommonOptions, openContext } from './context.js';
import { defaultWorkers } from './import-command.js';
import { createProgressBar } from './progress.js';
import { parsePort } from './serve-command.js';

interface DemoFlags extends CommonOptions {
  port: string;
  host: string;
}

/** The last complete calendar month (UTC), so the demo's numbers sit where an invoice would look. */
function demoMonth(now = DateTime.utc()): DateTime {
  return now.startOf('month').minus({ months: 1 });
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('generate a month of demo logs, import them and serve them')
    .option('--port <port>', 'port', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (flags: DemoFlags) => {
      const port = parsePort(flags.port);
      const dir = ensureDataDir(flags.data ?? readEnvironment().dataDir);
      const configFile = flags.config ?? join(dir.root, 'tally.json');
      if (!existsSync(configFile)) writeFileSync(configFile, `${JSON.stringify(demoConfig(), null, 2)}\n`);

      const month = demoMonth();
      const logDir = join(dir.root, 'demo-logs');
      mkdirSync(logDir, { recursive: true });
      const files: string[] = [];
      const days = month.daysInMonth ?? 30;
      process.stderr.write(
        `writing ${days} days of demo logs (${month.toFormat('LLLL yyyy')}) to ${logDir}\n`,
      );
      for (const { day, text } of generateDays({
        start: month.toMillis(),
        days,
        sessionsPerDay: 400,
        seed: 2026,
      })) {
        const file = join(logDir, `access-${month.plus({ days: day }).toISODate()}.log`);
        if (!existsSync(file)) writeFileSync(file, text);
        files.push(file);
      }

      const ctx = await openContext({ data: dir.root, config: configFile });
      const bar = process.stderr.isTTY ? createProgressBar(files) : undefined;
      const summary = await importFiles(files, {
        store: ctx.store,
        config: ctx.config,
        format: 'combined',
        secret: installSecret(dir),
        rejectsDir: dir.rejectsDir,
        workers: defaultWorkers(),
        onProgress: bar?.update,
      });
      bar?.stop();
      process.stdout.write(
        `imported ${summary.records} new records (${summary.lines} lines, ${summary.rejected} rejected) in ${summary.seconds.toFixed(2)} s` +
          `${summary.lines === 0 ? ' - the logs were imported before: nothing is counted twice' : ''}\n`,
      );

      // A fresh admin key each run: secrets are stored hashed, so an old one cannot be shown again.
      const admin = issueKey('native', null);
      await ctx.store.putKey(admin.stored);
      const acme = issueKey('native', 'acme');
      await ctx.store.putKey(acme.stored);
      const { startServer } = await import('./server.js');
      const server = await startServer(ctx, { host: flags.host, port, logger: false });

      const from = month.toISODate();
      const to = month.plus({ months: 1 }).toISODate();
      const u = server.url;
      process.stdout.write(`
Tally is serving ${u}
  health:   ${u}/healthz
  OpenAPI:  ${u}/v1/openapi.json

Admin key (all accounts):  ${admin.secret}
Key for account acme only: ${acme.secret}

Try:
  curl -s -H "Authorization: Bearer ${admin.secret}" \\
    "${u}/v1/usage?account=acme&from=${from}&to=${to}&metrics=requests,bytes_out,unique_viewers,view_seconds"

  curl -s -H "Authorization: Bearer ${admin.secret}" \\
    "${u}/v1/usage?account=globex&from=${from}&to=${to}&granularity=day&metrics=bytes_out,unique_viewers"

  curl -s -H "Authorization: Bearer ${acme.secret}" \\
    "${u}/v1/usage?from=${from}&to=${to}&group_by=resource,kind&order_by=-bytes_out&limit=5&metrics=bytes_out,requests"

  curl -s -H "Authorization: Bearer ${admin.secret}" "${u}/v1/accounts"

Press Ctrl-C to stop. Afterwards the same numbers are on the command line:
  npx tally report --account acme --from ${from} --to ${to} --group-by kind
`);
    });
}
