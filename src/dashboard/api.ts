/**
 * The dashboard reads only the public native API (DESIGN section 7), with the signed-in key as a
 * bearer token: anything the page shows, a script can get the same way.
 */
import type { AccountView } from '../query/account-view.js';
import type { UsageHead } from '../query/run-usage-query.js';

/** An account as GET /v1/accounts answers it: the API's own view, not a copy. */
export type Account = AccountView;

export type UsageRow = Record<string, string | number>;

/** The head of a usage answer (GET /v1/usage): its account, range, zone and granularity. */
export type { UsageHead } from '../query/run-usage-query.js';

/** A refusal from the API, with its message as the API wrote it. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Dispatched on `window` when the API refuses the key (revoked or expired mid-session). */
export const UNAUTHORIZED = 'tally:unauthorized';

async function request(
  key: string,
  path: string,
  params: Record<string, string> = {},
  accept = 'application/json',
  send?: { method: string; body?: unknown },
) {
  const query = new URLSearchParams(params).toString();
  let response: Response;
  try {
    response = await fetch(`${path}${query ? `?${query}` : ''}`, {
      method: send?.method ?? 'GET',
      headers: {
        authorization: `Bearer ${key}`,
        accept,
        ...(send?.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(send?.body === undefined ? {} : { body: JSON.stringify(send.body) }),
    });
  } catch {
    throw new ApiError(0, 'network', 'the server did not answer: is tally serve running?');
  }
  if (response.status === 401) window.dispatchEvent(new Event(UNAUTHORIZED));
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as
      | { error?: { code?: string; message?: string } }
      | undefined;
    throw new ApiError(
      response.status,
      body?.error?.code ?? 'error',
      body?.error?.message ?? `${path} answered ${response.status}`,
    );
  }
  return response;
}

export async function getJson<T>(key: string, path: string, params: Record<string, string> = {}): Promise<T> {
  return (await (await request(key, path, params)).json()) as T;
}

/** A change through the admin API (POST, PATCH, DELETE); answers the API's JSON. */
export async function sendJson<T>(key: string, method: string, path: string, body?: unknown): Promise<T> {
  return (await (await request(key, path, {}, 'application/json', { method, body })).json()) as T;
}

/** Every row of a usage query, from one read (`format=ndjson`: the head, then a row per line). */
export async function usageRows(
  key: string,
  params: Record<string, string>,
): Promise<{ head: UsageHead; rows: UsageRow[] }> {
  const text = await (
    await request(key, '/v1/usage', { ...params, format: 'ndjson' }, 'application/x-ndjson')
  ).text();
  const [head, ...rows] = text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as UsageRow);
  return { head: head as unknown as UsageHead, rows };
}
