/**
 * The `tally` command line (DESIGN section 6). Exit codes: 0 success, 1 runtime failure,
 * 2 bad usage, with a message that names the flag and why.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { isAppError } from '../domain/errors.js';
import { registerAccountsCommand } from './accounts-command.js';
import { registerBillingCommand } from './billing-command.js';
import { registerCatalogCommand } from './catalog-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerImportCommand } from './import-command.js';
import { registerKeysCommand } from './keys-command.js';
import { registerReportCommand } from './report-command.js';
import { registerRetentionCommand } from './retention-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerSignCommand } from './sign-command.js';
import { registerSourcesCommand } from './sources-command.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

function fail(message: string, code: number): never {
  process.stderr.write(`tally: ${message}\n`);
  process.exit(code);
}

export function buildProgram(): Command {
  const program = new Command('tally')
    .version(pkg.version)
    .description('exact usage metering for streaming and CDN platforms');
  registerServeCommand(program);
  registerImportCommand(program);
  registerReportCommand(program);
  registerAccountsCommand(program);
  registerKeysCommand(program);
  registerCatalogCommand(program);
  registerBillingCommand(program);
  registerRetentionCommand(program);
  registerSignCommand(program);
  registerSourcesCommand(program);
  registerDemoCommand(program);
  // Every command, however deep, takes --data and --config (DESIGN section 6); those that work
  // on the data (all but serve, demo and sign) also --server, to run through a remote server.
  const ownProcess = new Set(['serve', 'demo', 'sign']);
  const addCommon = (command: Command, throughServer: boolean): void => {
    if (command.commands.length === 0) {
      command.addOption(new Option('--data <dir>', 'data dir (default ./tally-data)'));
      command.addOption(new Option('--config <file>', 'config file (default DATA/tally.json)'));
      command.addOption(
        new Option(
          '--store <url>',
          'scale-out store: clickhouse://host:8123/db?cluster=NAME&registry=postgres://...',
        ),
      );
      if (throughServer)
        command.addOption(
          new Option('--server <url>', 'run through this tally server, with the key in TALLY_KEY'),
        );
    }
    for (const sub of command.commands) {
      sub.exitOverride();
      addCommon(sub, throughServer && !ownProcess.has(sub.name()));
    }
  };
  addCommon(program, true);
  program.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) process.exit(0);
      process.exit(2); // commander has already printed its message
    }
    if (isAppError(error)) fail(error.message, error.exitCode);
    fail(`unexpected error: ${(error as Error).stack ?? String(error)}`, 1);
  }
}

await main(process.argv);
