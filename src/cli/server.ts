/**
 * Starting the server for `tally serve` and `tally demo`: listen, leave in the data dir what the
 * CLI needs to run commands through it (server-file.ts), print an admin key on first start, and
 * shut down cleanly on a signal.
 */
import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { issueKey } from '../auth/keys.js';
import { sealerFor } from '../auth/sealed-secret.js';
import { AppError } from '../domain/errors.js';
import { createApp } from '../http/app.js';
import { createMetrics, type ServerMetrics } from '../http/metrics.js';
import { defaultWorkers } from '../ingest/pipeline/chunk-pipeline.js';
import { DEFAULT_SNAPSHOT_HOURS, runSnapshotSchedule } from '../query/billing-snapshots.js';
import { runRetentionSchedule } from '../query/retention.js';
import type { CliContext } from './context.js';
import { newLocalToken, removeServerFile, writeServerFile } from './server-file.js';

/** Where the build puts the dashboard: dist/dashboard, two levels up from this module's folder (dist/bundle or dist/cli). */
const DASHBOARD_DIR = fileURLToPath(new URL('../../dist/dashboard/', import.meta.url));

export interface ServeOptions {
  host: string;
  port: number;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  logger?: boolean;
  /** `--insecure-http`: APIs that require HTTPS accept plain HTTP (local use). */
  insecureHttp?: boolean;
  /** Work that runs beside the server until it stops (following log files); awaited before the store closes. */
  tasks?: ((signal: AbortSignal, metrics: ServerMetrics) => Promise<void>)[];
  /** Files the tasks follow, for their lag in `GET /metrics`. */
  followed?: readonly string[];
}

export interface RunningServer {
  url: string;
  close: () => Promise<void>;
}

/** Creates an admin key when none is active; returns its secret (to print once) or undefined. */
export async function ensureAdminKey(ctx: CliContext): Promise<string | undefined> {
  const keys = await ctx.store.registry.listKeys();
  if (keys.some((k) => k.scheme === 'native' && k.account === null && k.revokedAt === null)) return undefined;
  const issued = issueKey('native', null);
  await ctx.store.registry.putKey(issued.stored);
  return issued.secret;
}

export async function startServer(ctx: CliContext, options: ServeOptions): Promise<RunningServer> {
  const https =
    options.tlsCert && options.tlsKey
      ? { cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey) }
      : undefined;
  const events = ctx.config.events;
  // Uploads left by a server that was killed mid-import: their content is either committed up to
  // its checkpoint or not at all, and the client sends it again.
  rmSync(ctx.dir.uploadsDir, { recursive: true, force: true });
  const metrics = createMetrics(ctx.store, { storeFile: ctx.dir.storeFile, followed: options.followed });
  const localToken = newLocalToken();
  const app = await createApp({
    store: ctx.store,
    localToken,
    retentionDays: ctx.config.retentionDays,
    dashboardDir: DASHBOARD_DIR,
    followed: options.followed,
    snapshotHours: ctx.config.billing?.snapshotHours,
    metrics,
    compat: {
      transport: {
        insecureHttp: options.insecureHttp ?? false,
        trustedProxies: ctx.config.http?.trustedProxies ?? [],
      },
      rateLimits: ctx.config.rateLimits,
      sealer: sealerFor(ctx.config, () => ctx.secret),
    },
    imports: {
      config: ctx.config,
      secret: ctx.secret,
      rejectsDir: ctx.dir.rejectsDir,
      uploadsDir: ctx.dir.uploadsDir,
      workers: defaultWorkers(),
    },
    events: {
      secret: ctx.secret,
      zones: ctx.config.zones ?? {},
      bodyLimitBytes: events?.bodyLimitBytes,
      limits: {
        ...(events?.dedupDays ? { dedupMs: events.dedupDays * 86_400_000 } : {}),
        ...(events?.latenessDays ? { latenessMs: events.latenessDays * 86_400_000 } : {}),
      },
    },
    logger: options.logger ?? true,
    ...(https ? { https } : {}),
  });
  let address: string;
  try {
    address = await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close();
    throw listenFailure(error, options.host, options.port);
  }
  const url = address.replace('[::1]', 'localhost');
  writeServerFile(ctx.dir, {
    pid: process.pid,
    url,
    token: localToken,
    tlsCert: options.tlsCert === undefined ? undefined : resolve(options.tlsCert),
  });

  const stop = new AbortController();
  const snapshotHours = ctx.config.billing?.snapshotHours ?? DEFAULT_SNAPSHOT_HOURS;
  const snapshots = (signal: AbortSignal) =>
    runSnapshotSchedule(ctx.store, snapshotHours * 3_600_000, signal);
  const retentionDays = ctx.config.retentionDays;
  const retention = (signal: AbortSignal) =>
    retentionDays === undefined ? Promise.resolve() : runRetentionSchedule(ctx.store, retentionDays, signal);
  const tasks = [...(options.tasks ?? []), snapshots, retention].map((task) =>
    task(stop.signal, metrics).catch((error: Error) => {
      process.stderr.write(`tally: background task stopped: ${error.message}\n`);
    }),
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      stop.abort();
      await Promise.all(tasks);
      await app.close();
      removeServerFile(ctx.dir);
      await ctx.store.close();
    })();
    return closing;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void close().then(() => process.exit(0));
    });
  }
  return { url, close };
}

/** Why the server could not listen, said for the operator (the port, what to do), not as a stack. */
function listenFailure(error: unknown, host: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE')
    return new AppError(
      'address-unavailable',
      `--port: ${where} is already in use (another tally serve, or another server): stop it, or pass --port with a free port`,
      { param: 'port' },
    );
  if (code === 'EACCES')
    return new AppError(
      'address-unavailable',
      `--port: not allowed to listen on ${where} (ports below 1024 need privileges): pass --port 1024 or above`,
      { param: 'port' },
    );
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new AppError('address-unavailable', `--host: ${host} is not an address of this machine`, {
      param: 'host',
    });
  return error instanceof Error ? error : new Error(String(error));
}
