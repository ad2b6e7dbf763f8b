/**
 * The one error catalogue. Every failure a user can cause or meet has a stable kebab-case `code`,
 * an HTTP `status` and a CLI exit code; the HTTP layer and the CLI map them in one place each.
 */

export const ERROR_CATALOGUE = {
  'bad-parameter': { status: 400, exit: 2 },
  'bad-cursor': { status: 400, exit: 2 },
  'bad-config': { status: 400, exit: 2 },
  unauthorized: { status: 401, exit: 2 },
  forbidden: { status: 403, exit: 2 },
  'not-found': { status: 404, exit: 2 },
  conflict: { status: 409, exit: 1 },
  'body-too-large': { status: 413, exit: 2 },
  'unsupported-media-type': { status: 415, exit: 2 },
  'data-dir-locked': { status: 503, exit: 1 },
  'store-unavailable': { status: 503, exit: 1 },
  /** The data dir or a file in it is readable by others and cannot be made private. */
  'data-dir-unsafe': { status: 503, exit: 1 },
  /** `tally serve` cannot listen where it was asked to (port in use, no permission, no such address). */
  'address-unavailable': { status: 503, exit: 1 },
  /** The CLI cannot reach the server that holds the data dir (or `--server`): it says so and exits. */
  'server-unreachable': { status: 502, exit: 1 },
  'unsupported-format': { status: 400, exit: 2 },
  /** Some file was refused (wrong format) or damaged; the rest was imported. */
  'import-incomplete': { status: 422, exit: 1 },
  'io-error': { status: 500, exit: 1 },
  internal: { status: 500, exit: 1 },
} as const satisfies Record<string, { status: number; exit: number }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Whether `code` is one of the catalogue's (a code read back from a server's answer, say). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CATALOGUE, code);
}

/** An expected failure with a stable code; anything else reaching an edge is an `internal` error. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly exitCode: number;
  /** The request parameter or CLI flag at fault, when there is one. */
  readonly param: string | undefined;

  constructor(code: ErrorCode, message: string, options: { param?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.exitCode = ERROR_CATALOGUE[code].exit;
    this.param = options.param;
  }
}

/** A 400 naming the parameter at fault: `badParameter('from', 'must be on a 15-minute boundary')`. */
export function badParameter(param: string, problem: string): AppError {
  return new AppError('bad-parameter', `${param}: ${problem}`, { param });
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
