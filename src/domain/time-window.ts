/**
 * Time: 15-minute UTC storage buckets, query windows in any IANA time zone, and the week
 * numbering rules (`week` = strftime %U, `isoweek` = ISO 8601). Calendar arithmetic goes through
 * Luxon so DST days and 30/45-minute offsets (Asia/Kolkata, Asia/Kathmandu) stay exact.
 */
import { LRUCache } from 'lru-cache';
import { DateTime, IANAZone } from 'luxon';
import { BUCKET_MS, bucketStart } from './bucket.js';
import { badParameter } from './errors.js';

export { BUCKET_MS, bucketStart };

export const GRANULARITIES = [
  '15m',
  'hour',
  'day',
  'week',
  'isoweek',
  'month',
  'quarter',
  'year',
  'total',
] as const;

export type Granularity = (typeof GRANULARITIES)[number];

/** A half-open window `[start, end)` in epoch milliseconds. */
export interface TimeWindow {
  start: number;
  end: number;
}

/** Refuse queries that would explode into more windows than any client can use. */
export const MAX_WINDOWS = 100_000;

export function isGranularity(name: string): name is Granularity {
  return (GRANULARITIES as readonly string[]).includes(name);
}

let canonicalZones: Set<string> | undefined;
/** Other names found valid (aliases such as UTC, any case): at most ALIASES_KEPT of them. */
const validAliases = new Set<string>();
const ALIASES_KEPT = 10_000;

export function isValidTimeZone(zone: string): boolean {
  // ICU's canonical names answer from a list; other names (aliases such as UTC or Asia/Kolkata)
  // build a formatter, whose first construction costs every command about 12 ms and each later one
  // about 0.3 ms: once per API request in a zone such as UTC, a fifth of the request's time. So a
  // valid alias is remembered.
  canonicalZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (canonicalZones.has(zone) || validAliases.has(zone)) return true;
  if (!IANAZone.isValidZone(zone)) return false;
  if (validAliases.size < ALIASES_KEPT) validAliases.add(zone);
  return true;
}

/** Validates an IANA zone name for the named parameter, returning it unchanged. */
export function checkTimeZone(zone: string, param = 'tz'): string {
  if (!isValidTimeZone(zone))
    throw badParameter(param, `unknown time zone '${zone}' (use an IANA name such as Europe/Berlin)`);
  return zone;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Parses `from` / `to`: an ISO 8601 instant with `Z` or an offset, a local date-time, or a bare
 * date (midnight in `zone`, DESIGN section 3). Returns epoch milliseconds.
 *
 * @example parseInstant('2024-07-01', 'Europe/Berlin', 'from') // 2024-06-30T22:00:00Z
 */
export function parseInstant(text: string, zone: string, param: string): number {
  return remembered(parsedInstants, `${zone}\u0001${text}`, () => parseInstantOnce(text, zone, param));
}

/*
 * Zone-aware arithmetic costs tens of microseconds a call (luxon asks Intl for the zone's offset),
 * and an API request makes dozens of calls: most of its time when the answer itself is cached.
 * The results are pure functions of their arguments, so the last few thousand are remembered.
 */
const parsedInstants = new LRUCache<string, number>({ max: 4096 });
const formattedInstants = new LRUCache<string, string>({ max: 16_384 });
const boundaries = new LRUCache<string, number>({ max: 16_384 });

/** `compute()`, or its value from `cache` under `key` (a failure is not kept: it throws again). */
function remembered<V extends {}>(cache: LRUCache<string, V>, key: string, compute: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = compute();
    cache.set(key, value);
  }
  return value;
}

function parseInstantOnce(text: string, zone: string, param: string): number {
  const trimmed = text.trim();
  if (trimmed === '') throw badParameter(param, 'is required');
  const parsed = DateTime.fromISO(trimmed, { zone });
  if (!parsed.isValid) {
    throw badParameter(
      param,
      `'${text}' is not an ISO 8601 date or date-time (e.g. 2024-07-01 or 2024-07-01T00:00:00Z)`,
    );
  }
  if (DATE_ONLY.test(trimmed)) return parsed.startOf('day').toMillis();
  return parsed.toMillis();
}

