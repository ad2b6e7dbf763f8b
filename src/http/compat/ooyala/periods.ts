/**
 * Ooyala's fixed periods and date ranges (seed 003) as windows in the provider's time zone:
 * `type` day|week|month|quarter|year with `period` yyyy-MM-dd | yyyy-WW (WW 0..53, Sunday weeks
 * as DESIGN's `week`) | yyyy-MM | yyyy-QX | yyyy; a period that does not match its type is a 400
 * naming both. Rollup dates are labelled in the format of their breakdown type.
 */
import { DateTime } from 'luxon';
import { sundayWeekOfYear, sundayWeekWindow, type TimeWindow } from '../../../domain/time-window.js';

export const PERIOD_TYPES = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type PeriodType = (typeof PERIOD_TYPES)[number];

const FORMATS: Record<PeriodType, { pattern: RegExp; shape: string }> = {
  day: { pattern: /^(\d{4})-(\d{2})-(\d{2})$/, shape: 'yyyy-MM-dd' },
  week: { pattern: /^(\d{4})-(\d{1,2})$/, shape: 'yyyy-WW (WW from 0 to 53)' },
  month: { pattern: /^(\d{4})-(\d{2})$/, shape: 'yyyy-MM' },
  quarter: { pattern: /^(\d{4})-Q([1-4])$/, shape: 'yyyy-QX (X from 1 to 4)' },
  year: { pattern: /^(\d{4})$/, shape: 'yyyy' },
};

export class PeriodError extends Error {}

export function isPeriodType(text: string): text is PeriodType {
  return (PERIOD_TYPES as readonly string[]).includes(text);
}

/** The window of `period` of `type` in `zone`. */
export function periodWindow(type: PeriodType, period: string, zone: string): TimeWindow {
  const m = FORMATS[type].pattern.exec(period);
  const mismatch = () =>
    new PeriodError(`period '${period}' does not match type '${type}' (expected ${FORMATS[type].shape})`);
  if (!m) throw mismatch();
  const [y, a, b] = m.slice(1).map(Number) as [number, number, number];
  const at = (o: { year: number; month?: number; day?: number }) => DateTime.fromObject(o, { zone });
  let start: DateTime;
  let end: DateTime;
  switch (type) {
    case 'day':
      start = at({ year: y, month: a, day: b });
      if (!start.isValid || start.month !== a || start.day !== b) throw mismatch();
      end = start.plus({ days: 1 });
      break;
    case 'week': {
      if (a > 53) throw mismatch();
      const w = sundayWeekWindow(y, a, zone);
      if (w.start >= w.end) throw new PeriodError(`period '${period}': year ${y} has no week ${a}`);
      return w;
    }
    case 'month':
      if (a < 1 || a > 12) throw mismatch();
      start = at({ year: y, month: a, day: 1 });
      end = start.plus({ months: 1 });
      break;
    case 'quarter':
      start = at({ year: y, month: (a - 1) * 3 + 1, day: 1 });
      end = start.plus({ months: 3 });
      break;
    default:
      start = at({ year: y, month: 1, day: 1 });
      end = start.plus({ years: 1 });
  }
  return { start: start.toMillis(), end: end.toMillis() };
}

/** `yyyy-MM-dd` as the local midnight in `zone`, or undefined when it is not a date. */
export function dayStart(text: string, zone: string): number | undefined {
  try {
    return periodWindow('day', text, zone).start;
  } catch {
    return undefined;
  }
}

/** The label of a rollup window starting at `ms`, in the format of its breakdown type. */
export function rollupDate(ms: number, type: PeriodType, zone: string): string {
  const local = DateTime.fromMillis(ms, { zone });
  switch (type) {
    case 'day':
      return local.toFormat('yyyy-MM-dd');
    case 'week':
      return `${local.year}-${String(sundayWeekOfYear(ms, zone)).padStart(2, '0')}`;
    case 'month':
      return local.toFormat('yyyy-MM');
    case 'quarter':
      return `${local.year}-Q${local.quarter}`;
    default:
      return String(local.year);
  }
}
