/** Maps every error to the native envelope `{"error":{"code","message"}}` in one place (DESIGN section 7). */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../domain/errors.js';

export interface ErrorBody {
  error: { code: string; message: string };
}

/** Normalises anything thrown into an AppError; unexpected errors become a bland 500. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const first = fastifyError.validation[0];
    const at = (first?.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
    const unknown = first?.params?.additionalProperty;
    if (first?.keyword === 'additionalProperties' && typeof unknown === 'string') {
      // A field the route does not know is refused by name, never dropped (a typo would be silent).
      const param = at ? `${at}.${unknown}` : unknown;
      return new AppError('bad-parameter', `${param}: unknown field`, { param });
    }
    const param = at || String(first?.params?.missingProperty ?? 'request');
    return new AppError('bad-parameter', `${param}: ${first?.message ?? 'invalid'}`, { param });
  }
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return new AppError('body-too-large', 'request body is too large');
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new AppError('unsupported-media-type', 'request body must be application/json');
  }
  if (
    typeof fastifyError.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    return new AppError('bad-parameter', fastifyError.message);
  }
  return new AppError('internal', 'internal error', { cause: error });
}

export function errorBody(error: AppError): ErrorBody {
  return { error: { code: error.code, message: error.message } };
}

export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const appError = toAppError(error);
  // Server faults are logged with their cause; client faults are not noise worth logging. Never log headers (keys).
  if (appError.status >= 500)
    request.log.error({ err: appError.cause ?? error, url: request.url.split('?')[0] }, appError.message);
  void reply.status(appError.status).send(errorBody(appError));
}
