/**
 * Ooyala usage API v3 (seed 003, api-notes.md): request -> UsageQuery -> reports.
 *
 *   GET /v3/billing/usage/period/provider/{pcode}[/metric/{metricName}]?type=&period=
 *   GET /v3/billing/usage/report/provider/{pcode}[/metric/{metricName}]?startDate=&endDate=
 *
 * Without `/metric/...`, `metricName` is a comma-separated list and the answer maps each metric to
 * its report. A report has the total and its rollups, `[pcode, date, value]` per window of
 * `breakdownBy` (default: the period's type, or day for date ranges), in the provider's time zone.
 * Every request is signed (`api_key`, `expires`, `signature`) and counted against 100 per minute
 * per key, whether it succeeds or not. Errors: `{"message": ...}` with 400, 401, 403, 404, 429, 503.
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import { MAX_EXPIRES_AHEAD_S, ooyalaSignatureMatches } from '../../../auth/ooyala-signature.js';
import { RateLimiter, type RateLimitPolicy } from '../../../auth/rate-limit.js';
import { resolveAccount, resolveKey } from '../../../auth/resolve-key.js';
import type { Sealer } from '../../../auth/sealed-secret.js';
import type { Account } from '../../../domain/account.js';
import type { Dimension } from '../../../domain/dimensions.js';
import { isAppError } from '../../../domain/errors.js';
import type { Metric } from '../../../domain/metrics.js';
import { splitWindows, type TimeWindow } from '../../../domain/time-window.js';
import { readUsage } from '../../../query/read-usage.js';
import type { Store } from '../../../store/store.js';
import { CompatRefusal } from '../compat-refusal.js';
import {
  dayStart,
  isPeriodType,
  PERIOD_TYPES,
  PeriodError,
  type PeriodType,
  periodWindow,
  rollupDate,
} from './periods.js';

export const DEFAULT_OOYALA_RATE: RateLimitPolicy = { capacity: 100, windowSeconds: 60 };

/** Ooyala metric -> usage metric and the filter it needs. */
const METRICS: Record<
  string,
  { metric: Metric; filter?: Partial<Record<Dimension, string[]>>; monthly?: true; ownOnly?: true }
> = {
  vod_bytes_delivered: { metric: 'bytes_out', filter: { kind: ['vod'] } },
  live_bytes_delivered: { metric: 'bytes_out', filter: { kind: ['live'] } },
  streams: { metric: 'starts' },
  // Minutes x renditions, computed per ended calendar month; the seed's name and the later one.
  vod_transcoded_time: { metric: 'vod_transcoding_minutes', monthly: true, ownOnly: true },
  vod_transcoding_time: { metric: 'vod_transcoding_minutes', monthly: true, ownOnly: true },
  live_transcoding_time: { metric: 'live_transcoding_minutes' },
  live_packaging_time: { metric: 'live_packaging_minutes' },
};

export interface OoyalaOptions {
  store: Store;
  sealer: Sealer;
  rate?: RateLimitPolicy | undefined;
  now?: () => number;
}

interface Report {
  metric: string;
  pcode: string;
  breakdownBy: PeriodType;
  start: string;
  end: string;
  total: number;
  rollups: [string, string, number][];
}

/** Accounts below `id` (children, their children, ...), in id order. */
function descendants(accounts: readonly Account[], id: string): string[] {
  const out: string[] = [];
  const walk = (parent: string) => {
    for (const a of accounts) {
      if (a.parent === parent && !out.includes(a.id) && a.id !== id) {
        out.push(a.id);
        walk(a.id);
      }
    }
  };
  walk(id);
  return out.sort();
}

