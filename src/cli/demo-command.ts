/**
 * `tally demo`: the newcomer's first run. Writes a demo config (accounts, path rules, a catalog)
 * and a month of realistic HLS/VOD logs for two accounts into the data dir, imports them (with a
 * progress bar), starts the server and prints keys and a command for each API that works as
 * printed. A second run reuses the logs and the keys.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { sealerFor } from '../auth/sealed-secret.js';
import { ensureDataDir } from '../config/data-dir.js';
import { readEnvironment } from '../config/environment.js';
import { demoCommands } from '../demo/demo-commands.js';
import { demoKeys } from '../demo/demo-keys.js';
import { demoCatalog, demoConfig, generateDays } from '../demo/generate-logs.js';
import { scaleEngineExample } from '../demo/scaleengine-example.js';
import { importFiles } from '../ingest/import.js';
import { defaultWorkers } from '../ingest/pipeline/chunk-pipeline.js';
import { type CommonOptions, openContext } from './context.js';
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
      if (!existsSync(configFile))
        writeFileSync(
          configFile,
          `${JSON.stringify({ ...demoConfig(), catalog: demoCatalog() }, null, 2)}\n`,
        );

      const month = demoMonth();
      const logDir = join(dir.root, 'demo-logs');
      mkdirSync(logDir, { recursive: true });
      const days = month.daysInMonth ?? 30;
      const files = Array.from({ length: days }, (_, day) =>
        join(logDir, `access-${month.plus({ days: day }).toISODate()}.log`),
      );
      // Written once: a second run reuses them (and imports nothing new from them).
      if (files.some((file) => !existsSync(file))) {
        process.stderr.write(
          `writing ${days} days of demo logs (${month.toFormat('LLLL yyyy')}) to ${logDir}\n`,
        );
        for (const { day, text } of generateDays({
          start: month.toMillis(),
          days,
          sessionsPerDay: 400,
          seed: 2026,
        })) {
          const file = files[day] as string;
          if (!existsSync(file)) writeFileSync(file, text);
        }
      }

      const ctx = await openContext({ data: dir.root, config: configFile });
      const bar = process.stderr.isTTY ? createProgressBar(files) : undefined;
      const summary = await importFiles(files, {
        store: ctx.store,
        config: ctx.config,
        format: 'combined',
        secret: ctx.secret,
        rejectsDir: dir.rejectsDir,
        workers: defaultWorkers(),
        onProgress: bar?.update,
      });
      bar?.stop();
      process.stdout.write(
        `imported ${summary.records} new records (${summary.lines} lines, ${summary.rejected} rejected) in ${summary.seconds.toFixed(2)} s` +
          `${summary.lines === 0 ? ' - the logs were imported before: nothing is counted twice' : ''}\n`,
      );

      const sealer = sealerFor(ctx.config, () => ctx.secret);
      const { keys, reused } = await demoKeys(ctx.store.registry, sealer, join(dir.root, 'demo-keys.json'));
      const phpFile = join(dir.root, 'scaleengine-usage.php');
      writeFileSync(phpFile, scaleEngineExample(month.year, month.month));
      const acmeNumber = (await ctx.store.registry.getAccount('acme'))?.number ?? 0;
      const { startServer } = await import('./server.js');
      // Plain HTTP for every API, ZenDRIVE's included (it requires HTTPS otherwise): local use only.
      const server = await startServer(ctx, { host: flags.host, port, logger: false, insecureHttp: true });

      const commands = demoCommands({
        url: server.url,
        month: month.toFormat('yyyy-MM'),
        keys,
        acmeNumber,
        phpFile,
      });
      const from = month.toISODate();
      const to = month.plus({ months: 1 }).toISODate();
      process.stdout.write(`
Tally is serving ${server.url}
  health:   ${server.url}/healthz
  metrics:  ${server.url}/metrics
  OpenAPI:  ${server.url}/v1/openapi.json
  Plain HTTP is accepted by every API here (--insecure-http), ZenDRIVE's too: local use only.

Admin key (all accounts):  ${keys.admin.secret}
Key for account acme only: ${keys.acme.secret}
${reused ? '(the keys of the last demo run, kept in demo-keys.json)\n' : ''}
Try, one per API (each line works as printed):
${commands.map((c) => `\n  # ${c.title}\n  $ ${c.command}\n`).join('')}
The same numbers on the command line (through this server while it runs, from the data dir after):
  npx tally report${flags.data === undefined ? '' : ` --data ${flags.data}`} --account acme --from ${from} --to ${to} --group-by kind

Press Ctrl-C to stop.
`);
    });
}
