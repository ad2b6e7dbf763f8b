/**
 * The Ooyala-compatible API against generated usage for a provider in Asia/Kolkata and its
 * sub-account: values are computed here from the generated records (never read back from the
 * store), windows at the provider's local midnights.
 */
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { issueKey } from '../../../auth/keys.js';
import { ooyalaSignature } from '../../../auth/ooyala-signature.js';
import { createSealer } from '../../../auth/sealed-secret.js';
import { DuckDbStore } from '../../../store/duckdb/duckdb-store.js';
import type { Store } from '../../../store/store.js';
import { importJsonLines } from '../../../test-support/import-json-lines.js';
import { useTempDir } from '../../../test-support/temp-dir.js';
import { createApp } from '../../app.js';

const dir = useTempDir();
const sealer = createSealer(Buffer.alloc(32, 3));
const TZ = 'Asia/Kolkata';

interface Gen {
  account: string;
  time: number;
  kind: 'vod' | 'live' | '';
  bytesOut: number;
  starts: number;
}

function generate(): Gen[] {
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return (seed >>> 12) % n;
  };
  const out: Gen[] = [];
  for (let i = 0; i < 2000; i++) {
    out.push({
      account: rand(3) === 0 ? 'kidco' : 'Uzbm46asiensk3opIBdjd',
      // 2026-09-28 .. 2026-10-04 UTC: around local midnights and the month boundary.
      time: Date.parse('2026-09-28T00:00:00Z') + rand(7 * 96) * 900_000 + rand(900) * 1000,
      kind: (['vod', 'live', ''] as const)[rand(3)] as Gen['kind'],
      bytesOut: 100 + rand(1_000_000),
      starts: rand(2),
    });
  }
  return out;
}
const records = generate();
const PCODE = 'Uzbm46asiensk3opIBdjd';
const local = (text: string) => DateTime.fromISO(text, { zone: TZ }).toMillis();

function sum(keep: (g: Gen) => boolean, field: 'bytesOut' | 'starts', from: number, to: number): number {
  return records.filter((g) => g.time >= from && g.time < to && keep(g)).reduce((s, g) => s + g[field], 0);
}

let store: Store;
let app: FastifyInstance;
let apiKey: string;
let secret: string;

beforeEach(async () => {
  store = await DuckDbStore.open(':memory:');
  await store.registry.putAccount({ id: PCODE, name: 'Provider', timezone: TZ, parent: null });
  await store.registry.putAccount({ id: 'kidco', name: 'Child', timezone: 'UTC', parent: PCODE });
  await store.registry.putAccount({ id: 'other', name: 'Other', timezone: 'UTC', parent: null });
  await importJsonLines(
    store,
    dir,
    records.map((g) => ({ ...g, app: 'a', resource: 'r', status: 200 })),
  );
  await store.usage.commitEvents({
    ids: [],
    rollups: [],
    meters: [
      {
        account: PCODE,
        bucket: local('2026-09-10T10:00'),
        meter: 'vod_transcoding_minutes',
        subject: '',
        value: 120,
      },
      {
        account: PCODE,
        bucket: local('2026-10-02T10:00'),
        meter: 'vod_transcoding_minutes',
        subject: '',
        value: 30,
      },
      {
        account: 'kidco',
        bucket: local('2026-09-11T10:00'),
        meter: 'vod_transcoding_minutes',
        subject: '',
        value: 1000,
      },
      {
        account: PCODE,
        bucket: local('2026-09-30T23:30'),
        meter: 'live_packaging_minutes',
        subject: '',
        value: 5,
      },
      {
        account: 'kidco',
        bucket: local('2026-09-30T10:00'),
        meter: 'live_packaging_minutes',
        subject: '',
        value: 7,
      },
    ],
    accepted: 5,
    receivedAt: Date.now(),
    forgetIdsBefore: 0,
  });
  const key = issueKey('ooyala', PCODE, { seal: sealer.seal });
  await store.registry.putKey(key.stored);
  [apiKey, secret] = [key.stored.id, key.secret];
  app = await createApp({
    store,
    compat: {
      transport: { insecureHttp: true, trustedProxies: [] },
      sealer,
      rateLimits: { ooyala: { capacity: 100, windowSeconds: 60 } },
    },
    // "Now" is in October 2026: September has ended, October has not.
  });
});
afterEach(async () => {
  await app.close();
  await store.close().catch(() => undefined);
});

