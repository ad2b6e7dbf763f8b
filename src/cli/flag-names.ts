/**
 * Refusals name the parameter at fault first (`account: unknown account 'x'`). The API and the
 * shared validators use the API's names; the CLI says its flag instead (`--account: ...`), the
 * same whether the refusal came from this process or from a server.
 */
import { AppError } from '../domain/errors.js';

/** `error` with its leading parameter name replaced by the flag `flags` gives for it (else unchanged). */
export function withFlagName(error: AppError, flags: Readonly<Record<string, string>>): AppError {
  const param = /^([A-Za-z_.]+): /.exec(error.message)?.[1];
  const flag = param === undefined ? undefined : flags[param];
  if (param === undefined || flag === undefined) return error;
  return new AppError(error.code, `${flag}${error.message.slice(param.length)}`, { param: flag });
}
