/**
 * `POST /v1/imports`: an import through the running server, counted exactly as `tally import` of
 * the same content would be (sources are known by content, so importing the same file again,
 * by either way, adds nothing). Two forms:
 * - the log file itself as the request body (plain, gzip or zstd, told by its bytes): written to
 *   the data dir's `uploads/` while it arrives, imported, then removed;
 * - `{"path": FILE}` or `{"paths": [FILE, ...]}` as JSON (admin key): files on the server, only
 *   under a directory the config's `importDirs` names (symlinks and `..` are resolved first;
 *   anything else is a 403). The CLI on the server's machine, with the token the server left in
 *   its data dir, may name any file the server can read: that is how `tally import` runs through
 *   a server that holds the data dir.
 * The answer is the summary `tally import --json` prints (with `detail=true`, also each file's
 * outcome, which `tally import` prints per file); a file refused or damaged is a 422.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorizeAccount, requireAdmin } from '../../auth/native-bearer.js';
import type { TallyConfig } from '../../config/config.js';
import { AppError, badParameter } from '../../domain/errors.js';
import { isValidTimeZone } from '../../domain/time-window.js';
import { checkFormat } from '../../ingest/formats/index.js';
import { type FileOutcome, type ImportInput, importFiles } from '../../ingest/import.js';
import type { Store } from '../../store/store.js';
import type { ServerMetrics } from '../metrics.js';
import { bearerAuth, principalOf } from './auth-hook.js';
import { allowedPath, requestedPaths } from './import-paths.js';
import { errorSchema } from './schemas.js';

export interface ImportsRouteOptions {
  store: Store;
  config: TallyConfig;
  /** Keys viewer hashes (the data dir's install secret). */
  secret: Buffer;
  rejectsDir: string;
  /** Where uploaded bodies are written while they are imported. */
  uploadsDir: string;
  /** The largest body accepted, in bytes (as received: a compressed file counts compressed). */
  maxUploadBytes?: number;
  /** Counts what each import read, by format, when the server keeps metrics. */
  metrics?: Pick<ServerMetrics, 'countImport'> | undefined;
  /** Worker threads that parse a large file (as `tally import --workers`); default none. */
  workers?: number | undefined;
}

/** 4 GiB: a day of a busy edge's log, compressed; larger files are imported by path. */
export const DEFAULT_MAX_UPLOAD_BYTES = 4 * 1024 ** 3;

const FILE_TYPES = ['application/octet-stream', 'text/plain', 'application/gzip', 'application/zstd'];

const summarySchema = {
  type: 'object',
  properties: {
    files: { type: 'integer' },
    lines: { type: 'integer' },
    records: { type: 'integer' },
    rejected: { type: 'integer' },
    skipped_lines: { type: 'integer' },
    bytes_out: { type: 'integer' },
    seconds: { type: 'number' },
    rejects_file: { type: ['string', 'null'] },
    outcomes: {
      type: 'array',
      description: 'with detail=true: what each file gave (path, source, format, state, counts, problem)',
      items: { type: 'object', additionalProperties: true },
    },
  },
} as const;

/** Counts what passes and fails the stream past `limit` bytes. */
function byteLimit(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > limit)
        done(
          new AppError(
            'body-too-large',
            `the file is larger than ${limit} bytes: import it by path (importDirs)`,
          ),
        );
      else done(null, chunk);
    },
  });
}

/** The name an upload's source keeps: the client's, without control characters, at most 1024 characters. */
function uploadLabel(name: string | undefined): string {
  const clean = (name ?? '')
    .replace(/\p{Cc}/gu, '')
    .slice(0, 1024)
    .trim();
  return clean === '' ? 'upload' : clean;
}

