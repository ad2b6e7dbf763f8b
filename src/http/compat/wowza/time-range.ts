/**
 * Wowza's `from` / `to` (seed 001): `YYYY-MM-DD HH:MM:SS` in UTC, also URL-encoded, with a `T`,
 * or with single-digit month, day or hour (`2019-9-04 15:00:00`), or `last_bill_date`.
 *
 * - Stream targets, VOD streams and transcoders round minutes and seconds up to the hour.
 *   Storage peak and network usage keep the instant, rounded up to the store's 15-minute bucket.
 * - Defaults: `from` is the account's last billing date (its billing day at 00:00 UTC), `to` the
 *   end of the current UTC day. With only `from`, 90 days from it or up to the end of the current
 *   day, whichever is shorter; with only `to`, 90 days before it or the last billing date,
 *   whichever is shorter.
 * - At most 90 days between them; `from` must be before `to`.
 */
import { invalidParameter } from './wowza-error.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const QUARTER_MS = 900_000;
export const MAX_RANGE_MS = 90 * DAY_MS;

export type Rounding = 'hour' | 'bucket';

export interface Range {
  from: number;
  to: number;
}

/** The start of the billing period containing `now`: `billingDay` of this or the previous month, 00:00 UTC. */
export function lastBillingDate(now: number, billingDay: number): number {
  const d = new Date(now);
  const thisMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), billingDay);
  return thisMonth <= now ? thisMonth : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, billingDay);
}

const FORM =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?)?)?(?:Z|\+00:?00)?$/;

function parseInstant(name: string, text: string): number {
  const m = FORM.exec(text.trim());
  if (!m) throw invalidParameter(`${name} must be YYYY-MM-DD HH:MM:SS (UTC), got '${text}'`);
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v))) as number[];
  const ms = Date.UTC(y as number, (mo as number) - 1, d, h, mi, s);
  const back = new Date(ms);
  if (
    back.getUTCMonth() !== (mo as number) - 1 ||
    back.getUTCDate() !== d ||
    (h as number) > 23 ||
    (mi as number) > 59 ||
    (s as number) > 59
  ) {
    throw invalidParameter(`${name} is not a valid date and time: '${text}'`);
  }
  return ms;
}

function roundUp(ms: number, rounding: Rounding): number {
  const step = rounding === 'hour' ? HOUR_MS : QUARTER_MS;
  return Math.ceil(ms / step) * step;
}

export function resolveRange(
  query: { from?: string | undefined; to?: string | undefined },
  options: { now: number; billingDay: number; rounding: Rounding },
): Range {
  const lastBill = lastBillingDate(options.now, options.billingDay);
  const endOfToday = Math.floor(options.now / DAY_MS) * DAY_MS + DAY_MS;
  const read = (name: 'from' | 'to'): number | undefined => {
    const text = query[name];
    if (text === undefined || text === '') return undefined;
    return text === 'last_bill_date' ? lastBill : roundUp(parseInstant(name, text), options.rounding);
  };
  const given = { from: read('from'), to: read('to') };
  let from: number;
  let to: number;
  if (given.from !== undefined && given.to !== undefined) {
    from = given.from;
    to = given.to;
  } else if (given.from !== undefined) {
    from = given.from;
    to = Math.min(from + MAX_RANGE_MS, endOfToday);
    // A `from` in the future: an empty range of the full length rather than an error.
    if (to <= from) to = from + MAX_RANGE_MS;
  } else if (given.to !== undefined) {
    to = given.to;
    from = Math.max(to - MAX_RANGE_MS, lastBill);
    if (from >= to) from = to - MAX_RANGE_MS;
  } else {
    from = lastBill;
    to = endOfToday;
  }
  if (from >= to) throw invalidParameter('from must be before to');
  if (to - from > MAX_RANGE_MS)
    throw invalidParameter('The maximum difference between from and to is 90 days');
  return { from, to };
}
