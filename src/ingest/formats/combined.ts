/**
 * Apache / nginx access logs: `common`, `combined`, the vhost-prefixed variant, and nginx layouts
 * with X-Forwarded-For lists before the client address. Hand-written with indexOf because it is
 * the import hot path (docs/PERFORMANCE.md); everything after the byte count (referer, user agent,
 * extra fields) is optional, so a truncated user agent does not lose the request.
 */
import type { Rejection } from '../../domain/record.js';
import { ownString } from '../own-string.js';
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

/** Index of the closing quote of a field opened just before `from`, skipping backslash-escaped quotes; -1 when there is none before `end`. */
function closingQuote(line: string, from: number, end: number): number {
  let j = line.indexOf('"', from);
  while (j >= 0 && j < end) {
    let backslashes = 0;
    for (let k = j - 1; k >= from && line.charCodeAt(k) === 92; k--) backslashes++;
    if (backslashes % 2 === 0) return j;
    j = line.indexOf('"', j + 1);
  }
  return -1;
}

/**
 * Start of the space-delimited token that ends just before `end` (skipping spaces), or -1 when
 * there is none after `start`. `line[end]` is a space or the token's end.
 */
function tokenStartBefore(line: string, start: number, end: number): number {
  let i = end - 1;
  while (i >= start && line.charCodeAt(i) === 32) i--;
  if (i < start) return -1;
  while (i >= start && line.charCodeAt(i) !== 32) i--;
  return i + 1;
}

/** End of the token at `from`: the next space, or `end`. */
function tokenEnd(line: string, from: number, end: number): number {
  const space = line.indexOf(' ', from);
  return space < 0 || space > end ? end : space;
}

/**
 * The request target of the request `METHOD TARGET PROTOCOL` (or `METHOD TARGET`) at
 * `line[start, end)`, read in place; '' for `-`, empty or garbled requests.
 */
function requestTarget(line: string, start: number, end: number): string {
  const first = line.indexOf(' ', start);
  if (first < 0 || first >= end) return '';
  const last = line.lastIndexOf(' ', end - 1);
  return last > first ? line.slice(first + 1, last) : line.slice(first + 1, end);
}

/**
 * Parses the line `line[start, end)`: the whole string by default, or one line of a larger text
 * read in place (the importer hands whole chunks, so no line is sliced out).
 */
export function parseCombinedLine(
  line: string,
  _context?: unknown,
  start = 0,
  end = line.length,
): RawDelivery | Rejection {
  const open = line.indexOf(' [', start);
  if (open < 0 || open >= end) return reject('no [timestamp] field');
  if (open - start > MAX_BEFORE_TIMESTAMP) return reject('more than 64 KiB before the [timestamp]');
  const close = line.indexOf(']', open + 2);
  if (close < 0 || close >= end) return reject('timestamp field is not closed');

  const time = parseClfTime(line, open + 2, close);
  if (Number.isNaN(time))
    return reject(`bad timestamp '${line.slice(open + 2, Math.min(close, open + 42))}'`);

  // Before the timestamp: [vhost | X-Forwarded-For list] client ident user. Scanned backwards
  // from the timestamp, so whatever precedes the client (lists, quotes, a vhost) cannot confuse it.
  const userStart = tokenStartBefore(line, start, open);
  const identStart = userStart < 0 ? -1 : tokenStartBefore(line, start, userStart - 1);
  const clientStart = identStart < 0 ? -1 : tokenStartBefore(line, start, identStart - 1);
  if (clientStart < 0) return reject('missing client, ident or user before the timestamp');
  let clientEnd = line.indexOf(' ', clientStart);
  if (line.charCodeAt(clientEnd - 1) === 44 /* , */) clientEnd -= 1;
  const client = line.slice(clientStart, clientEnd);
  let host = '';
  if (clientStart > start) {
    const prefix = line.slice(start, clientStart - 1);
    if (prefix === lastPrefix) host = lastHost;
    else {
      host =
        prefix.length <= MAX_HOST && HOST_LIKE.test(prefix) ? prefix.replace(/:\d+$/, '').toLowerCase() : '';
      lastPrefix = ownString(prefix);
      lastHost = ownString(host);
    }
  }

  if (line.charCodeAt(close + 1) !== 32 || line.charCodeAt(close + 2) !== 34 || close + 2 >= end) {
    return reject('no quoted request after the timestamp');
  }
  const requestStart = close + 3;
  const requestEnd = closingQuote(line, requestStart, end);
  if (requestEnd < 0) return reject('request field is not closed');
  const target = requestTarget(line, requestStart, requestEnd);

  if (requestEnd + 1 >= end || line.charCodeAt(requestEnd + 1) !== 32)
    return reject('no status after the request');
  const statusEnd = tokenEnd(line, requestEnd + 2, end);
  const status = decimalAt(line, requestEnd + 2, statusEnd);
  if (!(status >= 100 && status <= 999)) return reject('bad status');

  let bytesOut = 0;
  if (statusEnd >= end) return reject('missing byte count');
  if (
    line.charCodeAt(statusEnd + 1) === 45 /* - */ &&
    (statusEnd + 2 === end || line.charCodeAt(statusEnd + 2) === 32)
  ) {
    bytesOut = 0;
  } else {
    const bytes = decimalAt(line, statusEnd + 1, tokenEnd(line, statusEnd + 1, end));
    if (Number.isNaN(bytes)) return reject('bad byte count');
    bytesOut = bytes;
  }
  return { time, client, host, target, status, bytesOut, bytesIn: 0 };
}
