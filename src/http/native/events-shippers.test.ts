import { deflateSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { issueKey } from '../../auth/keys.js';
import { DuckDbStore } from '../../store/duckdb/duckdb-store.js';
import type { Store } from '../../store/store.js';
import { createApp } from '../app.js';

let store: Store;
let app: FastifyInstance;
let admin: string;

// An hour of yesterday (events must be within the lateness limit), as the shippers write times.
const DAY = 86_400_000;
const T0 = Math.floor((Date.now() - DAY) / DAY) * DAY + 10 * 3_600_000;
const seconds = T0 / 1000 + 0.25; // Fluent Bit's `date`: epoch seconds as a double
const iso = new Date(T0 + 250).toISOString(); // Vector's `timestamp`

beforeEach(async () => {
  store = await DuckDbStore.open(':memory:');
  await store.registry.putAccount({ id: 'acme', name: 'Acme', timezone: 'UTC', parent: null });
  const key = issueKey('native', null);
  await store.registry.putKey(key.stored);
  admin = key.secret;
  app = await createApp({ store });
});
afterEach(async () => {
  await app.close();
  await store.close();
});

function post(body: string | Buffer, type: string, encoding?: string) {
  return app.inject({
    method: 'POST',
    url: '/v1/events',
    payload: body,
    headers: {
      authorization: `Bearer ${admin}`,
      'content-type': type,
      ...(encoding ? { 'content-encoding': encoding } : {}),
    },
  });
}

async function bytesOut(): Promise<number> {
  const day = new Date(Math.floor(T0 / DAY) * DAY).toISOString();
  const to = new Date(Math.floor(T0 / DAY) * DAY + DAY).toISOString();
  const r = await app.inject({
    method: 'GET',
    url: `/v1/usage?account=acme&from=${day}&to=${to}&metrics=bytes_out&granularity=hour`,
    headers: { authorization: `Bearer ${admin}` },
  });
  const rows = r.json().rows as { window_start: string; bytes_out: number }[];
  // Every event lands in the hour of T0, whichever way its time was written.
  expect(rows.map((row) => Date.parse(row.window_start))).toEqual(rows.length ? [T0] : []);
  return rows.reduce((sum, row) => sum + row.bytes_out, 0);
}

const record = { kind: 'delivery', account: 'acme', app: 'vod', resource: 'film', protocol: 'hls' };

describe('POST /v1/events from log shippers, without a remap step', () => {
  test("Fluent Bit's http output: Format json (gzip) and json_lines, `date` in epoch seconds, snake_case", async () => {
    // [OUTPUT] Name http, Format json, json_date_key date, json_date_format double, compress gzip
    const json = JSON.stringify([{ date: seconds, ...record, bytes_out: 1000, bytes_in: 10 }]);
    const r = await post(gzipSync(json), 'application/json', 'gzip');
    expect(r.json()).toMatchObject({ accepted: 1, rejected: 0 });
    // Format json_lines: one record per line
    const lines = `${JSON.stringify({ date: seconds, ...record, bytes_out: 200 })}\n`;
    expect((await post(lines, 'application/x-ndjson')).json()).toMatchObject({ accepted: 1 });
    expect(await bytesOut()).toBe(1200);
  });

  test("Vector's http sink: a JSON array with `timestamp`, `host` and `source_type`, zstd or deflate", async () => {
    const events = [{ ...record, bytes_out: 300, timestamp: iso, host: 'edge-1', source_type: 'file' }];
    expect(
      (await post(deflateSync(JSON.stringify(events)), 'application/json', 'deflate')).json(),
    ).toMatchObject({
      accepted: 1,
    });
    // compression = "zstd": a frame of one raw block (RFC 8878), as any encoder may write a small body.
    const text = Buffer.from(JSON.stringify([{ ...record, bytes_out: 4, timestamp: iso, host: 'edge-1' }]));
    const header = (text.length << 3) | 1;
    const zstd = Buffer.concat([
      Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38, header & 0xff, (header >> 8) & 0xff, header >> 16]),
      text,
    ]);
    expect((await post(zstd, 'application/json', 'zstd')).json()).toMatchObject({ accepted: 1 });
    expect(await bytesOut()).toBe(304);
  });

  test('CloudEvents, one and a batch: type is the kind, subject the account, data the fields', async () => {
    const cloudEvent = (id: string, bytes: number) => ({
      specversion: '1.0',
      type: 'com.example.delivery',
      source: 'edge-1',
      id,
      time: iso,
      subject: 'acme',
      datacontenttype: 'application/json',
      data: { app: 'vod', resource: 'film', bytes_out: bytes },
    });
    expect(
      (await post(JSON.stringify(cloudEvent('a', 5)), 'application/cloudevents+json')).json(),
    ).toMatchObject({
      accepted: 1,
    });
    const batch = JSON.stringify([cloudEvent('a', 5), cloudEvent('b', 7)]);
    // `a` again is a duplicate (same id, same payload): counted once.
    expect((await post(batch, 'application/cloudevents-batch+json')).json()).toMatchObject({
      accepted: 1,
      duplicates: 1,
    });
    expect(await bytesOut()).toBe(12);
  });

  test('times in epoch milliseconds, epoch seconds and ISO 8601 are the same instant', async () => {
    const events = [T0, T0 / 1000, new Date(T0).toISOString()].map((time, i) => ({
      ...record,
      time,
      bytesOut: 10 ** i,
    }));
    expect((await post(JSON.stringify(events), 'application/json')).json()).toMatchObject({ accepted: 3 });
    expect(await bytesOut()).toBe(111);
  });

  test('a field no kind knows is a 400 naming it, and nothing of the request is stored', async () => {
    const events = [
      { ...record, time: iso, bytes_out: 1 },
      { ...record, time: iso, bytes_outt: 1000 },
    ];
    const r = await post(JSON.stringify(events), 'application/json');
    expect(r.statusCode).toBe(400);
    expect(r.json().error.message).toBe("events[1].bytes_outt: unknown field (did you mean 'bytes_out'?)");
    expect(await bytesOut()).toBe(0);
  });
});
