import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { issueKey } from '../../auth/keys.js';
import { DuckDbStore } from '../../store/duckdb/duckdb-store.js';
import type { Store } from '../../store/store.js';
import { streamTarget } from '../../test-support/stream-target.js';
import { createApp } from '../app.js';

let store: Store;
let app: FastifyInstance;
let admin: string;
let acme: string;

// Events must be recent (35-day lateness limit): a fixed hour of yesterday, UTC.
const DAY = 86_400_000;
const T0 = Math.floor((Date.now() - DAY) / DAY) * DAY + 10 * 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const dayFrom = iso(Math.floor(T0 / DAY) * DAY);
const dayTo = iso(Math.floor(T0 / DAY) * DAY + DAY);

beforeEach(async () => {
  store = await DuckDbStore.open(':memory:');
  await store.registry.putAccount({ id: 'acme', name: 'Acme', timezone: 'UTC', parent: null });
  await store.registry.putAccount({ id: 'globex', name: 'Globex', timezone: 'UTC', parent: null });
  const keys = [issueKey('native', null), issueKey('native', 'acme')];
  for (const k of keys) await store.registry.putKey(k.stored);
  [admin, acme] = keys.map((k) => k.secret) as [string, string];
  app = await createApp({
    store,
    events: { secret: Buffer.alloc(32, 5), zones: { DE: 'europe', '*': 'rest' }, bodyLimitBytes: 64 * 1024 },
  });
});
afterEach(async () => {
  await app.close();
  await store.close();
});

function post(body: string | Buffer, headers: Record<string, string> = {}, key = acme) {
  return app.inject({
    method: 'POST',
    url: '/v1/events',
    payload: body,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
  });
}

async function usage(params: string, key = acme): Promise<Record<string, unknown>[]> {
  const r = await app.inject({
    method: 'GET',
    url: `/v1/usage?account=acme&from=${dayFrom}&to=${dayTo}&${params}`,
    headers: { authorization: `Bearer ${key}` },
  });
  expect(r.statusCode).toBe(200);
  return r.json().rows;
}

const delivery = (extra: Record<string, unknown> = {}) => ({
  kind: 'delivery',
  time: iso(T0),
  app: 'vod',
  resource: 'film',
  protocol: 'hls',
  type: 'vod',
  country: 'DE',
  bytesOut: 1000,
  viewer: 'session-1',
  ...extra,
});

