/** `tally import`: import log files into the store (DESIGN section 6). */

import type { Worker } from 'node:worker_threads';
import type { Command } from 'commander';
import { AppError, badParameter } from '../domain/errors.js';
import { isValidTimeZone } from '../domain/time-window.js';
import { followFiles } from '../ingest/follow.js';
import { checkFormat, IMPORT_FORMATS, type ImportFormat } from '../ingest/formats/index.js';
import {
  COMPLETE_AFTER_MS,
  type FileOutcome,
  type ImportOptions,
  importFiles,
  startWorkersAhead,
} from '../ingest/import.js';
import { defaultWorkers } from '../ingest/pipeline/chunk-pipeline.js';
import { type CliContext, type CommonOptions, withTarget } from './context.js';
import { createProgressBar } from './progress.js';
import { followThroughServer, importThroughServer } from './remote/remote-import.js';

interface ImportFlags extends CommonOptions {
  format: string;
  account?: string;
  logTimezone?: string;
  follow?: boolean;
  complete?: boolean;
  json?: boolean;
  workers?: string;
}

function parseWorkers(text: string | undefined): number {
  if (text === undefined) return defaultWorkers();
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 64)
    throw badParameter('--workers', `'${text}' is not a number of threads from 0 to 64`);
  return n;
}

function describe(outcome: FileOutcome): string {
  if (outcome.state === 'refused') return `${outcome.path}: ${outcome.problem}`;
  const what =
    outcome.state === 'unchanged'
      ? 'already imported, nothing new'
      : outcome.state === 'empty'
        ? 'empty'
        : `${outcome.state === 'resumed' ? 'resumed: ' : ''}${outcome.records} records, ${outcome.rejected} rejected`;
  const tail = outcome.incompleteTail
    ? ` (last line has no newline and the file changed less than ${COMPLETE_AFTER_MS / 1000} s ago: it is imported once the file is complete; --complete imports it now)`
    : outcome.countedTail
      ? ' (last line counted without a newline: the file is complete)'
      : '';
  const threads = outcome.workers > 0 ? ` (parsed with ${outcome.workers} worker threads)` : '';
  const format = `${outcome.format}${outcome.detected ? ' (detected)' : ''}${outcome.compression !== 'none' ? `, ${outcome.compression}` : ''}`;
  const problem = outcome.problem ? `; ${outcome.problem}` : '';
  return `${outcome.path} [${format}, ${outcome.source || 'no source'}]: ${what}${threads}${tail}${problem}`;
}

/** What every import takes from the data dir and the flags, followed or not. */
function importOptions(
  { dir, config, store, secret }: Pick<CliContext, 'dir' | 'config' | 'store' | 'secret'>,
  format: ImportFormat,
  flags: ImportFlags,
): ImportOptions {
  return {
    store,
    config,
    format,
    account: flags.account,
    logTimezone: flags.logTimezone,
    secret,
    rejectsDir: dir.rejectsDir,
    lastLine: flags.complete ? 'count' : 'when-idle',
  };
}