/** A signed GET, as an Ooyala client builds it. */
async function get(
  path: string,
  params: Record<string, string>,
  options: { expires?: number; key?: string; sign?: string } = {},
) {
  const all: Record<string, string> = {
    ...params,
    api_key: options.key ?? apiKey,
    expires: String(options.expires ?? Math.floor(Date.now() / 1000) + 300),
  };
  all.signature = options.sign ?? ooyalaSignature(secret, 'GET', path, all);
  const res = await app.inject({ method: 'GET', url: `${path}?${new URLSearchParams(all).toString()}` });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

const base = `/v3/billing/usage/period/provider/${PCODE}`;

describe('Ooyala usage v3', () => {
  test('daily rollups at the local midnights of the provider (Asia/Kolkata), total and [pcode, date, value]', async () => {
    const { status, body } = await get(`${base}/metric/vod_bytes_delivered`, {
      type: 'month',
      period: '2026-09',
      breakdownBy: 'day',
    });
    expect(status).toBe(200);
    const mine = (g: Gen) => g.account === PCODE && g.kind === 'vod';
    const from = local('2026-09-01T00:00');
    const to = local('2026-10-01T00:00');
    expect(body.total).toBe(sum(mine, 'bytesOut', from, to));
    const rollups = body.rollups as [string, string, number][];
    expect(rollups).toHaveLength(30);
    expect(rollups[29]).toEqual([PCODE, '2026-09-30', sum(mine, 'bytesOut', local('2026-09-30T00:00'), to)]);
    expect(rollups[27]?.[2]).toBe(
      sum(mine, 'bytesOut', local('2026-09-28T00:00'), local('2026-09-29T00:00')),
    );
    expect(body).toMatchObject({ metric: 'vod_bytes_delivered', pcode: PCODE, breakdownBy: 'day' });
  });

  test('vod + live bytes equal the native total split by kind; streams are starts', async () => {
    const { body } = await get(base, {
      type: 'week',
      period: '2026-39',
      metricName: 'vod_bytes_delivered,live_bytes_delivered,streams',
    });
    // %U week 39 of 2026: Sunday 2026-09-27 .. Sunday 2026-10-04, local time.
    const from = local('2026-09-27T00:00');
    const to = local('2026-10-04T00:00');
    const mine = (kind: string) => (g: Gen) => g.account === PCODE && g.kind === kind;
    const reports = body as Record<string, { total: number; rollups: unknown[] }>;
    expect(reports.vod_bytes_delivered?.total).toBe(sum(mine('vod'), 'bytesOut', from, to));
    expect(reports.live_bytes_delivered?.total).toBe(sum(mine('live'), 'bytesOut', from, to));
    expect(reports.streams?.total).toBe(sum((g) => g.account === PCODE, 'starts', from, to));
    expect(reports.streams?.rollups).toEqual([[PCODE, '2026-39', reports.streams?.total]]);

    // The same week through GET /v1/usage, split by kind.
    const admin = issueKey('native', null);
    await store.registry.putKey(admin.stored);
    const native = await app.inject({
      method: 'GET',
      url: `/v1/usage?account=${PCODE}&from=2026-09-27&to=2026-10-04&group_by=kind&metrics=bytes_out`,
      headers: { authorization: `Bearer ${admin.secret}` },
    });
    const byKind = Object.fromEntries(
      native.json().rows.map((r: { kind: string; bytes_out: number }) => [r.kind, r.bytes_out]),
    );
    expect(reports.vod_bytes_delivered?.total).toBe(byKind.vod);
    expect(reports.live_bytes_delivered?.total).toBe(byKind.live);
  });

  test('includeSubAccounts adds child accounts, with their own rollups; not for vod_transcoded_time', async () => {
    const { body } = await get(`/v3/billing/usage/report/provider/${PCODE}/metric/live_bytes_delivered`, {
      startDate: '2026-09-29',
      endDate: '2026-09-30',
      includeSubAccounts: 'true',
    });
    const from = local('2026-09-29T00:00');
    const to = local('2026-10-01T00:00');
    const live = (g: Gen) => g.kind === 'live';
    expect(body.total).toBe(sum(live, 'bytesOut', from, to));
    expect((body.rollups as [string, string, number][]).map((r) => r.slice(0, 2))).toEqual([
      [PCODE, '2026-09-29'],
      [PCODE, '2026-09-30'],
      ['kidco', '2026-09-29'],
      ['kidco', '2026-09-30'],
    ]);
    const packaging = await get(`${base}/metric/live_packaging_time`, {
      type: 'day',
      period: '2026-09-30',
      includeSubAccounts: 'true',
    });
    expect(packaging.body.total).toBe(12);
    const transcoded = await get(`${base}/metric/vod_transcoded_time`, {
      type: 'month',
      period: '2026-09',
      includeSubAccounts: 'true',
    });
    expect(transcoded.body.total).toBe(120);
  });

  test('vod_transcoded_time (and vod_transcoding_time) read 0 for the current month', async () => {
    const month = DateTime.now().setZone(TZ).toFormat('yyyy-MM');
    await store.usage.commitEvents({
      ids: [],
      rollups: [],
      meters: [
        {
          account: PCODE,
          bucket: Math.floor(Date.now() / 900_000) * 900_000 - 900_000,
          meter: 'vod_transcoding_minutes',
          subject: '',
          value: 9,
        },
      ],
      accepted: 1,
      receivedAt: Date.now(),
      forgetIdsBefore: 0,
    });
    for (const name of ['vod_transcoded_time', 'vod_transcoding_time']) {
      const { body } = await get(`${base}/metric/${name}`, { type: 'month', period: month });
      expect(body.total).toBe(0);
    }
    const september = await get(`${base}/metric/vod_transcoding_time`, { type: 'month', period: '2026-09' });
    expect(september.body.total).toBe(120);
  });

  test.each([
    [{ type: 'month', period: '2026-9' }, "period '2026-9' does not match type 'month'"],
    [{ type: 'week', period: '2026-54' }, "type 'week'"],
    [{ type: 'quarter', period: '2026-Q5' }, "type 'quarter'"],
    [{ type: 'day', period: '2026-02-30' }, "type 'day'"],
    [{ type: 'fortnight', period: '2026' }, 'type must be one of'],
    [{ type: 'year', period: '2026', breakdownBy: 'hour' }, 'breakdownBy'],
  ])('%o is a 400 naming type and period', async (params, words) => {
    const { status, body } = await get(`${base}/metric/streams`, params);
    expect(status).toBe(400);
    expect(body.message).toContain(words);
  });

  test('signing: a bad signature, an expired request, another provider and unknown metrics are refused', async () => {
    const q = { type: 'year', period: '2026' };
    expect((await get(`${base}/metric/streams`, q, { sign: 'x'.repeat(43) })).body).toEqual({
      message: 'Invalid signature.',
    });
    expect(
      (await get(`${base}/metric/streams`, q, { expires: Math.floor(Date.now() / 1000) - 1 })).body,
    ).toEqual({
      message: 'The request has expired.',
    });
    // A signed URL is a credential: it may not stay valid for more than a day.
    const nowS = Math.floor(Date.now() / 1000);
    for (const expires of [nowS + 10 * 365 * 86_400, 1e20, nowS + 86_400 + 60]) {
      expect((await get(`${base}/metric/streams`, q, { expires })).body, String(expires)).toEqual({
        message: 'expires is too far ahead: at most 86400 s (one day) from now.',
      });
    }
    expect((await get(`${base}/metric/streams`, q, { expires: nowS + 86_400 - 60 })).status).toBe(200);
    expect((await get('/v3/billing/usage/period/provider/other/metric/streams', q)).status).toBe(403);
    expect((await get(`${base}/metric/live_ads_bytes_delivered`, q)).status).toBe(400);
    expect((await get(`${base}/metric/streams`, q, { key: 'nobody.xxxxx' })).status).toBe(401);
  });

  test('100 requests per minute per key, failed ones counted too', async () => {
    const q = { type: 'year', period: '2026' };
    for (let i = 0; i < 60; i++) await get(`${base}/metric/streams`, q, { sign: 'bad' });
    for (let i = 0; i < 40; i++) expect((await get(`${base}/metric/streams`, q)).status).toBe(200);
    // The 101st request inside the minute is refused, whatever came before it.
    const refused = await app.inject({ method: 'GET', url: `${base}/metric/streams?api_key=${apiKey}` });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
  });
});