describe('POST /v1/events', () => {
  test('a JSON array of deliveries is stored once committed, and reads back through /v1/usage', async () => {
    const r = await post(JSON.stringify([delivery(), delivery({ bytesOut: 500, viewer: 'session-2' })]));
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ accepted: 2, duplicates: 0, rejected: 0, errors: [] });
    const [row] = await usage('metrics=requests,bytes_out,unique_viewers&group_by=zone,kind');
    expect(row).toMatchObject({
      zone: 'europe',
      kind: 'vod',
      requests: 2,
      bytes_out: 1500,
      unique_viewers: 2,
    });
    expect((await store.registry.listSources()).map((s) => s.id)).toEqual(['events']);
  });

  test('NDJSON, gzip-compressed, with a line that is not JSON: that line is rejected by index', async () => {
    const body = gzipSync(
      `${JSON.stringify(delivery())}\n{oops\n${JSON.stringify(delivery({ bytesOut: 7 }))}\n`,
    );
    const r = await post(body, { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' });
    expect(r.json()).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: 1,
      errors: [{ index: 1, reason: 'not valid JSON' }],
    });
    expect((await usage('metrics=bytes_out'))[0]?.bytes_out).toBe(1007);
  });

  test('ids: a repeat with the same payload is ignored; the same id with another payload is a 409 and stores nothing', async () => {
    const first = await post(JSON.stringify([delivery({ id: 'e-1' })]));
    expect(first.json()).toMatchObject({ accepted: 1 });
    // Same payload, keys in another order: still the same event.
    const { id: _id, ...rest } = delivery({ id: 'e-1' }) as Record<string, unknown>;
    const again = await post(JSON.stringify([{ id: 'e-1', ...rest }, delivery({ id: 'e-2', bytesOut: 3 })]));
    expect(again.json()).toEqual({ accepted: 1, duplicates: 1, rejected: 0, errors: [] });
    const conflict = await post(
      JSON.stringify([delivery({ id: 'e-3', bytesOut: 9 }), delivery({ id: 'e-1', bytesOut: 2 })]),
    );
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().error.message).toMatch(
      /event 1: id 'e-1' was already received with a different payload/,
    );
    expect((await usage('metrics=bytes_out'))[0]?.bytes_out).toBe(1003);
  });

  test('late, future and malformed events are rejected with index and reason; the rest are stored', async () => {
    const r = await post(
      JSON.stringify([
        delivery({ time: iso(Date.now() - 40 * DAY) }),
        delivery({ time: iso(Date.now() + 10 * 60_000) }),
        delivery({ bytesOut: -1 }),
        { kind: 'teleport' },
        delivery({ account: 'globex' }),
        delivery(),
      ]),
    );
    const body = r.json();
    expect(body).toMatchObject({ accepted: 1, rejected: 5 });
    expect(body.errors).toEqual([
      { index: 0, reason: 'time: older than the lateness limit (35 days)' },
      { index: 1, reason: 'time: more than 5 minutes in the future' },
      { index: 2, reason: 'bytesOut: not a non-negative integer' },
      { index: 3, reason: 'kind: one of delivery, transcoder, storage, transcoding, packaging' },
      { index: 4, reason: "account: this key may only send events for 'acme'" },
    ]);
  });

  test('an admin key names the account of each event', async () => {
    const r = await post(
      JSON.stringify([delivery(), delivery({ account: 'acme' }), delivery({ account: 'nobody' })]),
      {},
      admin,
    );
    expect(r.json()).toMatchObject({
      accepted: 1,
      errors: [
        { index: 0, reason: 'account: required with an admin key' },
        { index: 2, reason: "account: unknown account 'nobody'" },
      ],
    });
  });

  test("a delivery without a target is claimed by a catalog entry's match, as a log line is", async () => {
    await store.registry.putCatalogEntry(streamTarget());
    const live = (resource: string, extra: Record<string, unknown> = {}) =>
      delivery({ app: 'live', resource, type: 'live', ...extra });
    const r = await post(
      JSON.stringify([live('news/ch1'), live('sport'), live('news/ch2', { target: 'own' })]),
    );
    expect(r.json()).toMatchObject({ accepted: 3 });
    const rows = await usage('metrics=bytes_out&group_by=target');
    expect(rows.map((row) => [row.target, row.bytes_out])).toEqual([
      ['', 1000],
      ['nlyjxjbc', 1000],
      ['own', 1000],
    ]);
  });

  test('a transcoder session is split exactly across the 15-minute buckets it covers', async () => {
    // 10:07:30 to 10:52:30: 7.5 min in the 10:00 bucket, 15 in 10:15 and 10:30, 7.5 in 10:45.
    const start = T0 + 450_000;
    const end = T0 + 52 * 60_000 + 30_000;
    const r = await post(
      JSON.stringify([
        {
          kind: 'transcoder',
          id: 't-1',
          transcoder_id: 'tr1',
          name: 'Main',
          transcoder_type: 'transcoded',
          billing_mode: 'pay_as_you_go',
          start: iso(start),
          end: iso(end),
          egress_bytes: 1001,
        },
      ]),
    );
    expect(r.json()).toMatchObject({ accepted: 1 });
    const total = await usage('metrics=transcode_seconds,transcode_egress_bytes');
    expect(total).toEqual([
      expect.objectContaining({ transcode_seconds: 2700, transcode_egress_bytes: 1001 }),
    ]);
    const quarters = await usage('metrics=transcode_seconds,transcode_egress_bytes&granularity=15m');
    // Bytes by share of 2700 s: floor(1001 x 450/2700) = 166, then 500 - 166 = 334 (floor of 1001 x 1350/2700 = 500), ...
    expect(quarters.map((q) => [q.transcode_seconds, q.transcode_egress_bytes])).toEqual([
      [450, 166],
      [900, 334],
      [900, 334],
      [450, 167],
    ]);
  });

  test('storage is the peak sample of the window; transcoding and packaging minutes add up', async () => {
    const r = await post(
      JSON.stringify([
        { kind: 'storage', time: iso(T0), bytes: 100 },
        { kind: 'storage', time: iso(T0 + 3_600_000), bytes: 300 },
        { kind: 'storage', time: iso(T0 + 7_200_000), bytes: 200 },
        { kind: 'transcoding', time: iso(T0), type: 'vod', minutes: 10, renditions: 3 },
        { kind: 'transcoding', time: iso(T0), type: 'live', minutes: 5, renditions: 2 },
        { kind: 'packaging', time: iso(T0), minutes: 60 },
      ]),
    );
    expect(r.json()).toMatchObject({ accepted: 6 });
    const [row] = await usage(
      'metrics=storage_peak_bytes,vod_transcoding_minutes,vod_transcoded_minutes,live_transcoding_minutes,live_packaging_minutes',
    );
    expect(row).toMatchObject({
      storage_peak_bytes: 300,
      vod_transcoding_minutes: 30,
      vod_transcoded_minutes: 10,
      live_transcoding_minutes: 10,
      live_packaging_minutes: 60,
    });
    // Delivery and meter metrics together, window by window.
    await post(JSON.stringify([delivery()]));
    const hours = await usage('metrics=bytes_out,storage_peak_bytes&granularity=hour');
    expect(hours.map((h) => [h.bytes_out, h.storage_peak_bytes])).toEqual([
      [1000, 100],
      [0, 300],
      [0, 200],
    ]);
  });

  test('meters cannot be grouped by delivery dimensions', async () => {
    const r = await app.inject({
      method: 'GET',
      url: `/v1/usage?account=acme&from=${dayFrom}&to=${dayTo}&metrics=storage_peak_bytes&group_by=app`,
      headers: { authorization: `Bearer ${acme}` },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.message).toMatch(/group_by/);
  });

  test('limits: the decoded size counts (413), unknown types and encodings are 415, no key is 401', async () => {
    const big = gzipSync(`[${' '.repeat(100 * 1024)}]`);
    expect(big.length).toBeLessThan(64 * 1024);
    const tooBig = await post(big, { 'content-encoding': 'gzip' });
    expect(tooBig.statusCode).toBe(413);
    expect((await post('[]', { 'content-type': 'text/csv' })).statusCode).toBe(415);
    expect((await post('[]', { 'content-encoding': 'br' })).statusCode).toBe(415);
    expect((await post('{"kind":"delivery"}')).statusCode).toBe(400);
    const anonymous = await app.inject({
      method: 'POST',
      url: '/v1/events',
      payload: '[]',
      headers: { 'content-type': 'application/json' },
    });
    expect(anonymous.statusCode).toBe(401);
  });
});