export function registerImportsRoute(app: FastifyInstance, options: ImportsRouteOptions): void {
  const limit = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  void app.register(async (scope) => {
    // The body is the file: handed over as a stream, never buffered whole.
    scope.addContentTypeParser(FILE_TYPES, (_request, payload, done) => done(null, payload));
    scope.post(
      '/v1/imports',
      {
        preHandler: bearerAuth(options.store),
        schema: {
          summary: 'Import a log file: the body itself, or {"path"} under importDirs (admin key)',
          security: [{ bearer: [] }],
          querystring: {
            type: 'object',
            properties: {
              format: {
                type: 'string',
                description: 'auto (default), combined, common, s3, cloudfront, wowza, rtmp, jsonl',
              },
              account: {
                type: 'string',
                description: 'every record to this account (a scoped key: its own)',
              },
              name: {
                type: 'string',
                description: 'what sources and rejects call the upload (tally import sends the file path)',
              },
              complete: {
                type: 'string',
                enum: ['true', 'false'],
                description:
                  'count a last line without a newline: default true for a body (it has ended), false for paths (as tally import: counted once the file is unchanged for 60 s)',
              },
              log_timezone: {
                type: 'string',
                description: 'IANA time zone of wall-clock log times (Wowza), as --log-timezone',
              },
              detail: {
                type: 'string',
                enum: ['true', 'false'],
                description: "also answer each file's outcome (outcomes)",
              },
            },
            additionalProperties: false,
          },
          response: { 200: summarySchema, '4xx': errorSchema },
        },
      },
      async (request: FastifyRequest) => {
        const principal = principalOf(request);
        const query = request.query as {
          format?: string;
          account?: string;
          name?: string;
          complete?: string;
          log_timezone?: string;
          detail?: string;
        };
        const format = checkFormat(query.format ?? 'auto', 'format');
        if (query.log_timezone !== undefined && !isValidTimeZone(query.log_timezone))
          throw badParameter(
            'log_timezone',
            `'${query.log_timezone}' is not an IANA time zone (e.g. America/Chicago)`,
          );
        // A scoped key imports into its own account only; an admin key as it says (or by the rules).
        const account = query.account ?? principal.account ?? undefined;
        if (account !== undefined) authorizeAccount(principal, account);
        const run = (files: ImportInput[], completeByDefault: boolean) => {
          const outcomes: FileOutcome[] = [];
          const complete = query.complete === undefined ? completeByDefault : query.complete === 'true';
          return importFiles(files, {
            store: options.store,
            config: options.config,
            format,
            account,
            logTimezone: query.log_timezone,
            secret: options.secret,
            rejectsDir: options.rejectsDir,
            lastLine: complete ? 'count' : 'when-idle',
            workers: options.workers,
            onFile: (o) => outcomes.push(o),
          }).then((summary) => {
            for (const o of outcomes) options.metrics?.countImport(o.format, o);
            const problems = outcomes.filter((o) => o.problem !== undefined);
            // With detail, the caller (the CLI) reports each file and exits as a local import does.
            if (query.detail === 'true') return { ...summary, outcomes };
            if (problems.length > 0)
              throw new AppError('import-incomplete', problems.map((o) => o.problem).join('; '));
            return summary;
          });
        };

        if (request.headers['content-type']?.startsWith('application/json')) {
          requireAdmin(principal);
          const files = requestedPaths(request.body);
          const real: string[] = [];
          for (const file of files) real.push(await allowedPath(file, principal, options.config));
          return run(real, false);
        }

        const body = request.body as Readable | undefined;
        if (body === undefined) throw badParameter('body', 'the log file is required as the body');
        await mkdir(options.uploadsDir, { recursive: true, mode: 0o700 });
        // Sources and outcomes name the upload as the client did (`tally import` sends the file's
        // path); the copy on disk gets a name of safe characters.
        const label = uploadLabel(query.name);
        const safe = basename(label).replace(/[^A-Za-z0-9._-]/g, '_') || 'upload';
        const file = join(options.uploadsDir, `${randomBytes(6).toString('hex')}-${safe}`);
        try {
          await pipeline(body, byteLimit(limit), createWriteStream(file, { mode: 0o600 }));
          return await run([{ name: label, readFrom: file }], true);
        } finally {
          await rm(file, { force: true });
        }
      },
    );
  });
}
