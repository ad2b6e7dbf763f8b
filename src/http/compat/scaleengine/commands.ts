/**
 * ScaleEngine commands (seed 000): `usage.all` and `video.getapps`, each a translation from the
 * request to UsageQuery parameters and from the rows to ScaleEngine's response shape.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Account } from '../../../domain/account.js';
import { readUsage } from '../../../query/read-usage.js';
import type { Store } from '../../../store/store.js';
import { CompatRefusal } from '../compat-refusal.js';

/** An int or a numeric string (PHP clients send both: `'month' => 07`, `"7"`). */
function integer(request: Record<string, unknown>, name: string, required: boolean): number | undefined {
  const v = request[name];
  if (v === undefined || v === null || v === '') {
    if (required) throw new CompatRefusal(400, `${name} is required`);
    return undefined;
  }
  const n =
    typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new CompatRefusal(400, `${name} must be an integer`);
  return n;
}

/** A string or an array of strings: the filter values, or undefined when absent. */
function names(request: Record<string, unknown>, name: string): string[] | undefined {
  const v = request[name];
  if (v === undefined || v === null || v === '') return undefined;
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) return undefined;
  // A URL may hold a comma: values go to the query as a list, never joined into one text.
  if (!list.every((x) => typeof x === 'string' && x !== '')) {
    throw new CompatRefusal(400, `${name} must be a string or an array of strings`);
  }
  return list as string[];
}

/** The account a `cdn_id` (or `cdn`) names, which must be the key's own. */
export function cdnAccount(request: Record<string, unknown>, keyAccount: Account): Account {
  const cdn = integer(request, request.cdn_id !== undefined ? 'cdn_id' : 'cdn', false);
  if (cdn === undefined) throw new CompatRefusal(400, 'cdn_id is required');
  if (cdn !== keyAccount.number) throw new CompatRefusal(403, `unknown cdn ${cdn} for this api_key`);
  return keyAccount;
}

export async function usageAll(store: Store, request: Record<string, unknown>, account: Account) {
  const year = integer(request, 'year', true) as number;
  const month = integer(request, 'month', true) as number;
  const day = integer(request, 'day', false);
  if (year < 1970 || year > 9999) throw new CompatRefusal(400, `bad year ${year}`);
  if (month < 1 || month > 12) throw new CompatRefusal(400, `bad month ${month}: 1 to 12`);
  const zone = account.timezone;
  const start = DateTime.fromObject({ year, month, day: day ?? 1 }, { zone });
  if (!start.isValid || (day !== undefined && start.day !== day))
    throw new CompatRefusal(400, `bad day ${day}`);
  const end = day === undefined ? start.plus({ months: 1 }) : start.plus({ days: 1 });
  const limit = integer(request, 'limit', false);
  const offset = integer(request, 'offset', false) ?? 0;
  if (limit !== undefined && limit < 0) throw new CompatRefusal(400, 'limit must not be negative');
  if (offset < 0) throw new CompatRefusal(400, 'offset must not be negative');

  const apps = names(request, 'app');
  const urls = names(request, 'url');
  const found = await readUsage(store, {
    account: account.id,
    from: start.toMillis(),
    to: end.toMillis(),
    tz: zone,
    granularity: 'total',
    groupBy: ['resource'],
    metrics: ['bytes_out', 'commands'],
    filters: { ...(apps ? { app: apps } : {}), ...(urls ? { resource: urls } : {}) },
  });
  // One row per video URL / stream name; `count` is every row available, the page is offset/limit.
  const rows = found.map((r) => ({
    video_url: r.dimensions.resource ?? '',
    bytes_total: String(r.metrics.bytes_out ?? 0),
    requests_total: String(r.metrics.commands ?? 0),
  }));
  const page = rows.slice(offset, limit === undefined ? undefined : offset + limit);
  return {
    status: 'success',
    usage: page,
    count: rows.length,
    message: rows.length > 0 ? 'Found Video Usage' : 'No Video Usage Found',
  };
}

/** A stable number for an app name within an account (Tally keeps names, ScaleEngine shows ids). */
export function appId(account: string, app: string): number {
  return createHash('sha256').update(`${account}\u0001${app}`).digest().readUInt32BE(0) & 0x7fffffff;
}

export async function videoGetApps(store: Store, account: Account) {
  const found = await readUsage(store, {
    account: account.id,
    from: 0,
    to: DateTime.utc().plus({ days: 1 }).startOf('day').toMillis(),
    tz: 'UTC',
    granularity: 'total',
    groupBy: ['app'],
    metrics: ['requests'],
  });
  const apps = found.map(({ dimensions: { app = '' } }) => ({
    app_id: appId(account.id, app),
    app_name: app,
  }));
  return {
    status: 'success',
    apps,
    count: apps.length,
    message: apps.length > 0 ? 'Found Apps' : 'No Apps Found',
  };
}
