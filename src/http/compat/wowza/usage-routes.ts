/**
 * Wowza Streaming Cloud usage (seeds 001 and 002) under `/api/v1.0` to `/api/v1.6`, each endpoint
 * from the first version that has it:
 * request -> UsageQuery -> the seed's shapes. Stream targets and VOD streams are catalog entries
 * found in usage by the `target` dimension; transcoders are the subjects of transcoder meters.
 * Errors use Wowza's `meta` shape; nothing becomes a 500.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RateLimiter, type RateLimitPolicy } from '../../../auth/rate-limit.js';
import type { Sealer } from '../../../auth/sealed-secret.js';
import type { Account } from '../../../domain/account.js';
import { type CatalogEntry, type CatalogKind, uncataloguedEntry } from '../../../domain/catalog.js';
import { isAppError } from '../../../domain/errors.js';
import type { Metric } from '../../../domain/metrics.js';
import type { Store } from '../../../store/store.js';
import type { UsageRow } from '../../../store/usage-store.js';
import { type PageQuery, pageByKey, pageByNumber } from './pagination.js';
import { type Range, type Rounding, resolveRange } from './time-range.js';
import {
  type Ask,
  countryName,
  type Filters,
  limits,
  usageSource,
  VIEW_METRICS,
  viewing,
} from './usage-source.js';
import { authenticateWowza } from './wowza-auth.js';
import { invalidParameter, recordNotFound, WowzaError } from './wowza-error.js';

/**
 * Every version a Wowza client may name (DESIGN section 8). Seed 002 gives v1.2 as the current
 * version for network usage, seed 001 says vod_streams came with v1.5 and names no first version
 * for the rest, which are served from v1.0. A version without the endpoint answers Wowza's 404.
 */
export const WOWZA_VERSIONS = ['v1.0', 'v1.1', 'v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6'] as const;
/** Wowza's own documented limit is not public; this is generous for scripts and configurable. */
export const DEFAULT_WOWZA_RATE: RateLimitPolicy = { capacity: 60, windowSeconds: 60 };

export interface WowzaOptions {
  store: Store;
  sealer: Sealer;
  rate?: RateLimitPolicy | undefined;
  now?: () => number;
}

interface Call {
  account: Account;
  range: Range;
  ask: Ask;
  /** The account's catalog, read on first use (storage peak never needs it). */
  catalog: () => Promise<CatalogEntry[]>;
  query: Record<string, string | undefined>;
}

type Handler = (call: Call, params: Record<string, string>) => Promise<unknown>;

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * What a listing of `kind` holds, in id order: the catalog's entries of the kind, and (but for VOD
 * streams, which exist only in the catalog) ids seen in usage that no catalog entry names.
 */
async function listing(call: Call, kind: CatalogKind, usedIds: Iterable<string>): Promise<CatalogEntry[]> {
  const catalog = await call.catalog();
  const entries = catalog.filter((e) => e.kind === kind);
  if (kind !== 'vod_stream') {
    // Targets and transcoder subjects are separate namespaces: a target id is known if any entry has it.
    const known = new Set((kind === 'transcoder' ? entries : catalog).map((e) => e.id));
    for (const id of usedIds) {
      if (id !== '' && !known.has(id)) entries.push(uncataloguedEntry(kind, call.account.id, id));
    }
  }
  return entries.sort(byId);
}

/** Stream targets or VOD streams with their usage rows. */
async function members(call: Call, kind: 'stream_target' | 'vod_stream') {
  const rows = await call.ask({ groupBy: ['target'], metrics: VIEW_METRICS });
  const used = new Map(rows.map((r) => [r.dimensions.target ?? '', r]));
  return (await listing(call, kind, used.keys())).map((entry) => ({
    entry,
    id: entry.id,
    usage: used.get(entry.id),
  }));
}

function describe(entry: CatalogEntry) {
  return { id: entry.id, name: entry.name, archived: entry.archived, type: entry.type };
}

/** Per-zone usage rows of a filter, in Wowza's zones list. */
async function zones(call: Call, filters: Filters, type?: string) {
  const rows = await call.ask({ filters, groupBy: ['zone'], metrics: VIEW_METRICS });
  return rows.map((r) => ({ name: r.dimensions.zone ?? '', ...(type ? { type } : {}), ...viewing(r) }));
}

