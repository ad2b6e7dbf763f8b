/**
 * Figures as people read them (`2.75 TB`), each with its exact value for the `title`, so an
 * operator can reconcile to the byte. Decimal units, as the APIs and invoices count.
 */

const exact = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function scaled(value: number, units: readonly string[], base = 1000): string {
  let i = 0;
  let v = value;
  while (Math.abs(v) >= base && i < units.length - 1) {
    v /= base;
    i++;
  }
  const digits = i === 0 ? 0 : Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toFixed(digits)} ${units[i]}`.trim();
}

export interface Shown {
  text: string;
  /** The exact value, for `title`. */
  exact: string;
}

/** `metric`'s value rounded for the eye, and exactly. */
export function showMetric(metric: string, value: number): Shown {
  if (metric.endsWith('bytes') || metric.startsWith('bytes') || metric.endsWith('_bytes_out'))
    return {
      text: scaled(value, ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB']),
      exact: `${exact.format(value)} bytes`,
    };
  if (metric.endsWith('seconds')) {
    const hours = value / 3600;
    return {
      text: hours >= 1 ? `${scaled(hours, ['h', 'k h', 'M h'])}` : `${exact.format(value)} s`,
      exact: `${exact.format(value)} seconds`,
    };
  }
  return { text: scaled(value, ['', 'k', 'M', 'G', 'T']), exact: exact.format(value) };
}

/** A share as a percentage with its fraction exact: `0.52 %` and `52 of 10,000`. */
export function showShare(part: number, whole: number): Shown {
  const share = whole === 0 ? 0 : (100 * part) / whole;
  return {
    text: `${share.toFixed(share < 10 ? 2 : 1)} %`,
    exact: `${exact.format(part)} of ${exact.format(whole)}`,
  };
}

/** The change from `before` to `now`, as `+12.5 %` (or `new` when there was nothing before). */
export function showChange(now: number, before: number): string {
  if (before === 0) return now === 0 ? '±0 %' : 'new';
  const change = (100 * (now - before)) / before;
  return `${change >= 0 ? '+' : ''}${change.toFixed(1)} %`;
}

/** The metrics the dashboard shows in tables and charts (the API has more: METRICS.md). */
export const SHOWN_METRICS = [
  'bytes_out',
  'requests',
  'unique_viewers',
  'view_seconds',
  'client_errors',
  'server_errors',
];

export const METRIC_LABELS: Record<string, string> = {
  bytes_out: 'Bytes out',
  requests: 'Requests',
  unique_viewers: 'Unique viewers',
  view_seconds: 'Viewing time',
  bytes_in: 'Bytes in',
  billed_bytes_out: 'Bytes billed',
  ok_requests: 'OK requests',
  client_errors: 'Client errors',
  server_errors: 'Server errors',
  auth_failures: 'Auth failures',
  starts: 'Starts',
  commands: 'Commands',
};

export const label = (metric: string): string => METRIC_LABELS[metric] ?? metric;
