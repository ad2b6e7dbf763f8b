// The floor under the high-cardinality import (issue 18): the least any importer on Node and
// DuckDB does for a log whose every request is a new object key. It reads the whole file, takes
// each line's time, key, bytes and client with bare indexOf scans (no validation, no layout
// inference, no accounts, no checkpoint), and appends one usage row and one viewer row per line
// to DuckDB, with the key as a VARCHAR column of the row: the storage shape that needs no cell per
// key. Nothing here is Tally's code; it is what a redesign could at best approach.
//
//   node bench/distinct-floor.js <s3 log> <scratch dir>
//
// Prints {lines, bytes_out, read_seconds, parse_seconds, append_seconds, seconds}: `seconds` is
// the whole run from the first line of this script, as `measure` in run.js times Tally.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BIGINT, DOUBLE, DuckDBDataChunk, DuckDBInstance, INTEGER, UBIGINT, VARCHAR } from '@duckdb/node-api';
import { MONTH_NAMES } from './format-logs.js';

const started = performance.now();
const [file, scratch] = process.argv.slice(2);
if (!file || !scratch) throw new Error('usage: node bench/distinct-floor.js <s3 log> <scratch dir>');

const text = readFileSync(file, 'latin1');
const read = performance.now();

// Month abbreviation -> month index (0-11), for Date.UTC.
const MONTHS = Object.fromEntries(MONTH_NAMES.map((name, index) => [name, index]));
const BUCKET_MS = 15 * 60_000;
const buckets = [];
const keys = [];
const bytes = [];
const clients = [];
let bytesOut = 0;
for (let start = 0; start < text.length; ) {
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  // owner bucket [dd/Mon/yyyy:hh:mm:ss +0000] client requester id operation key "request" status error bytes ...
  const t = text.indexOf('[', start) + 1;
  const time = Date.UTC(
    Number(text.slice(t + 7, t + 11)),
    MONTHS[text.slice(t + 3, t + 6)],
    Number(text.slice(t, t + 2)),
    Number(text.slice(t + 12, t + 14)),
    Number(text.slice(t + 15, t + 17)),
    Number(text.slice(t + 18, t + 20)),
  );
  const client = t + 28;
  let p = text.indexOf(' ', client);
  const clientEnd = p;
  for (let i = 0; i < 3; i++) p = text.indexOf(' ', p + 1);
  const keyEnd = text.indexOf(' ', p + 1);
  const requestEnd = text.indexOf('" ', keyEnd + 2);
  const errorEnd = text.indexOf(' ', text.indexOf(' ', requestEnd + 2) + 1);
  const n = Number(text.slice(errorEnd + 1, text.indexOf(' ', errorEnd + 1))) || 0;
  buckets.push(Math.floor(time / BUCKET_MS) * BUCKET_MS);
  keys.push(text.slice(p + 1, keyEnd));
  bytes.push(n);
  clients.push(text.slice(client, clientEnd));
  bytesOut += n;
  start = end + 1;
}
const parsed = performance.now();

// The viewer is a keyed hash of the client, as in Tally; clients repeat, so each is hashed once.
const viewerOf = new Map();
const viewer = (client) => {
  let v = viewerOf.get(client);
  if (v === undefined) {
    v = createHash('sha256').update('key').update(client).digest().readBigUInt64BE(0);
    viewerOf.set(client, v);
  }
  return v;
};

rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });
const db = await DuckDBInstance.create(join(scratch, 'floor.duckdb'));
const connection = await db.connect();
await connection.run(`CREATE TABLE rollups (source INTEGER, bucket BIGINT, resource VARCHAR, requests INTEGER,
  ok_requests INTEGER, client_errors INTEGER, auth_failures INTEGER, server_errors INTEGER, bytes_out BIGINT,
  bytes_in BIGINT, view_seconds DOUBLE, commands INTEGER, starts INTEGER)`);
await connection.run(
  'CREATE TABLE viewers (source INTEGER, bucket BIGINT, resource VARCHAR, viewer UBIGINT)',
);
await connection.run('BEGIN');
const rollups = await connection.createAppender('rollups');
const viewers = await connection.createAppender('viewers');
const ROLLUP = [
  INTEGER,
  BIGINT,
  VARCHAR,
  INTEGER,
  INTEGER,
  INTEGER,
  INTEGER,
  INTEGER,
  BIGINT,
  BIGINT,
  DOUBLE,
  INTEGER,
  INTEGER,
];
const VIEWER = [INTEGER, BIGINT, VARCHAR, UBIGINT];
for (let from = 0; from < keys.length; from += 2048) {
  const size = Math.min(2048, keys.length - from);
  const ones = new Array(size).fill(1);
  const zeros = new Array(size).fill(0);
  const b = buckets.slice(from, from + size).map(BigInt);
  const k = keys.slice(from, from + size);
  const chunk = DuckDBDataChunk.create(ROLLUP, size);
  chunk.setColumns([
    ones,
    b,
    k,
    ones,
    ones,
    zeros,
    zeros,
    zeros,
    bytes.slice(from, from + size).map(BigInt),
    new Array(size).fill(0n),
    zeros,
    zeros,
    zeros,
  ]);
  rollups.appendDataChunk(chunk);
  const v = DuckDBDataChunk.create(VIEWER, size);
  v.setColumns([ones, b, k, clients.slice(from, from + size).map(viewer)]);
  viewers.appendDataChunk(v);
}
rollups.flushSync();
viewers.flushSync();
rollups.closeSync();
viewers.closeSync();
await connection.run('COMMIT');
const appended = performance.now();

const check = await connection.runAndReadAll('SELECT count(*), sum(bytes_out) FROM rollups');
const [rows, sum] = check.getRows()[0];
if (Number(rows) !== keys.length || Number(sum) !== bytesOut)
  throw new Error(`stored ${rows} rows, ${sum} bytes`);
connection.closeSync();
const seconds = (to, from) => Number(((to - from) / 1000).toFixed(3));
console.log(
  JSON.stringify({
    lines: keys.length,
    bytes_out: bytesOut,
    read_seconds: seconds(read, started),
    parse_seconds: seconds(parsed, read),
    append_seconds: seconds(appended, parsed),
    seconds: seconds(performance.now(), started),
  }),
);
