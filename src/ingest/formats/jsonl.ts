/**
 * JSON lines: one DeliveryRecord per line, field names as DESIGN section 2. The record is already
 * normalised, so path rules do not apply; a missing `account` goes through the account rules (by
 * app), and `--account` overrides any. `time` is an ISO 8601 instant with a zone (`Z` or an
 * offset) or epoch milliseconds. `viewer` defaults to '' (not counted as a viewer).
 */
import type { Rejection } from '../../domain/record.js';
import type { RawDelivery } from './raw-delivery.js';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;
const TEXT_FIELDS = ['app', 'resource', 'target', 'rendition', 'protocol', 'zone', 'country'] as const;
const COUNT_FIELDS = ['bytesOut', 'bytesIn', 'commands', 'starts'] as const;

function reject(reason: string): Rejection {
  return { reason };
}

/** An ISO 8601 instant with a zone, or epoch milliseconds, as epoch milliseconds; NaN for anything else. */
export function instant(value: unknown): number {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : Number.NaN;
  if (typeof value !== 'string' || !ISO_INSTANT.test(value)) return Number.NaN;
  return Date.parse(value);
}

export function parseJsonLine(line: string): RawDelivery | Rejection {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return reject('not valid JSON');
  }
  return deliveryFromObject(value);
}

/** A DeliveryRecord object (a JSON line, or a `delivery` event) checked field by field. */
export function deliveryFromObject(value: unknown): RawDelivery | Rejection {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return reject('not a JSON object');
  const r = value as Record<string, unknown>;
  const time = instant(r.time);
  if (Number.isNaN(time)) return reject('time: not an ISO 8601 instant with a zone, nor epoch milliseconds');
  const text: Record<string, string> = {};
  for (const name of TEXT_FIELDS) {
    const v = r[name] ?? '';
    if (typeof v !== 'string') return reject(`${name}: not a string`);
    text[name] = v;
  }
  const kind = r.kind ?? '';
  if (kind !== 'live' && kind !== 'vod' && kind !== '') return reject("kind: one of 'live', 'vod' or ''");
  const counts: Record<string, number> = {};
  for (const name of COUNT_FIELDS) {
    const v = r[name] ?? 0;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
      return reject(`${name}: not a non-negative integer`);
    counts[name] = v;
  }
  const seconds = r.seconds ?? 0;
  if (typeof seconds !== 'number' || !(seconds >= 0) || !Number.isFinite(seconds)) {
    return reject('seconds: not a non-negative number');
  }
  const status = r.status ?? 200;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 0 || status > 999) {
    return reject('status: not an HTTP status');
  }
  const viewer = r.viewer ?? '';
  if (typeof viewer !== 'string') return reject('viewer: not a string');
  const account = r.account;
  if (account !== undefined && (typeof account !== 'string' || account === '')) {
    return reject('account: not a non-empty string');
  }
  const dims = {
    app: text.app as string,
    resource: text.resource as string,
    kind,
    target: text.target as string,
    rendition: text.rendition as string,
    protocol: text.protocol as string,
    zone: text.zone as string,
    country: text.country as string,
  };
  return {
    time,
    client: '',
    host: '',
    target: '',
    status,
    bytesOut: counts.bytesOut as number,
    bytesIn: counts.bytesIn as number,
    extra: {
      dims,
      ...(account !== undefined ? { account } : {}),
      ...(viewer !== '' ? { session: viewer } : {}),
      seconds,
      commands: counts.commands as number,
      starts: counts.starts as number,
    },
  };
}