function family(kind: 'stream_target' | 'vod_stream') {
  const plural = kind === 'stream_target' ? 'stream_targets' : 'vod_streams';
  const find = async (call: Call, id: string) => {
    const found = (await members(call, kind)).find((m) => m.id === id);
    if (!found) throw recordNotFound();
    return found;
  };
  const list: Handler = async (call) => {
    const all = await members(call, kind);
    const page = pageByKey(all, call.query as PageQuery);
    return {
      [plural]: page.rows.map((m) => ({ ...describe(m.entry), ...viewing(m.usage) })),
      pagination: page.pagination,
      limits: limits(call.range),
    };
  };
  const summary: Handler = async (call) => {
    const ids = (await members(call, kind)).map((m) => m.id);
    if (ids.length === 0)
      return { summary: { ...viewing(undefined), zones: [] }, limits: limits(call.range) };
    const filters = { target: ids };
    const [total] = await call.ask({ filters, metrics: VIEW_METRICS });
    return { summary: { ...viewing(total), zones: await zones(call, filters) }, limits: limits(call.range) };
  };
  const single: Handler = async (call, params) => {
    const m = await find(call, params.id ?? '');
    return {
      [kind]: {
        ...describe(m.entry),
        ...viewing(m.usage),
        zones: await zones(call, { target: [m.id] }, m.entry.type),
      },
      limits: limits(call.range),
    };
  };
  const breakdown =
    (dimension: 'country' | 'rendition'): Handler =>
    async (call, params) => {
      const m = await find(call, params.id ?? '');
      const filters = { target: [m.id] };
      const [totals, split] = await Promise.all([
        call.ask({ filters, groupBy: [dimension], metrics: VIEW_METRICS }),
        call.ask({ filters, groupBy: [dimension, 'zone'], metrics: VIEW_METRICS }),
      ]);
      const zonesOf = (value: string) =>
        split
          .filter((r) => r.dimensions[dimension] === value)
          .map((r) => ({ name: r.dimensions.zone ?? '', ...viewing(r) }));
      const items = totals.map((r) => {
        const value = r.dimensions[dimension] ?? '';
        const head =
          dimension === 'country' ? { code: value, name: countryName(value) } : { name: value || 'default' };
        return { ...head, ...viewing(r), zones: zonesOf(value) };
      });
      const key = dimension === 'country' ? 'countries' : 'renditions';
      return {
        [kind]: { ...describe(m.entry), ...viewing(m.usage), [key]: items },
        limits: limits(call.range),
      };
    };
  return { list, summary, single, countries: breakdown('country'), renditions: breakdown('rendition') };
}

const TRANSCODER_METRICS: Metric[] = ['transcode_seconds', 'transcode_egress_bytes'];

function transcoderRow(entry: CatalogEntry, row: UsageRow | undefined) {
  return {
    bytes: row?.metrics.transcode_egress_bytes ?? 0,
    archived: entry.archived,
    id: entry.id,
    name: entry.name,
    transcoder_type: entry.type,
    billing_mode: entry.billingMode,
    // A string in the seed's example: kept so.
    seconds: String(Math.round(row?.metrics.transcode_seconds ?? 0)),
  };
}

async function transcoders(call: Call) {
  const rows = await call.ask({ groupBy: ['target'], metrics: TRANSCODER_METRICS });
  const used = new Map(rows.map((r) => [r.dimensions.target ?? '', r]));
  return (await listing(call, 'transcoder', used.keys())).map((entry) =>
    transcoderRow(entry, used.get(entry.id)),
  );
}

const transcoderHandlers: Record<string, Handler> = {
  list: async (call) => {
    const page = pageByNumber(await transcoders(call), call.query as PageQuery);
    return { transcoders: page.rows, pagination: page.pagination, limits: limits(call.range) };
  },
  summary: async (call) => {
    const [total] = await call.ask({ metrics: TRANSCODER_METRICS });
    return {
      summary: {
        bytes: total?.metrics.transcode_egress_bytes ?? 0,
        seconds: String(Math.round(total?.metrics.transcode_seconds ?? 0)),
      },
      limits: limits(call.range),
    };
  },
  single: async (call, params) => {
    const found = (await transcoders(call)).find((t) => t.id === params.id);
    if (!found) throw recordNotFound();
    return { transcoder: found, limits: limits(call.range) };
  },
};

const storagePeak: Handler = async (call) => {
  const [row] = await call.ask({ metrics: ['storage_peak_bytes'] });
  return { bytes: row?.metrics.storage_peak_bytes ?? 0, limits: limits(call.range) };
};

