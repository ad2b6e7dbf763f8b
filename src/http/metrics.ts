/**
 * Prometheus metrics of a running server (`GET /metrics`, text exposition format), kept with
 * prom-client: HTTP requests and latency by route, imports through the server by format, usage
 * events by outcome, rate-limit refusals by API, and, read when scraped, the store's size, the
 * last commit and the age of the last billing snapshot. Labels hold route templates, formats and
 * API names only: never an account, a key or a path a client chose.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Store } from '../store/store.js';
import { SCALEENGINE_PATH } from './compat/scaleengine/api-route.js';
import { ZENDRIVE_PATH } from './compat/zendrive/cdn-stats-route.js';

/** The compatible API a 429 came from, by the route that answered it. */
function apiOf(route: string): string {
  if (route === ZENDRIVE_PATH) return 'zendrive';
  if (route.startsWith('/v3/')) return 'ooyala';
  if (route.startsWith('/api/:version')) return 'wowza';
  if (route === SCALEENGINE_PATH) return 'scaleengine';
  return 'native';
}

export interface ServerMetrics {
  registry: Registry;
  /** The text `GET /metrics` answers. */
  scrape(): Promise<string>;
  /** Counts one answered request (the 429s of the compatible APIs also as rate-limit refusals). */
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  /** Counts one import run of a file through the server (upload, path or follow). */
  countImport(
    format: string,
    counts: { lines: number; records: number; rejected: number; bytesOut: number },
  ): void;
  countEvents(result: { accepted: number; duplicates: number; rejected: number }): void;
}

export interface MetricsOptions {
  /** The store's file, whose size is reported (none for an in-memory store). */
  storeFile?: string | undefined;
  /** Files the server follows (`serve --follow`): their lag is reported by path. */
  followed?: readonly string[] | undefined;
}

export function createMetrics(store: Store, options: MetricsOptions = {}): ServerMetrics {
  const { storeFile } = options;
  const followed = (options.followed ?? []).map((f) => resolve(f));
  const registry = new Registry();
  const requests = new Counter({
    name: 'tally_http_requests_total',
    help: 'HTTP requests answered, by route template, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'tally_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by route template and method',
    labelNames: ['route', 'method'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'tally_rate_limit_refusals_total',
    help: 'Requests refused by a rate limit (429), by API',
    labelNames: ['api'],
    registers: [registry],
  });
  const imports = {
    lines: new Counter({
      name: 'tally_import_lines_total',
      help: 'Lines read by imports through the server, by format',
      labelNames: ['format'],
      registers: [registry],
    }),
    records: new Counter({
      name: 'tally_import_records_total',
      help: 'Records imported through the server, by format',
      labelNames: ['format'],
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'tally_import_rejected_total',
      help: 'Lines rejected by imports through the server, by format',
      labelNames: ['format'],
      registers: [registry],
    }),
    bytes: new Counter({
      name: 'tally_import_bytes_out_total',
      help: 'Delivered bytes counted by imports through the server, by format',
      labelNames: ['format'],
      registers: [registry],
    }),
  };
  const events = new Counter({
    name: 'tally_events_total',
    help: 'Usage events received, by outcome (accepted, duplicate, refused)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const followLag = new Gauge({
    name: 'tally_follow_lag_bytes',
    help: 'Bytes of a followed file not imported yet (its size minus its checkpoint), by path',
    labelNames: ['file'],
    registers: [registry],
  });
  const storeSize = new Gauge({
    name: 'tally_store_size_bytes',
    help: 'Size of the store file on disk',
    registers: [registry],
  });
  const lastCommit = new Gauge({
    name: 'tally_last_commit_timestamp_seconds',
    help: 'When an import last committed (Unix time)',
    registers: [registry],
  });
  const snapshotAge = new Gauge({
    name: 'tally_billing_snapshot_age_seconds',
    help: 'Seconds since the last billing snapshot',
    registers: [registry],
  });
  const sizeOf = (file: string): number | undefined => {
    try {
      return statSync(file).size;
    } catch {
      return undefined;
    }
  };

  /** The gauges read from the store and the disk, each read once per scrape. */
  async function sample(): Promise<void> {
    const sources = await store.registry.listSources();
    const last = Math.max(0, ...sources.map((s) => s.lastImported));
    if (last > 0) lastCommit.set(last / 1000);
    for (const file of followed) {
      // The source last imported from this path is the one being followed (older ones were rotated away).
      const source = sources
        .filter((s) => s.path === file)
        .sort((a, b) => b.lastImported - a.lastImported)[0];
      // A file not there (yet, or rotated away and not recreated) has nothing waiting.
      followLag.set({ file }, Math.max(0, (sizeOf(file) ?? 0) - (source?.offset ?? 0)));
    }
    const size = storeFile === undefined ? undefined : sizeOf(storeFile);
    if (size !== undefined) storeSize.set(size);
    const snapshot = await store.usage.lastBillingSnapshot();
    if (snapshot !== undefined) snapshotAge.set((Date.now() - snapshot.takenAt) / 1000);
  }

  return {
    registry,
    async scrape() {
      await sample();
      return registry.metrics();
    },
    observeRequest(route, method, status, seconds) {
      requests.inc({ route, method, status: String(status) });
      latency.observe({ route, method }, seconds);
      if (status === 429) refusals.inc({ api: apiOf(route) });
    },
    countImport(format, c) {
      imports.lines.inc({ format }, c.lines);
      imports.records.inc({ format }, c.records);
      imports.rejected.inc({ format }, c.rejected);
      imports.bytes.inc({ format }, c.bytesOut);
    },
    countEvents(r) {
      events.inc({ outcome: 'accepted' }, r.accepted);
      events.inc({ outcome: 'duplicate' }, r.duplicates);
      events.inc({ outcome: 'refused' }, r.rejected);
    },
  };
}

/** Times every request and serves `GET /metrics` (no key: it holds no account's data; bind the server accordingly). */
export function registerMetrics(app: FastifyInstance, metrics: ServerMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    // The route template, not the URL: ids and query strings would make a series per request.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeRequest(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
  });
  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics (text exposition format)' } },
    async (_request, reply) => {
      const text = await metrics.scrape();
      return reply.type(metrics.registry.contentType).send(text);
    },
  );
}