export function registerOoyalaRoutes(app: FastifyInstance, options: OoyalaOptions): void {
  const limiter = new RateLimiter(options.rate ?? DEFAULT_OOYALA_RATE);
  const now = options.now ?? Date.now;

  /** Checks the signature and the key; returns the provider account. */
  async function authenticate(request: FastifyRequest, reply: FastifyReply, pcode: string): Promise<Account> {
    const query = request.query as Record<string, string | undefined>;
    const apiKey = query.api_key;
    if (!apiKey) throw new CompatRefusal(401, 'api_key is required.');
    // Every request counts, whatever becomes of it (the original's rule).
    const decision = limiter.take(apiKey, now());
    void reply.headers(limiter.headers(decision));
    if (!decision.allowed)
      throw new CompatRefusal(429, 'Rate limit exceeded: at most 100 requests per minute per API key.');
    const { expires, signature } = query;
    if (!expires || !/^\d+$/.test(expires)) throw new CompatRefusal(401, 'expires is required (unix time).');
    const expiresMs = Number(expires) * 1000;
    if (expiresMs < now()) throw new CompatRefusal(401, 'The request has expired.');
    // A signed URL that never expires is a credential for good: the original's clients sign for
    // minutes; a day covers any script.
    if (expiresMs > now() + MAX_EXPIRES_AHEAD_S * 1000)
      throw new CompatRefusal(
        401,
        `expires is too far ahead: at most ${MAX_EXPIRES_AHEAD_S} s (one day) from now.`,
      );
    if (!signature) throw new CompatRefusal(401, 'signature is required.');
    const resolved = await resolveKey(options.store.registry, apiKey, 'ooyala', now(), {
      account: true,
      sealedSecret: true,
    });
    if (!resolved.ok) throw new CompatRefusal(401, 'Invalid API key.');
    const key = resolved.key;
    const path = request.url.split('?')[0] ?? '';
    const params = Object.fromEntries(
      Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    if (
      !ooyalaSignatureMatches(options.sealer.open(key.sealedSecret), request.method, path, params, signature)
    ) {
      throw new CompatRefusal(401, 'Invalid signature.');
    }
    if (key.account !== pcode) throw new CompatRefusal(403, `This API key may not read provider '${pcode}'.`);
    const found = await resolveAccount(options.store.registry, pcode);
    if (!found.ok) {
      throw found.reason === 'unknown-account'
        ? new CompatRefusal(404, `Unknown provider '${pcode}'.`)
        : new CompatRefusal(403, 'This provider is not active.');
    }
    return found.account;
  }

  async function report(
    account: Account,
    name: string,
    window: TimeWindow,
    breakdownBy: PeriodType,
    /** Accounts below the provider, when includeSubAccounts=true. */
    subAccounts: string[],
  ): Promise<Report> {
    const spec = METRICS[name];
    if (spec === undefined) {
      throw new CompatRefusal(
        400,
        `Unknown metricName '${name}' (one of ${Object.keys(METRICS).join(', ')}).`,
      );
    }
    const tz = account.timezone;
    const start = window.start;
    let end = window.end;
    if (spec.monthly) {
      // Computed after each calendar month ends: the current month (and later) reads 0.
      const monthStart = DateTime.fromMillis(now(), { zone: tz }).startOf('month').toMillis();
      end = Math.min(end, monthStart);
    }
    const children = spec.ownOnly ? [] : subAccounts;
    const windows = splitWindows(window.start, window.end, breakdownBy, tz);
    const ask = async (id: string, granularity: PeriodType | 'total', also: string[]) => {
      if (start >= end) return new Map<number, number>();
      const rows = await readUsage(options.store, {
        account: id,
        alsoAccounts: also,
        from: start,
        to: end,
        tz,
        granularity,
        metrics: [spec.metric],
        ...(spec.filter ? { filters: spec.filter } : {}),
      });
      return new Map(rows.map((r) => [r.windowStart, r.metrics[spec.metric] ?? 0]));
    };
    const total = await ask(account.id, 'total', children);
    const rollups: [string, string, number][] = [];
    for (const id of [account.id, ...children]) {
      const values = await ask(id, breakdownBy, []);
      for (const w of windows)
        rollups.push([id, rollupDate(w.start, breakdownBy, tz), values.get(w.start) ?? 0]);
    }
    return {
      metric: name,
      pcode: account.id,
      breakdownBy,
      start: DateTime.fromMillis(window.start, { zone: tz }).toISO() ?? '',
      end: DateTime.fromMillis(window.end, { zone: tz }).toISO() ?? '',
      total: [...total.values()][0] ?? 0,
      rollups,
    };
  }

  const handle = (route: 'period' | 'report') => async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const params = request.params as { pcode: string; metricName?: string };
      const account = await authenticate(request, reply, params.pcode);
      const query = request.query as Record<string, string | undefined>;
      const tz = account.timezone;
      let window: TimeWindow;
      let defaultBreakdown: PeriodType;
      if (route === 'period') {
        const { type, period } = query;
        if (!type || !isPeriodType(type))
          throw new CompatRefusal(400, `type must be one of ${PERIOD_TYPES.join(', ')}.`);
        if (!period) throw new CompatRefusal(400, 'period is required.');
        window = periodWindow(type, period, tz);
        defaultBreakdown = type;
      } else {
        const start = dayStart(query.startDate ?? '', tz);
        const last = dayStart(query.endDate ?? '', tz);
        if (start === undefined) throw new CompatRefusal(400, 'startDate must be yyyy-MM-dd.');
        if (last === undefined) throw new CompatRefusal(400, 'endDate must be yyyy-MM-dd.');
        if (last < start) throw new CompatRefusal(400, 'endDate must not be before startDate.');
        // endDate is included: the window ends at the next local midnight.
        window = { start, end: periodWindow('day', query.endDate as string, tz).end };
        defaultBreakdown = 'day';
      }
      const breakdownText = query.breakdownBy ?? defaultBreakdown;
      if (!isPeriodType(breakdownText)) {
        throw new CompatRefusal(400, `breakdownBy must be one of ${PERIOD_TYPES.join(', ')}.`);
      }
      // Read once per request, whatever the number of metrics.
      const subAccounts =
        query.includeSubAccounts === 'true'
          ? descendants(await options.store.registry.listAccounts(), account.id)
          : [];
      if (params.metricName !== undefined) {
        return await report(account, params.metricName, window, breakdownText, subAccounts);
      }
      const names = (query.metricName ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      if (names.length === 0) throw new CompatRefusal(400, 'metricName is required (comma-separated).');
      const out: Record<string, Report> = {};
      for (const name of names) out[name] = await report(account, name, window, breakdownText, subAccounts);
      return out;
    } catch (error) {
      if (error instanceof CompatRefusal) return reply.status(error.status).send({ message: error.message });
      if (error instanceof PeriodError) return reply.status(400).send({ message: error.message });
      if (isAppError(error) && error.status < 500) return reply.status(400).send({ message: error.message });
      request.log.error({ err: error }, 'ooyala usage failed');
      return reply.status(503).send({ message: 'Service temporarily unavailable.' });
    }
  };

  for (const route of ['period', 'report'] as const) {
    const base = `/v3/billing/usage/${route}/provider/:pcode`;
    const schema = { summary: `Ooyala usage ${route} (compatible API)`, tags: ['ooyala'] };
    app.get(base, { schema }, handle(route));
    app.get(`${base}/metric/:metricName`, { schema }, handle(route));
  }
}
