/**
 * Apache / nginx access logs: `common`, `combined`, the vhost-prefixed variant, and nginx layouts
 * with X-Forwarded-For lists before the client address. Hand-written with indexOf because it is
 * the import hot path (docs/PERFORMANCE.md); everything after the byte count (referer, user agent,
 * extra fields) is optional, so a truncated user agent does not lose the request.
 */
import type { Rejection } from '../../domain/record.js';
import { parseClfTime } from './clf-time.js';
import { decimalAt } from './decimal.js';
import type { RawDelivery } from './raw-delivery.js';

const HOST_LIKE = /^[A-Za-z0-9_.-]*[A-Za-z_][A-Za-z0-9_.-]*(?::\d+)?$/;
/** A DNS name is at most 253 characters; a longer prefix is not a vhost (and HOST_LIKE is quadratic on long runs). */
const MAX_HOST = 260;
/** What may precede the timestamp (vhost, X-Forwarded-For list, client, ident, user) in any real log. */
const MAX_BEFORE_TIMESTAMP = 64 * 1024;

// Logs are chronological, so consecutive lines usually share their vhost (timestamps are cached
// by parseClfTime).
let lastPrefix = '';
let lastHost = '';

function reject(reason: string): Rejection {
  return { reason };
}

/** Index of the closing quote of a field opened just before `from`, skipping backslash-escaped quotes. */
function closingQuote(line: string, from: number): number {
  let j = line.indexOf('"', from);
  while (j >= 0) {
    let backslashes = 0;
    for (let k = j - 1; k >= from && line.charCodeAt(k) === 92; k--) backslashes++;
    if (backslashes % 2 === 0) return j;
    j = line.indexOf('"', j + 1);
  }
  return -1;
}

/**
 * Start of the space-delimited token that ends just before `end` (skipping spaces), or -1 when
 * there is none. `line[end]` is a space or the token's end.
 */
function tokenStartBefore(line: string, end: number): number {
  let i = end - 1;
  while (i >= 0 && line.charCodeAt(i) === 32) i--;
  if (i < 0) return -1;
  while (i >= 0 && line.charCodeAt(i) !== 32) i--;
  return i + 1;
}

/** Parses a decimal run at `start`; returns [value, end] or [NaN, end] when it is not all digits. */
function number(line: string, start: number): [number, number] {
  let end = line.indexOf(' ', start);
  if (end < 0) end = line.length;
  return [decimalAt(line, start, end), end];
}

/** The request target of `METHOD TARGET PROTOCOL` (or of `METHOD TARGET`); '' for `-`, empty or garbled requests. */
function requestTarget(request: string): string {
  const first = request.indexOf(' ');
  if (first < 0) return '';
  const last = request.lastIndexOf(' ');
  return last > first ? request.slice(first + 1, last) : request.slice(first + 1);
}

export function parseCombinedLine(line: string): RawDelivery | Rejection {
  const open = line.indexOf(' [');
  if (open < 0) return reject('no [timestamp] field');
  if (open > MAX_BEFORE_TIMESTAMP) return reject('more than 64 KiB before the [timestamp]');
  const close = line.indexOf(']', open + 2);
  if (close < 0) return reject('timestamp field is not closed');

  const timeText = line.slice(open + 2, close);
  const time = parseClfTime(timeText);
  if (Number.isNaN(time)) return reject(`bad timestamp '${timeText.slice(0, 40)}'`);

  // Before the timestamp: [vhost | X-Forwarded-For list] client ident user. Scanned backwards
  // from the timestamp, so whatever precedes the client (lists, quotes, a vhost) cannot confuse it.
  const userStart = tokenStartBefore(line, open);
  const identStart = userStart < 0 ? -1 : tokenStartBefore(line, userStart - 1);
  const clientStart = identStart < 0 ? -1 : tokenStartBefore(line, identStart - 1);
  if (clientStart < 0) return reject('missing client, ident or user before the timestamp');
  let clientEnd = line.indexOf(' ', clientStart);
  if (line.charCodeAt(clientEnd - 1) === 44 /* , */) clientEnd -= 1;
  const client = line.slice(clientStart, clientEnd);
  let host = '';
  if (clientStart > 0) {
    const prefix = line.slice(0, clientStart - 1);
    if (prefix === lastPrefix) host = lastHost;
    else {
      host =
        prefix.length <= MAX_HOST && HOST_LIKE.test(prefix) ? prefix.replace(/:\d+$/, '').toLowerCase() : '';
      lastPrefix = prefix;
      lastHost = host;
    }
  }

  if (line.charCodeAt(close + 1) !== 32 || line.charCodeAt(close + 2) !== 34) {
    return reject('no quoted request after the timestamp');
  }
  const requestStart = close + 3;
  const requestEnd = closingQuote(line, requestStart);
  if (requestEnd < 0) return reject('request field is not closed');
  const target = requestTarget(line.slice(requestStart, requestEnd));

  if (line.charCodeAt(requestEnd + 1) !== 32) return reject('no status after the request');
  const [status, statusEnd] = number(line, requestEnd + 2);
  if (!(status >= 100 && status <= 999)) return reject('bad status');

  let bytesOut = 0;
  if (statusEnd >= line.length) return reject('missing byte count');
  if (
    line.charCodeAt(statusEnd + 1) === 45 /* - */ &&
    (statusEnd + 2 === line.length || line.charCodeAt(statusEnd + 2) === 32)
  ) {
    bytesOut = 0;
  } else {
    const [bytes] = number(line, statusEnd + 1);
    if (Number.isNaN(bytes)) return reject('bad byte count');
    bytesOut = bytes;
  }
  return { time, client, host, target, status, bytesOut, bytesIn: 0 };
}
