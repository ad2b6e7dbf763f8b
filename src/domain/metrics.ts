/** Delivery metrics and how each is computed from records (DESIGN section 2). */

/** Metrics of delivery records (logs and `delivery` events). */
export const DELIVERY_METRICS = [
  'requests',
  'ok_requests',
  'client_errors',
  'auth_failures',
  'server_errors',
  'bytes_out',
  'bytes_in',
  'view_seconds',
  'commands',
  'starts',
  'unique_viewers',
] as const;

/**
 * Metrics of meters (usage events other than deliveries). Each is a sum over the window but
 * `storage_peak_bytes`, the largest stored-bytes sample in it.
 */
export const METER_METRICS = [
  'transcode_seconds',
  'transcode_egress_bytes',
  'storage_peak_bytes',
  'vod_transcoding_minutes',
  'vod_transcoded_minutes',
  'live_transcoding_minutes',
  'live_packaging_minutes',
] as const;

/**
 * Billed metrics: delivery counters as the latest billing snapshot froze them (Wowza's
 * `bytes_billed`). They have the delivery dimensions but `source`.
 */
export const BILLED_METRICS = ['billed_bytes_out'] as const;

export const METRICS = [...DELIVERY_METRICS, ...METER_METRICS, ...BILLED_METRICS] as const;

export type DeliveryMetric = (typeof DELIVERY_METRICS)[number];
export type MeterMetric = (typeof METER_METRICS)[number];
export type BilledMetric = (typeof BILLED_METRICS)[number];
export type Metric = DeliveryMetric | MeterMetric | BilledMetric;

/** Delivery metrics that are plain sums of per-bucket counters; `unique_viewers` is the one that is not. */
export type SummedMetric = Exclude<DeliveryMetric, 'unique_viewers'>;

export const SUMMED_METRICS: readonly SummedMetric[] = DELIVERY_METRICS.filter(
  (m): m is SummedMetric => m !== 'unique_viewers',
);

const metricSet: ReadonlySet<string> = new Set(METRICS);
const meterSet: ReadonlySet<string> = new Set(METER_METRICS);

export function isMetric(name: string): name is Metric {
  return metricSet.has(name);
}

export function isMeterMetric(name: string): name is MeterMetric {
  return meterSet.has(name);
}

export function isBilledMetric(name: string): name is BilledMetric {
  return name === 'billed_bytes_out';
}

/** The only dimension meters have: `target`, the meter's subject (a transcoder id, a stream, or ''). */
export const METER_DIMENSION = 'target';

/** What a query returns when it names no metrics: every delivery metric (meters are asked for by name). */
export const DEFAULT_METRICS: readonly Metric[] = DELIVERY_METRICS;

/** Status classes, shared by the aggregator and by tests that recompute totals independently. */
export function isOk(status: number): boolean {
  return status >= 200 && status <= 299;
}
export function isClientError(status: number): boolean {
  return status >= 400 && status <= 499;
}
export function isAuthFailure(status: number): boolean {
  return status === 401 || status === 403;
}
export function isServerError(status: number): boolean {
  return status >= 500 && status <= 599;
}
