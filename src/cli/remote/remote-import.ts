/**
 * `tally import` through a server. On the server's own machine (the data dir it holds), the
 * server reads the files by path, exactly as a local import would; with `--server URL`, each file
 * is sent as the body of `POST /v1/imports` under its path's name. Either way the answer carries
 * each file's outcome, so the CLI prints and exits as it does locally. `--follow` asks the server
 * to follow the files (`POST /v1/follows`) until Ctrl-C.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { AppError, isErrorCode } from '../../domain/errors.js';
import {
  COMPLETE_AFTER_MS,
  emptySummary,
  type FileOutcome,
  type ImportSummary,
} from '../../ingest/import.js';
import type { ServerClient } from './server-client.js';

export interface RemoteImportFlags {
  format: string;
  account?: string | undefined;
  logTimezone?: string | undefined;
  complete?: boolean | undefined;
}

type DetailedSummary = ImportSummary & { outcomes: FileOutcome[] };

/** The API's parameter -> the CLI's flag, for refusals. */
const IMPORT_FLAGS = {
  format: '--format',
  account: '--account',
  log_timezone: '--log-timezone',
  path: 'FILE',
  paths: 'FILE',
};

function importQuery(flags: RemoteImportFlags, complete: boolean | undefined) {
  return {
    format: flags.format,
    account: flags.account,
    log_timezone: flags.logTimezone,
    complete: complete === undefined ? undefined : String(complete),
    detail: 'true',
  };
}

/** Imports `files` through `server`; `onFile` gets each file's outcome, as a local import's does. */
export async function importThroughServer(
  server: ServerClient,
  files: readonly string[],
  flags: RemoteImportFlags,
  onFile: (outcome: FileOutcome) => void,
): Promise<ImportSummary> {
  if (server.target.sameMachine) {
    // One import run for all files, read by the server where they are: one summary, one rejects file.
    const { outcomes, ...summary } = await server.json<DetailedSummary>('POST', '/v1/imports', {
      query: importQuery(flags, flags.complete ? true : undefined),
      json: { paths: files.map((f) => resolve(f)) },
      flags: IMPORT_FLAGS,
    });
    for (const outcome of outcomes) onFile(outcome);
    return summary;
  }
  const started = performance.now();
  const total = emptySummary();
  for (const file of files) {
    const path = resolve(file);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile())
      throw new AppError('bad-parameter', `FILE: ${file} is not a readable file`, { param: 'FILE' });
    // The upload's copy on the server is new; whether the file is complete is judged here, as a
    // local import judges it (--complete, or unchanged for a minute).
    const complete = flags.complete === true || Date.now() - info.mtimeMs >= COMPLETE_AFTER_MS;
    const { outcomes, ...summary } = await server.json<DetailedSummary>('POST', '/v1/imports', {
      query: { ...importQuery(flags, complete), name: path },
      stream: createReadStream(path),
      flags: IMPORT_FLAGS,
    });
    for (const outcome of outcomes) onFile(outcome);
    for (const key of ['files', 'lines', 'records', 'rejected', 'skipped_lines', 'bytes_out'] as const)
      total[key] += summary[key];
    total.rejects_file = summary.rejects_file ?? total.rejects_file;
  }
  total.seconds = (performance.now() - started) / 1000;
  return total;
}

/**
 * Follows `files` on the server until `signal` aborts (Ctrl-C), then asks it to stop and returns
 * the summary it answers once it has committed. `onPass` gets what each pass imported.
 */
export async function followThroughServer(
  server: ServerClient,
  files: readonly string[],
  flags: Omit<RemoteImportFlags, 'complete'>,
  signal: AbortSignal,
  onPass: ((outcome: FileOutcome) => void) | undefined,
): Promise<ImportSummary> {
  const response = await server.open('POST', '/v1/follows', {
    json: {
      // On the server's machine the CLI's paths are the server's; a remote server's are its own.
      paths: server.target.sameMachine ? files.map((f) => resolve(f)) : files,
      format: flags.format,
      account: flags.account,
      log_timezone: flags.logTimezone,
    },
    accept: 'application/x-ndjson',
    flags: IMPORT_FLAGS,
  });
  let stopping: Promise<unknown> | undefined;
  const stop = (id: string) => {
    stopping ??= server.json('DELETE', `/v1/follows/${encodeURIComponent(id)}`).catch(() => undefined);
  };
  let id: string | undefined;
  const onAbort = () => {
    if (id !== undefined) stop(id);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const line of createInterface({ input: response.body, crlfDelay: Number.POSITIVE_INFINITY })) {
      if (line === '') continue;
      const message = JSON.parse(line) as {
        follow?: string;
        pass?: FileOutcome;
        summary?: ImportSummary;
        error?: { code: string; message: string };
      };
      if (message.follow !== undefined) {
        id = message.follow;
        if (signal.aborted) stop(id);
      } else if (message.pass) onPass?.(message.pass);
      else if (message.summary) return message.summary;
      else if (message.error) {
        const code = message.error.code;
        throw new AppError(isErrorCode(code) ? code : 'internal', message.error.message);
      }
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    await stopping;
  }
  throw new AppError(
    'server-unreachable',
    `${server.target.label} ended the follow without its summary (did it stop?)`,
  );
}
