/**
 * ZenDRIVE `POST /zendrive-api/cdn-stats/` (seed 004): request -> UsageQuery -> the seed's
 * response shape. Statuses and messages are the seed's error table, word for word; no failure
 * becomes a 500. The path without its trailing slash answers the same (the original redirects
 * and loses the body).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { secretMatches } from '../../../auth/keys.js';
import { RateLimiter, type RateLimitPolicy } from '../../../auth/rate-limit.js';
import { resolveAccount, resolveKey } from '../../../auth/resolve-key.js';
import { isAppError } from '../../../domain/errors.js';
import type { Metric } from '../../../domain/metrics.js';
import { readUsage } from '../../../query/read-usage.js';
import type { Store } from '../../../store/store.js';
import type { UsageRow } from '../../../store/usage-store.js';
import { isSecure, type TransportPolicy } from '../../transport.js';
import { CompatRefusal } from '../compat-refusal.js';

export const ZENDRIVE_PATH = '/zendrive-api/cdn-stats/';
export const DEFAULT_ZENDRIVE_RATE: RateLimitPolicy = { capacity: 10, windowSeconds: 20 };

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 30;
const MAX_DAYS = 366;

const METRICS: Metric[] = [
  'requests',
  'ok_requests',
  'client_errors',
  'auth_failures',
  'bytes_out',
  'bytes_in',
  'unique_viewers',
];

interface Counters {
  total_requests: number;
  successful_requests: number;
  client_errors: number;
  auth_failures: number;
  bytes_sent: number;
  bytes_received: number;
  unique_ips: number;
}

function counters(row: UsageRow | undefined): Counters {
  const n = (name: Metric) => row?.metrics[name] ?? 0;
  return {
    total_requests: n('requests'),
    successful_requests: n('ok_requests'),
    client_errors: n('client_errors'),
    auth_failures: n('auth_failures'),
    bytes_sent: n('bytes_out'),
    bytes_received: n('bytes_in'),
    // The viewer of an S3 log line is its client address: distinct viewers are distinct IPs.
    unique_ips: n('unique_viewers'),
  };
}

/** Successful / total as a percentage with one decimal; 0 with no requests. */
export function successRate(successful: number, total: number): number {
  return total === 0 ? 0 : Math.round((successful / total) * 1000) / 10;
}

/** `YYYY-MM-DD` as UTC midnight, or NaN (31 February is not a date). */
function day(text: unknown): number {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return Number.NaN;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === text ? ms : Number.NaN;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface ZendriveOptions {
  store: Store;
  transport: TransportPolicy;
  rate?: RateLimitPolicy | undefined;
  now?: () => number;
}

export function registerZendriveRoutes(app: FastifyInstance, options: ZendriveOptions): void {
  const limiter = new RateLimiter(options.rate ?? DEFAULT_ZENDRIVE_RATE);
  const now = options.now ?? Date.now;

  const refuse = (reply: FastifyReply, error: CompatRefusal) =>
    reply.status(error.status).send({ status: 'error', message: error.message });

  async function answer(request: FastifyRequest, reply: FastifyReply) {
    try {
      if (request.method !== 'POST') throw new CompatRefusal(405, 'POST is required');
      if (!isSecure(request, options.transport)) throw new CompatRefusal(400, 'HTTPS is required');
      const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
        string,
        unknown
      >;
      const { access_key: accessKey, secret_key: secretKey } = body;
      if (
        typeof accessKey !== 'string' ||
        typeof secretKey !== 'string' ||
        accessKey === '' ||
        secretKey === ''
      ) {
        throw new CompatRefusal(400, 'access_key and secret_key are required');
      }
      const resolved = await resolveKey(options.store.registry, accessKey, 'zendrive', now(), {
        account: true,
        sealedSecret: false,
      });
      if (!resolved.ok || !secretMatches(secretKey, resolved.key.secretHash)) {
        throw new CompatRefusal(401, 'Invalid credentials');
      }
      const key = resolved.key;
      const decision = limiter.take(key.id, now());
      void reply.headers(limiter.headers(decision));
      if (!decision.allowed) throw new CompatRefusal(429, 'Too many requests, slow down');
      const found = await resolveAccount(options.store.registry, key.account);
      if (!found.ok) throw new CompatRefusal(403, 'Service is not active');
      const account = found.account;

      const today = Math.floor(now() / DAY_MS) * DAY_MS;
      const to = body.to === undefined ? today : day(body.to);
      const from = body.from === undefined ? to - DEFAULT_DAYS * DAY_MS : day(body.from);
      if (Number.isNaN(from) || Number.isNaN(to)) {
        throw new CompatRefusal(400, "'from' / 'to' must be a valid YYYY-MM-DD date");
      }
      if (from > to) throw new CompatRefusal(400, "'from' must be on or before 'to'");
      if ((to - from) / DAY_MS + 1 > MAX_DAYS)
        throw new CompatRefusal(400, 'date range too large (max 366 days)');

      // Both dates are whole UTC days, `to` included.
      const window = { account: account.id, from, to: to + DAY_MS, tz: 'UTC', metrics: METRICS };
      const [total, daily] = await Promise.all([
        readUsage(options.store, { ...window, granularity: 'total' }),
        readUsage(options.store, { ...window, granularity: 'day' }),
      ]);
      const summary = counters(total[0]);
      return {
        status: 'ok',
        service_id: account.number ?? 0,
        from: isoDay(from),
        to: isoDay(to),
        summary: {
          ...summary,
          success_rate: successRate(summary.successful_requests, summary.total_requests),
        },
        // Only days with activity, oldest first (the executor omits empty windows and orders by time).
        daily: daily
          .map((row) => ({ date: isoDay(row.windowStart), ...counters(row) }))
          .filter((d) => d.total_requests > 0 || d.bytes_sent > 0 || d.bytes_received > 0),
      };
    } catch (error) {
      if (error instanceof CompatRefusal) return refuse(reply, error);
      // The store could not answer (busy, closed, disk): the seed's transient error, never a stack.
      if (!isAppError(error) || error.status >= 500) {
        request.log.error({ err: error }, 'zendrive cdn-stats failed');
        return refuse(reply, new CompatRefusal(503, 'Service temporarily unavailable'));
      }
      return refuse(reply, new CompatRefusal(error.status, error.message));
    }
  }

  // Its own scope: any body is read as JSON leniently (a body that is not JSON lacks the keys: the
  // seed's 400), and framework errors answer in the seed's shape too.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, text, done) => {
      try {
        done(null, JSON.parse(text as string));
      } catch {
        done(null, null);
      }
    });
    scope.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
      const status = error.statusCode ?? 503;
      const message =
        status === 413
          ? 'Request body too large'
          : status < 500
            ? 'Bad request'
            : 'Service temporarily unavailable';
      return reply.status(status < 500 ? status : 503).send({ status: 'error', message });
    });
    for (const url of [ZENDRIVE_PATH, ZENDRIVE_PATH.slice(0, -1)]) {
      scope.route({
        method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
        url,
        schema: { summary: 'ZenDRIVE usage statistics (compatible API)', tags: ['zendrive'] },
        handler: answer,
      });
    }
  });
}