/** Formats an instant as ISO 8601 with the zone's offset at that instant (no milliseconds). */
export function formatInstant(ms: number, zone: string): string {
  return remembered(
    formattedInstants,
    `${zone}\u0001${ms}`,
    () =>
      DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? new Date(ms).toISOString(),
  );
}

/** The next window boundary strictly after `ms` for a granularity, in `zone`. */
export function nextBoundary(ms: number, granularity: Exclude<Granularity, 'total'>, zone: string): number {
  if (granularity === '15m') return bucketStart(ms) + BUCKET_MS;
  return remembered(boundaries, `${zone}\u0001${granularity}\u0001${ms}`, () =>
    zonedBoundary(ms, granularity, zone),
  );
}

function zonedBoundary(ms: number, granularity: Exclude<Granularity, 'total' | '15m'>, zone: string): number {
  const local = DateTime.fromMillis(ms, { zone });
  switch (granularity) {
    case 'hour':
      // Hours are added as elapsed time, so a repeated DST hour still yields two windows.
      return local.startOf('hour').plus({ hours: 1 }).toMillis();
    case 'day':
      return local.startOf('day').plus({ days: 1 }).toMillis();
    case 'isoweek':
      return local.startOf('week').plus({ weeks: 1 }).toMillis();
    case 'week': {
      // Sunday-start weeks that also break at 1 January: %U numbers weeks within one year.
      const day = local.startOf('day');
      const nextSunday = day.plus({ days: day.weekday === 7 ? 7 : 7 - day.weekday });
      const nextYear = local.startOf('year').plus({ years: 1 });
      return Math.min(nextSunday.toMillis(), nextYear.toMillis());
    }
    case 'month':
      return local.startOf('month').plus({ months: 1 }).toMillis();
    case 'quarter':
      return local.startOf('quarter').plus({ quarters: 1 }).toMillis();
    case 'year':
      return local.startOf('year').plus({ years: 1 }).toMillis();
  }
}

/**
 * Splits `[from, to)` into consecutive windows of a granularity in `zone`. The first and last
 * windows are clipped to `[from, to)`, so a window never claims time the query did not ask for.
 */
export function splitWindows(from: number, to: number, granularity: Granularity, zone: string): TimeWindow[] {
  if (granularity === 'total') return [{ start: from, end: to }];
  const windows: TimeWindow[] = [];
  let start = from;
  while (start < to) {
    const end = Math.min(nextBoundary(start, granularity, zone), to);
    windows.push({ start, end });
    if (windows.length > MAX_WINDOWS) {
      throw badParameter(
        'granularity',
        `'${granularity}' splits this range into more than ${MAX_WINDOWS} windows`,
      );
    }
    start = end;
  }
  return windows;
}

/** strftime `%U`: week of the year, Sunday start, week 0 = the days before the first Sunday. */
export function sundayWeekOfYear(ms: number, zone: string): number {
  const local = DateTime.fromMillis(ms, { zone });
  const yearDay = local.ordinal - 1;
  const weekDay = local.weekday % 7; // Sunday = 0
  return Math.floor((yearDay + 7 - weekDay) / 7);
}

/** The window of `%U` week `week` of `year` in `zone` (empty weeks give `start === end`). */
export function sundayWeekWindow(year: number, week: number, zone: string): TimeWindow {
  const jan1 = DateTime.fromObject({ year, month: 1, day: 1 }, { zone });
  const firstSunday = jan1.plus({ days: (7 - (jan1.weekday % 7)) % 7 });
  const yearEnd = jan1.plus({ years: 1 }).toMillis();
  const start = week === 0 ? jan1.toMillis() : firstSunday.plus({ weeks: week - 1 }).toMillis();
  const end = week === 0 ? firstSunday.toMillis() : firstSunday.plus({ weeks: week }).toMillis();
  return { start: Math.min(start, yearEnd), end: Math.min(end, yearEnd) };
}
