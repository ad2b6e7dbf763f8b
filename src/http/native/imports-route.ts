/**
 * `POST /v1/imports`: an import through the running server, counted exactly as `tally import` of
 * the same content would be (sources are known by content, so importing the same file again,
 * by either way, adds nothing). Two forms:
 * - the log file itself as the request body (plain, gzip or zstd, told by its bytes): written to
 *   the data dir's `uploads/` while it arrives, imported, then removed;
 * - `{"path": FILE}` as JSON (admin key): a file on the server, only under a directory the
 *   config's `importDirs` names (symlinks and `..` are resolved first; anything else is a 403).
 * The answer is the summary `tally import --json` prints; a file refused or damaged is a 422.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, realpath, rm } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorizeAccount, requireAdmin } from '../../auth/native-bearer.js';
import type { TallyConfig } from '../../config/config.js';
import { AppError, badParameter } from '../../domain/errors.js';
import { checkFormat } from '../../ingest/formats/index.js';
import { type FileOutcome, importFiles } from '../../ingest/import.js';
import type { UsageStore } from '../../store/store.js';
import type { ServerMetrics } from '../metrics.js';
import { bearerAuth, principalOf } from './auth-hook.js';
import { errorSchema } from './schemas.js';

export interface ImportsRouteOptions {
  store: UsageStore;
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

/** `path` with links and `..` resolved, when it lies under one of `dirs` (also resolved); else a 403. */
async function pathUnder(path: string, dirs: readonly string[]): Promise<string> {
  const real = await realpath(path).catch(() => {
    throw badParameter('path', `${path} is not a readable file`);
  });
  for (const dir of dirs) {
    const root = await realpath(dir).catch(() => undefined);
    if (root !== undefined && (real === root || real.startsWith(root.endsWith(sep) ? root : `${root}${sep}`)))
      return real;
  }
  throw new AppError('forbidden', `path: ${path} is not under a directory the config's importDirs names`, {
    param: 'path',
  });
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
              name: { type: 'string', description: 'the uploaded file name, for rejects and sources' },
              complete: {
                type: 'string',
                enum: ['true', 'false'],
                description: 'count a last line without a newline (default true: the body has ended)',
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
        };
        const format = checkFormat(query.format ?? 'auto', 'format');
        // A scoped key imports into its own account only; an admin key as it says (or by the rules).
        const account = query.account ?? principal.account ?? undefined;
        if (account !== undefined) authorizeAccount(principal, account);
        const run = (file: string) => {
          const outcomes: FileOutcome[] = [];
          return importFiles([file], {
            store: options.store,
            config: options.config,
            format,
            account,
            secret: options.secret,
            rejectsDir: options.rejectsDir,
            lastLine: query.complete === 'false' ? 'when-idle' : 'count',
            onFile: (o) => outcomes.push(o),
          }).then((summary) => {
            for (const o of outcomes) options.metrics?.countImport(o.format, o);
            const problem = outcomes.find((o) => o.problem !== undefined)?.problem;
            if (problem) throw new AppError('import-incomplete', problem);
            return summary;
          });
        };

        if (request.headers['content-type']?.startsWith('application/json')) {
          requireAdmin(principal);
          const path = (request.body as { path?: unknown } | undefined)?.path;
          if (typeof path !== 'string' || path === '') throw badParameter('path', 'a file path is required');
          return run(await pathUnder(path, options.config.importDirs ?? []));
        }

        const body = request.body as Readable | undefined;
        if (body === undefined) throw badParameter('body', 'the log file is required as the body');
        await mkdir(options.uploadsDir, { recursive: true, mode: 0o700 });
        const name = basename(query.name ?? 'upload').replace(/[^A-Za-z0-9._-]/g, '_') || 'upload';
        const file = join(options.uploadsDir, `${randomBytes(6).toString('hex')}-${name}`);
        try {
          await pipeline(body, byteLimit(limit), createWriteStream(file, { mode: 0o600 }));
          return await run(file);
        } finally {
          await rm(file, { force: true });
        }
      },
    );
  });
}
