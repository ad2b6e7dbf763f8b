/**
 * ScaleEngine `POST /api` (seed 000 and api-notes.md): the request is a JSON object in the form
 * field `json` (urlencoded or multipart), signed with the key's secret. Checks, in order: the
 * JSON, the api_key, the timestamp window, the signature, replay, the rate limit, the account;
 * then the command. Every answer is JSON: `{"status":"success",...}` or
 * `{"status":"failure","message":...}`, each with `handle_time`; never a 500 with a stack.
 */
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RateLimiter, type RateLimitPolicy } from '../../../auth/rate-limit.js';
import { ReplayCache } from '../../../auth/replay-cache.js';
import { resolveAccount, resolveKey } from '../../../auth/resolve-key.js';
import { signatureMatches } from '../../../auth/scaleengine-signature.js';
import type { Sealer } from '../../../auth/sealed-secret.js';
import { isAppError } from '../../../domain/errors.js';
import type { Store } from '../../../store/store.js';
import { CompatRefusal } from '../compat-refusal.js';
import { cdnAccount, usageAll, videoGetApps } from './commands.js';

export const SCALEENGINE_PATH = '/api';
/** How far a request's timestamp may be from the server clock, either way. */
export const TIMESTAMP_WINDOW_S = 300;
export const DEFAULT_SCALEENGINE_RATE: RateLimitPolicy = { capacity: 30, windowSeconds: 60 };
const MAX_BODY = 64 * 1024;

export interface ScaleEngineOptions {
  store: Store;
  sealer: Sealer;
  rate?: RateLimitPolicy | undefined;
  now?: () => number;
}

function handleTime(started: bigint): string {
  return `${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(4)} seconds`;
}

/** The `json` form field, from an urlencoded or a multipart body. */
async function jsonField(request: FastifyRequest): Promise<string | undefined> {
  if (request.isMultipart()) {
    try {
      for await (const part of request.parts()) {
        if (part.type === 'field' && part.fieldname === 'json' && typeof part.value === 'string')
          return part.value;
      }
    } catch (error) {
      throw multipartRefusal(error);
    }
    return undefined;
  }
  const body = request.body as Record<string, unknown> | undefined;
  const value = body?.json;
  return typeof value === 'string' ? value : undefined;
}

/**
 * A multipart body the client got wrong (a file part, no boundary, a cut or malformed body) as
 * ScaleEngine's failure with a 4xx: busboy's and the plugin's errors are the client's, not ours.
 */
function multipartRefusal(error: unknown): CompatRefusal {
  const { code, statusCode, message } = error as { code?: string; statusCode?: number; message?: string };
  if (code === 'FST_FILES_LIMIT')
    return new CompatRefusal(400, 'multipart body with a file part: send the request in the form field json');
  if (statusCode === 413) return new CompatRefusal(413, 'request too large');
  const reason = (message ?? 'unreadable').replace(/^Multipart: /, '').slice(0, 80);
  return new CompatRefusal(400, `malformed multipart body (${reason})`);
}

export function registerScaleEngineRoute(app: FastifyInstance, options: ScaleEngineOptions): void {
  const limiter = new RateLimiter(options.rate ?? DEFAULT_SCALEENGINE_RATE);
  const replays = new ReplayCache(options.store.registry, 'scaleengine', TIMESTAMP_WINDOW_S * 1000);
  const now = options.now ?? Date.now;

  async function handle(request: FastifyRequest, reply: FastifyReply): Promise<Record<string, unknown>> {
    const text = await jsonField(request);
    if (text === undefined) throw new CompatRefusal(400, 'missing form field json');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new CompatRefusal(400, 'form field json is not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new CompatRefusal(400, 'form field json must be a JSON object');
    }
    const req = parsed as Record<string, unknown>;
    const { api_key: apiKey, signature, command } = req;
    if (typeof apiKey !== 'string' || apiKey === '') throw new CompatRefusal(400, 'api_key is required');
    if (typeof signature !== 'string' || signature === '')
      throw new CompatRefusal(400, 'signature is required');

    const resolved = await resolveKey(options.store.registry, apiKey, 'scaleengine', now(), {
      account: true,
      sealedSecret: true,
    });
    if (!resolved.ok) throw new CompatRefusal(401, 'invalid api_key');
    const key = resolved.key;
    const timestamp = typeof req.timestamp === 'number' ? req.timestamp : Number(req.timestamp);
    if (!Number.isFinite(timestamp)) throw new CompatRefusal(400, 'timestamp is required (unix seconds)');
    const skew = timestamp - now() / 1000;
    if (Math.abs(skew) > TIMESTAMP_WINDOW_S) {
      throw new CompatRefusal(
        401,
        `timestamp expired: ${Math.round(Math.abs(skew))} s ${skew < 0 ? 'old' : 'in the future'} (at most ${TIMESTAMP_WINDOW_S} s either way)`,
      );
    }
    if (!signatureMatches(options.sealer.open(key.sealedSecret), req, text, signature)) {
      throw new CompatRefusal(401, 'bad signature');
    }
    if (!(await replays.firstUse(signature, now())))
      throw new CompatRefusal(401, 'replayed request: this signature was already used');
    const decision = limiter.take(key.id, now());
    void reply.headers(limiter.headers(decision));
    if (!decision.allowed) throw new CompatRefusal(429, 'too many requests, slow down');
    const found = await resolveAccount(options.store.registry, key.account);
    if (!found.ok) throw new CompatRefusal(403, 'account is not active');
    const keyAccount = found.account;

    switch (command) {
      case 'usage.all':
        return usageAll(options.store, req, cdnAccount(req, keyAccount));
      case 'video.getapps':
        return videoGetApps(options.store, keyAccount);
      default:
        throw new CompatRefusal(
          400,
          typeof command === 'string' ? `unknown command '${command.slice(0, 40)}'` : 'command is required',
        );
    }
  }

  void app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: MAX_BODY });
    await scope.register(multipart, { limits: { fieldSize: MAX_BODY, fields: 10, files: 0, parts: 10 } });
    scope.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
      const status = error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 503;
      return reply.status(status).send({
        status: 'failure',
        message:
          status === 413
            ? 'request too large'
            : status < 500
              ? 'bad request'
              : 'service temporarily unavailable',
      });
    });
    scope.post(
      SCALEENGINE_PATH,
      { schema: { summary: 'ScaleEngine API (compatible)', tags: ['scaleengine'] } },
      async (request, reply) => {
        const started = process.hrtime.bigint();
        try {
          const result = await handle(request, reply);
          return { ...result, handle_time: handleTime(started) };
        } catch (error) {
          let failure: CompatRefusal;
          if (error instanceof CompatRefusal) failure = error;
          else if (isAppError(error) && error.status < 500)
            failure = new CompatRefusal(error.status, error.message);
          else {
            request.log.error({ err: error }, 'scaleengine request failed');
            failure = new CompatRefusal(503, 'service temporarily unavailable');
          }
          return reply
            .status(failure.status)
            .send({ status: 'failure', message: failure.message, handle_time: handleTime(started) });
        }
      },
    );
  });
}