/** Seed 002: ultra low latency targets (type `ull`), by protocol (`ull` per zone, `hls` in `global`). */
const networkUsage: Handler = async (call) => {
  const targets = (await call.catalog())
    .filter((e) => e.kind === 'stream_target' && e.type === 'ull')
    .sort(byId);
  const metrics: Metric[] = ['bytes_out', 'billed_bytes_out'];
  const amounts = (r: UsageRow | undefined) => ({
    bytes_used: r?.metrics.bytes_out ?? 0,
    bytes_billed: r?.metrics.billed_bytes_out ?? 0,
  });
  const ids = targets.map((t) => t.id);
  const empty = {
    bytes_used: 0,
    bytes_billed: 0,
    protocols: { ull: { zones: {} }, hls: { zones: { global: amounts(undefined) } } },
  };
  if (ids.length === 0) return { total: empty, stream_targets: [] };
  const both = { target: ids, protocol: ['ull', 'hls'] };
  const ull = { target: ids, protocol: ['ull'] };
  const hls = { target: ids, protocol: ['hls'] };
  const [total, ullZones, hlsTotal, perTarget, perTargetUll, perTargetHls] = await Promise.all([
    call.ask({ filters: both, metrics }),
    call.ask({ filters: ull, groupBy: ['zone'], metrics }),
    call.ask({ filters: hls, metrics }),
    call.ask({ filters: both, groupBy: ['target'], metrics }),
    call.ask({ filters: ull, groupBy: ['target', 'zone'], metrics }),
    call.ask({ filters: hls, groupBy: ['target'], metrics }),
  ]);
  const protocols = (ullRows: UsageRow[], hlsRow: UsageRow | undefined) => ({
    ull: { zones: Object.fromEntries(ullRows.map((r) => [r.dimensions.zone ?? '', amounts(r)])) },
    // Apple HLS has one zone, global (seed 002).
    hls: { zones: { global: amounts(hlsRow) } },
  });
  return {
    total: { ...amounts(total[0]), protocols: protocols(ullZones, hlsTotal[0]) },
    stream_targets: targets.map((t) => ({
      id: t.id,
      name: t.name,
      deleted: t.deleted,
      ...amounts(perTarget.find((r) => r.dimensions.target === t.id)),
      protocols: protocols(
        perTargetUll.filter((r) => r.dimensions.target === t.id),
        perTargetHls.find((r) => r.dimensions.target === t.id),
      ),
    })),
  };
};

/** Route suffix -> handler, the rounding its from/to get, and the first version that has it. */
const ROUTES: [string, Handler, Rounding, string][] = [];
const targetFamily = family('stream_target');
const vodFamily = family('vod_stream');
for (const [base, f, since] of [
  ['usage/stream_targets', targetFamily, 'v1.0'],
  ['usage/vod_streams', vodFamily, 'v1.5'],
] as const) {
  ROUTES.push(
    [base, f.list, 'hour', since],
    [`${base}/summary`, f.summary, 'hour', since],
    [`${base}/:id`, f.single, 'hour', since],
    [`${base}/:id/countries`, f.countries, 'hour', since],
    [`${base}/:id/renditions`, f.renditions, 'hour', since],
  );
}
ROUTES.push(
  ['usage/transcoders', transcoderHandlers.list as Handler, 'hour', 'v1.0'],
  ['usage/transcoders/summary', transcoderHandlers.summary as Handler, 'hour', 'v1.0'],
  ['usage/transcoders/:id', transcoderHandlers.single as Handler, 'hour', 'v1.0'],
  ['usage/storage/peak', storagePeak, 'bucket', 'v1.0'],
  ['usage/network/stream_targets', networkUsage, 'bucket', 'v1.2'],
);

export function registerWowzaRoutes(app: FastifyInstance, options: WowzaOptions): void {
  const limiter = new RateLimiter(options.rate ?? DEFAULT_WOWZA_RATE);
  const now = options.now ?? Date.now;

  const handle =
    (handler: Handler, rounding: Rounding, since: string) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        const params = request.params as Record<string, string>;
        const version = params.version ?? '';
        // By position in the list, not by string order (which would put v1.10 before v1.4).
        const served = (WOWZA_VERSIONS as readonly string[]).indexOf(version);
        if (served < 0 || served < (WOWZA_VERSIONS as readonly string[]).indexOf(since))
          throw recordNotFound();
        const at = now();
        const { key, account } = await authenticateWowza(request, options.store.registry, options.sealer, at);
        const decision = limiter.take(key.id, at);
        void reply.headers(limiter.headers(decision));
        if (!decision.allowed) {
          throw new WowzaError(
            429,
            'ERR-429-TooManyRequests',
            'Too Many Requests Error',
            'Too many requests, slow down.',
          );
        }
        const query = request.query as Record<string, string | undefined>;
        const range = resolveRange(query, { now: at, billingDay: account.billingDay ?? 1, rounding });
        const call: Call = {
          account,
          range,
          query,
          ask: usageSource(options.store, account.id, range),
          catalog: once(() => options.store.registry.listCatalog(account.id)),
        };
        return await handler(call, params);
      } catch (error) {
        const wowza =
          error instanceof WowzaError
            ? error
            : isAppError(error) && error.status < 500
              ? invalidParameter(error.message)
              : undefined;
        if (wowza) return reply.status(wowza.status).send(wowza.body());
        request.log.error({ err: error }, 'wowza usage failed');
        const unavailable = new WowzaError(
          503,
          'ERR-503-ServiceUnavailable',
          'Service Unavailable Error',
          'The service is temporarily unavailable.',
        );
        return reply.status(503).send(unavailable.body());
      }
    };

  app.get(
    '/api/versions',
    { schema: { summary: 'Wowza API versions (compatible API)', tags: ['wowza'] } },
    async () => ({
      versions: WOWZA_VERSIONS.map((version) => ({
        version,
        status: version === 'v1.6' ? 'current' : 'supported',
      })),
    }),
  );
  for (const [suffix, handler, rounding, since] of ROUTES) {
    app.get(
      `/api/:version/${suffix}`,
      { schema: { summary: `Wowza ${suffix} (compatible API)`, tags: ['wowza'] } },
      handle(handler, rounding, since),
    );
  }
}
