/**
 * Amazon S3 server access logs. AWS appends fields over the years (18 to 26 and more), so fields
 * are read by position from the left and anything after the object size is ignored. Quoted
 * fields are not escaped (a request URI can hold `"`), so the request's closing quote is the one
 * followed by the status code.
 */
import type { Rejection } from '../../domain/record.js';
import { parseClfTime } from './clf-time.js';
import { decimalAt } from './decimal.js';
import type { RawDelivery } from './raw-delivery.js';

/** Operations whose Object Size is data the client uploaded. */
const UPLOADS = ['REST.PUT.OBJECT', 'REST.PUT.PART', 'REST.POST.OBJECT'];

/** Whether the operation at [start, end) is an upload, compared in place. */
function isUpload(line: string, start: number, end: number): boolean {
  return UPLOADS.some((op) => end - start === op.length && line.startsWith(op, start));
}

/** S3 error codes that mean the request was refused for its credentials or permissions. */
export const S3_AUTH_FAILURE_CODES: ReadonlySet<string> = new Set([
  'AccessDenied',
  'AccountProblem',
  'AllAccessDisabled',
  'AuthorizationHeaderMalformed',
  'AuthorizationQueryParametersError',
  'CredentialsNotSupported',
  'ExpiredToken',
  'InvalidAccessKeyId',
  'InvalidPayer',
  'InvalidSecurity',
  'InvalidToken',
  'MissingSecurityHeader',
  'NotSignedUp',
  'RequestTimeTooSkewed',
  'SignatureDoesNotMatch',
  'TokenRefreshRequired',
]);

function reject(reason: string): Rejection {
  return { reason };
}

const NOT_SPACE = /[^ ]/g;

/** Start of the next token at or after `pos` (runs of spaces are one separator), or -1 at the end. */
function skipSpaces(line: string, pos: number): number {
  if (line.charCodeAt(pos) !== 32) return pos < line.length ? pos : -1;
  if (line.charCodeAt(pos + 1) !== 32) return pos + 1 < line.length ? pos + 1 : -1;
  // A long run is scanned by the regex engine, not a character loop: a megabyte of spaces stays cheap.
  NOT_SPACE.lastIndex = pos;
  const m = NOT_SPACE.exec(line);
  return m ? m.index : -1;
}