/** `--follow`: tails the files until SIGINT or SIGTERM, then commits what it has and exits 0. */
async function follow(files: string[], format: ImportFormat, flags: ImportFlags): Promise<void> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const onPass = flags.json
    ? undefined
    : (outcome: FileOutcome) => process.stderr.write(`${describe(outcome)}\n`);
  try {
    const summary = await withTarget(flags, {
      local: (ctx) => {
        announceFollow(files, flags);
        return followFiles(files, { ...importOptions(ctx, format, flags), signal: stop.signal, onPass });
      },
      remote: (server) => {
        announceFollow(files, flags);
        return followThroughServer(server, files, flags, stop.signal, onPass);
      },
    });
    if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else
      process.stdout.write(
        `followed ${summary.files} file(s): ${summary.lines} lines, ${summary.records} records, ${summary.rejected} rejected\n`,
      );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function announceFollow(files: string[], flags: ImportFlags): void {
  if (!flags.json) process.stderr.write(`following ${files.length} file(s); Ctrl-C stops after committing\n`);
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description(
      'import log files (idempotent: a file already imported adds nothing, a grown file adds its new lines)',
    )
    .argument('<FILE...>', 'log files')
    .option('--format <format>', IMPORT_FORMATS.join(' | '), 'auto')
    .option('--account <id>', 'put every record in this account')
    .option('--log-timezone <zone>', 'IANA time zone of wall-clock log times (Wowza tz column)')
    .option('--follow', 'keep importing files as they grow (and are rotated) until stopped')
    .option('--complete', 'the files are complete: count a last line that has no newline')
    .option('--json', 'print one JSON summary')
    .option('--workers <n>', 'threads that parse large files (default: one per core, at most 4; 0 = none)')
    .action(async (files: string[], flags: ImportFlags) => {
      const format = checkFormat(flags.format);
      const workers = parseWorkers(flags.workers);
      if (flags.logTimezone !== undefined && !isValidTimeZone(flags.logTimezone)) {
        throw badParameter(
          '--log-timezone',
          `'${flags.logTimezone}' is not an IANA time zone (e.g. America/Chicago)`,
        );
      }
      if (flags.follow && flags.complete)
        throw badParameter(
          '--complete',
          'a followed file is still being written: drop --complete or --follow',
        );
      if (flags.follow) {
        await follow(files, format, flags);
        return;
      }
      // Threads for a large file load while the store opens.
      const startedWorkers = startWorkersAhead(files, workers);
      try {
        await importCommand(files, format, flags, workers, startedWorkers);
      } finally {
        // The importer ends those it took; these are left when no file was parsed on workers.
        await Promise.all((startedWorkers?.splice(0) ?? []).map((w) => w.terminate()));
      }
    });
}

async function importCommand(
  files: string[],
  format: ImportFormat,
  flags: ImportFlags,
  workers: number,
  startedWorkers: Worker[] | undefined,
): Promise<void> {
  const outcomes: FileOutcome[] = [];
  const onFile = (outcome: FileOutcome) => outcomes.push(outcome);
  const summary = await withTarget(flags, {
    local: async (ctx) => {
      const bar = !flags.json && process.stderr.isTTY ? createProgressBar(files) : undefined;
      try {
        return await importFiles(files, {
          ...importOptions(ctx, format, flags),
          workers,
          startedWorkers,
          onProgress: bar?.update,
          onFile,
        });
      } finally {
        bar?.stop();
      }
    },
    remote: (server) => importThroughServer(server, files, flags, onFile),
  });
  for (const outcome of outcomes) {
    // --json keeps stdout to the summary; which format auto chose still goes to stderr.
    if (!flags.json) process.stderr.write(`${describe(outcome)}\n`);
    else if (outcome.detected) process.stderr.write(`${outcome.path}: detected format ${outcome.format}\n`);
  }
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    const rate = summary.seconds > 0 ? Math.round(summary.lines / summary.seconds) : summary.lines;
    process.stdout.write(
      `imported ${summary.files} file(s): ${summary.lines} lines, ${summary.records} records, ${summary.rejected} rejected, ` +
        `${summary.skipped_lines} skipped, ${summary.bytes_out} bytes out in ${summary.seconds.toFixed(2)} s (${rate} lines/s)\n`,
    );
    if (summary.rejects_file) process.stdout.write(`rejected lines kept in ${summary.rejects_file}\n`);
  }
  const problems = outcomes.filter((o) => o.problem !== undefined);
  if (problems.length > 0) {
    // --json printed only the summary: each problem is said on stderr before the exit.
    if (flags.json) for (const o of problems) process.stderr.write(`${o.problem}\n`);
    throw new AppError(
      'import-incomplete',
      `${problems.length} of ${outcomes.length} file(s) not imported whole (see above)`,
    );
  }
}
