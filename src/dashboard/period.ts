/**
 * Periods in the account's time zone: today, yesterday, the last 7 or 30 days (today included),
 * this and last month, or a custom range of whole days. Each has the period before it, of the same
 * length (the month before, for months), and the granularity its chart suits.
 */
import { DateTime } from 'luxon';

export const PERIODS = [
  ['today', 'Today'],
  ['yesterday', 'Yesterday'],
  ['last-7-days', 'Last 7 days'],
  ['last-30-days', 'Last 30 days'],
  ['this-month', 'This month'],
  ['last-month', 'Last month'],
  ['custom', 'Custom range'],
] as const;

export interface Range {
  /** First day, `yyyy-MM-dd` (midnight in the zone). */
  from: string;
  /** The day after the last, exclusive. */
  to: string;
}

/** What every usage page reads: whose usage, over which range, shown in which zone, with which key. */
export interface UsageScope {
  apiKey: string;
  account: string;
  range: Range;
  tz: string;
}

const day = (d: DateTime) => d.toISODate() as string;

export function periodRange(
  period: string,
  tz: string,
  custom: Range,
  now: DateTime<boolean> = DateTime.now(),
): Range {
  const today = now.setZone(tz).startOf('day');
  switch (period) {
    case 'today':
      return { from: day(today), to: day(today.plus({ days: 1 })) };
    case 'yesterday':
      return { from: day(today.minus({ days: 1 })), to: day(today) };
    case 'last-7-days':
      return { from: day(today.minus({ days: 6 })), to: day(today.plus({ days: 1 })) };
    case 'this-month':
      return { from: day(today.startOf('month')), to: day(today.startOf('month').plus({ months: 1 })) };
    case 'last-month':
      return { from: day(today.startOf('month').minus({ months: 1 })), to: day(today.startOf('month')) };
    case 'custom':
      if (custom.from && custom.to && custom.from < custom.to) return custom;
      return { from: day(today.minus({ days: 29 })), to: day(today.plus({ days: 1 })) };
    default:
      return { from: day(today.minus({ days: 29 })), to: day(today.plus({ days: 1 })) };
  }
}

/** The period just before `range`, as long (whole months when `range` is whole months). */
export function previousRange(range: Range): Range {
  const from = DateTime.fromISO(range.from, { zone: 'UTC' });
  const to = DateTime.fromISO(range.to, { zone: 'UTC' });
  if (from.day === 1 && to.day === 1) {
    const months = Math.round(to.diff(from, 'months').months);
    return { from: day(from.minus({ months })), to: range.from };
  }
  const days = Math.round(to.diff(from, 'days').days);
  return { from: day(from.minus({ days })), to: range.from };
}

/** 15-minute windows for a day, hours up to 3 days, days up to about two months, then weeks and months. */
export function chartGranularity(range: Range): string {
  const days = DateTime.fromISO(range.to).diff(DateTime.fromISO(range.from), 'days').days;
  if (days <= 1) return '15m';
  if (days <= 3) return 'hour';
  if (days <= 62) return 'day';
  if (days <= 366) return 'week';
  return 'month';
}