function tokenEnd(line: string, start: number): number {
  const end = line.indexOf(' ', start);
  return end < 0 ? line.length : end;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The decimal at [start, end): `-` is 0; NaN when it is not all digits (read in place, no slice). */
function countAt(line: string, start: number, end: number): number {
  if (end - start === 1 && line.charCodeAt(start) === 45 /* - */) return 0;
  return decimalAt(line, start, end);
}

/** The quote closing a request URI opened at `open`: the first `"` followed by ` NNN` and a space or the end. */
function requestClose(line: string, open: number): number {
  for (let j = line.indexOf('"', open + 1); j >= 0; j = line.indexOf('"', j + 1)) {
    if (
      line.charCodeAt(j + 1) === 32 &&
      isDigit(line.charCodeAt(j + 2)) &&
      isDigit(line.charCodeAt(j + 3)) &&
      isDigit(line.charCodeAt(j + 4)) &&
      (j + 5 === line.length || line.charCodeAt(j + 5) === 32)
    ) {
      return j;
    }
  }
  return -1;
}

// Logs hold one bucket, or a few: the last one's facts are reused, so lines with the same bucket
// share one extra object and one base string (compared and hashed cheaply downstream) instead of
// allocating them line after line.
let last: { bucket: string; base: string } = { bucket: '', base: '/' };

function extraFor(line: string, start: number, end: number): { bucket: string; base: string } {
  if (end - start !== last.bucket.length || !line.startsWith(last.bucket, start)) {
    const bucket = line.slice(start, end);
    last = { bucket, base: `/${bucket}/` };
  }
  return last;
}

// Where the five fields after the timestamp start and end; reused line after line (parsing is synchronous).
const tokenStarts = new Int32Array(5);
const tokenEnds = new Int32Array(5);

export function parseS3Line(line: string): RawDelivery | Rejection {
  // Fields are found left to right; only those Tally uses are sliced out of the line.
  const ownerStart = skipSpaces(line, 0);
  if (ownerStart < 0) return reject('missing bucket owner or bucket');
  const bucketStart = skipSpaces(line, tokenEnd(line, ownerStart));
  if (bucketStart < 0) return reject('missing bucket owner or bucket');
  let pos = tokenEnd(line, bucketStart);
  const bucketEnd = pos;

  const timeStart = skipSpaces(line, pos);
  if (timeStart < 0 || line.charCodeAt(timeStart) !== 91 /* [ */) return reject('no [timestamp] field');
  const timeEnd = line.indexOf(']', timeStart);
  if (timeEnd < 0) return reject('timestamp field is not closed');
  const timeText = line.slice(timeStart + 1, timeEnd);
  const time = parseClfTime(timeText);
  if (Number.isNaN(time)) return reject(`bad timestamp '${timeText.slice(0, 40)}'`);
  pos = timeEnd + 1;

  // remote IP, requester, request ID, operation, key
  const starts = tokenStarts;
  const ends = tokenEnds;
  for (let f = 0; f < 5; f++) {
    const start = skipSpaces(line, pos);
    if (start < 0) return reject('missing fields after the timestamp');
    pos = tokenEnd(line, start);
    starts[f] = start;
    ends[f] = pos;
  }
  const requestStart = skipSpaces(line, pos);
  if (requestStart < 0) return reject('missing request URI');
  if (line.charCodeAt(requestStart) === 34 /* " */) {
    const close = requestClose(line, requestStart);
    if (close < 0) return reject('request URI is not closed before a status code');
    pos = close + 1;
  } else {
    pos = tokenEnd(line, requestStart);
  }

  // status, error code, bytes sent, object size
  const statusStart = skipSpaces(line, pos);
  const statusEnd = statusStart < 0 ? -1 : tokenEnd(line, statusStart);
  const errorStart = statusEnd < 0 ? -1 : skipSpaces(line, statusEnd);
  const errorEnd = errorStart < 0 ? -1 : tokenEnd(line, errorStart);
  const sentStart = errorEnd < 0 ? -1 : skipSpaces(line, errorEnd);
  const sentEnd = sentStart < 0 ? -1 : tokenEnd(line, sentStart);
  const sizeStart = sentEnd < 0 ? -1 : skipSpaces(line, sentEnd);
  if (sizeStart < 0) return reject('missing status, error code, bytes sent or object size');
  const sizeEnd = tokenEnd(line, sizeStart);

  const status = statusEnd - statusStart === 3 ? countAt(line, statusStart, statusEnd) : Number.NaN;
  if (!(status >= 100)) return reject(`bad status '${line.slice(statusStart, statusEnd).slice(0, 20)}'`);
  const bytesOut = countAt(line, sentStart, sentEnd);
  if (Number.isNaN(bytesOut)) return reject('bad bytes sent');
  const objectSize = countAt(line, sizeStart, sizeEnd);
  if (Number.isNaN(objectSize)) return reject('bad object size');
  const upload = isUpload(line, starts[3] as number, ends[3] as number);
  const keyStart = starts[4] as number;
  const keyEnd = ends[4] as number;
  const noKey = keyEnd - keyStart === 1 && line.charCodeAt(keyStart) === 45;
  // Error codes only matter for refusals; most lines have `-` and are not sliced for it.
  const authFailure = status >= 400 && S3_AUTH_FAILURE_CODES.has(line.slice(errorStart, errorEnd));
  return {
    time,
    client: line.slice(starts[0], ends[0]),
    host: '',
    // The key is logged URL-encoded; the path rules see `/{bucket}/{key}`, decoded once like any URL,
    // so by default app = bucket and resource = key. The key alone is the cache key (see `base`).
    target: noKey ? '' : line.slice(keyStart, keyEnd),
    status,
    bytesOut,
    bytesIn: upload ? objectSize : 0,
    extra: authFailure
      ? { ...extraFor(line, bucketStart, bucketEnd), authFailure }
      : extraFor(line, bucketStart, bucketEnd),
  };
}
