/**
 * `POST /v1/events`: usage events as a JSON array or NDJSON, optionally gzip-compressed. The body
 * limit (10 MiB by default) applies to the decoded body. The answer comes only after the batch is
 * committed, with accepted / duplicate / rejected counts and the index and reason of each rejection.
 */
import { Readable } from 'node:stream';
import { gunzipSync, inflateSync } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../../domain/errors.js';
import {
  DEFAULT_EVENT_LIMITS,
  type EventError,
  EventIngester,
  type EventLimits,
} from '../../ingest/events/event-ingester.js';
import { eventJsonSchemas } from '../../ingest/events/event-schemas.js';
import { normalizeEvent } from '../../ingest/events/event-shapes.js';
import { zstdContent } from '../../ingest/source-file.js';
import type { Store } from '../../store/store.js';
import type { ServerMetrics } from '../metrics.js';
import { bearerAuth, principalOf } from './auth-hook.js';
import { errorSchema } from './schemas.js';

export interface EventsRouteOptions {
  store: Store;
  /** The install secret keying viewer hashes. */
  secret: Buffer;
  zones: Readonly<Record<string, string>>;
  limits?: Partial<EventLimits>;
  /** Largest decoded body accepted (413 beyond). */
  bodyLimitBytes?: number;
  /** Counts events by outcome, when the server keeps metrics. */
  metrics?: Pick<ServerMetrics, 'countEvents'> | undefined;
}

/** Each kind's fields, for the OpenAPI document. */
const EVENT_JSON_SCHEMAS = eventJsonSchemas();

export const DEFAULT_EVENTS_BODY_LIMIT = 10 * 1024 * 1024;

/** A JSON array of events: Tally's own, Vector's and Fluent Bit's `json`, and CloudEvents batches. */
const JSON_TYPES = new Set(['application/json', 'application/cloudevents-batch+json']);
/** One CloudEvent in structured mode. */
const CLOUDEVENT_TYPE = 'application/cloudevents+json';
const NDJSON_TYPES = new Set([
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/json-lines',
]);

/** The body as sent, decoded (gzip, deflate, zstd) up to `limit` bytes: a bomb stops there. */
async function decode(request: FastifyRequest, body: Buffer, limit: number): Promise<Buffer> {
  const encoding = String(request.headers['content-encoding'] ?? 'identity')
    .toLowerCase()
    .trim();
  if (encoding === 'identity' || encoding === '') return body;
  const tooLarge = () => new AppError('body-too-large', `the decoded body is larger than ${limit} bytes`);
  if (encoding === 'zstd') {
    const parts: Buffer[] = [];
    let size = 0;
    try {
      for await (const part of zstdContent(Readable.from([body]))) {
        size += part.length;
        if (size > limit) throw tooLarge();
        parts.push(Buffer.from(part));
      }
    } catch (error) {
      if (isAppError(error)) throw error;
      throw new AppError('bad-parameter', 'the body is not valid zstd');
    }
    return Buffer.concat(parts);
  }
  const inflate =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? gunzipSync
      : encoding === 'deflate'
        ? inflateSync
        : undefined;
  if (inflate === undefined) {
    throw new AppError(
      'unsupported-media-type',
      `Content-Encoding '${encoding}' is not supported (gzip, deflate and zstd are)`,
    );
  }
  try {
    return inflate(body, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
    throw new AppError('bad-parameter', `the body is not valid ${encoding}`);
  }
}

/** The events of a body, with the NDJSON lines that are not JSON as rejections. */
function eventsOf(type: string, text: string): { events: unknown[]; unreadable: EventError[] } {
  if (type === CLOUDEVENT_TYPE) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new AppError('bad-parameter', 'the body is not valid JSON (one CloudEvent)');
    }
    return { events: [value], unreadable: [] };
  }
  if (JSON_TYPES.has(type)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new AppError(
        'bad-parameter',
        'the body is not valid JSON (send a JSON array, or NDJSON as application/x-ndjson)',
      );
    }
    if (!Array.isArray(value)) throw new AppError('bad-parameter', 'the body must be a JSON array of events');
    return { events: value, unreadable: [] };
  }
  const events: unknown[] = [];
  const unreadable: EventError[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      events.push(JSON.parse(line));
    } catch {
      unreadable.push({ index: events.length, reason: 'not valid JSON' });
      events.push(undefined);
    }
  }
  return { events, unreadable };
}

export function registerEventsRoute(app: FastifyInstance, options: EventsRouteOptions): void {
  const limit = options.bodyLimitBytes ?? DEFAULT_EVENTS_BODY_LIMIT;
  const limits: EventLimits = { ...DEFAULT_EVENT_LIMITS, ...options.limits };
  const ingester = new EventIngester();

  // Its own scope: the body is taken raw (it may be gzip), with this route's own size limit.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, (_request, body, done) => {
      done(null, body);
    });
    scope.post(
      '/v1/events',
      {
        bodyLimit: limit,
        preHandler: bearerAuth(options.store),
        // The body is read raw (gzip, NDJSON, CloudEvents) and checked event by event by the
        // ingester, against the same schemas (event-schemas.ts) this route's `body` documents.
        // The body is this route's only validated part.
        validatorCompiler: () => () => true,
        schema: {
          summary: 'Send usage events (JSON array or NDJSON, optionally gzip)',
          security: [{ bearer: [] }],
          body: { type: 'array', items: { oneOf: Object.values(EVENT_JSON_SCHEMAS) } },
          response: {
            200: {
              type: 'object',
              properties: {
                accepted: { type: 'integer' },
                duplicates: { type: 'integer' },
                rejected: { type: 'integer' },
                errors: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: { index: { type: 'integer' }, reason: { type: 'string' } },
                  },
                },
              },
            },
            '4xx': errorSchema,
          },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const type = String(request.headers['content-type'] ?? '')
          .split(';')[0]
          ?.trim()
          .toLowerCase() as string;
        if (!JSON_TYPES.has(type) && !NDJSON_TYPES.has(type) && type !== CLOUDEVENT_TYPE) {
          throw new AppError(
            'unsupported-media-type',
            `Content-Type '${type}' is not supported: send application/json (an array), application/x-ndjson or CloudEvents (application/cloudevents+json, application/cloudevents-batch+json)`,
          );
        }
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const body = await decode(request, raw, limit);
        if (body.length > limit)
          throw new AppError('body-too-large', `the body is larger than ${limit} bytes`);
        const parsed = eventsOf(type, body.toString('utf8'));
        const { unreadable } = parsed;
        // Shippers' shapes in Tally's fields; a field no kind knows is a 400 for the whole request.
        const events = parsed.events.map(normalizeEvent);
        const result = await ingester.ingest(events, {
          store: options.store,
          keyAccount: principal.account,
          zones: options.zones,
          secret: options.secret,
          limits,
          now: Date.now(),
        });
        options.metrics?.countEvents(result);
        // Lines that were not JSON are rejected as "not a JSON object" by the ingester; say why instead.
        const reasons = new Map(unreadable.map((u) => [u.index, u.reason]));
        const errors = result.errors.map((e) => ({
          index: e.index,
          reason: reasons.get(e.index) ?? e.reason,
        }));
        return { ...result, errors };
      },
    );
  });
}
