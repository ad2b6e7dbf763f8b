/**
 * The Wowza-compatible API against generated usage: every value is checked against a computation
 * made here from the generated records, never against the store's own answers; shapes field by
 * field against seeds 001 and 002.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { issueKey } from '../../../auth/keys.js';
import { createSealer } from '../../../auth/sealed-secret.js';
import { wowzaSignature } from '../../../auth/wowza-signature.js';
import type { CatalogEntry } from '../../../domain/catalog.js';
import { takeSnapshot } from '../../../query/billing-snapshots.js';
import { DuckDbStore } from '../../../store/duckdb/duckdb-store.js';
import type { Store } from '../../../store/store.js';
import { importJsonLines } from '../../../test-support/import-json-lines.js';
import { useTempDir } from '../../../test-support/temp-dir.js';
import { createApp } from '../../app.js';

const dir = useTempDir();
const sealer = createSealer(Buffer.alloc(32, 9));
const NOW = Date.parse('2026-11-22T12:00:00Z');
const FROM = '2026-11-01 00:00:00';
const TO = '2026-11-21 00:00:00';

interface Gen {
  time: number;
  target: string;
  protocol: string;
  zone: string;
  country: string;
  rendition: string;
  bytesOut: number;
  seconds: number;
  viewer: string;
}

/** A deterministic month of deliveries over four targets (one not in the catalog) and two ULL protocols. */
function generate(): Gen[] {
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    // The high bits: an LCG's low bits repeat with a short period.
    return (seed >>> 12) % n;
  };
  const out: Gen[] = [];
  const targets = ['nlyjxjbc', 'zwry3gj7', 'ull00001', 'loose001', 'vodaaaa1'];
  for (let i = 0; i < 3000; i++) {
    const target = targets[rand(targets.length)] as string;
    const ull = target === 'ull00001';
    const protocol = ull ? (rand(2) === 0 ? 'ull' : 'hls') : 'hls';
    out.push({
      // 2026-10-25 .. 2026-11-22: some before FROM, some after TO.
      time: Date.parse('2026-10-25T00:00:00Z') + rand(28 * 24 * 4) * 900_000 + rand(900) * 1000,
      target,
      protocol,
      zone: ['north_america', 'europe', 'global'][rand(3)] as string,
      country: ['US', 'DE', 'IN', ''][rand(4)] as string,
      rendition: ['720p', '1080p', ''][rand(3)] as string,
      bytesOut: 1000 + rand(5_000_000),
      seconds: rand(7),
      viewer: `v${rand(40)}`,
    });
  }
  return out;
}

const records = generate();
const from = Date.parse('2026-11-01T00:00:00Z');
const to = Date.parse('2026-11-21T00:00:00Z');
const inRange = (g: Gen) => g.time >= from && g.time < to;

/** The independent computation: viewing fields over the records a predicate keeps. */
function expected(keep: (g: Gen) => boolean) {
  const rows = records.filter((g) => inRange(g) && keep(g));
  return {
    unique_viewers: new Set(rows.map((g) => g.viewer)).size,
    viewing_time: rows.reduce((s, g) => s + g.seconds, 0),
    bytes: rows.reduce((s, g) => s + g.bytesOut, 0),
  };
}

const entry = (kind: CatalogEntry['kind'], id: string, more: Partial<CatalogEntry> = {}): CatalogEntry => ({
  kind,
  id,
  account: 'acme',
  name: `Name of ${id}`,
  type: kind === 'transcoder' ? 'transcoded' : 'fastly',
  billingMode: kind === 'transcoder' ? 'pay_as_you_go' : '',
  archived: false,
  deleted: false,
  ...more,
});

let store: Store;
let app: FastifyInstance;
let apiKey: string;
let accessKey: string;

beforeEach(async () => {
  store = await DuckDbStore.open(':memory:');
  await store.registry.putAccount({ id: 'acme', name: 'Acme', timezone: 'UTC', parent: null, billingDay: 5 });
  for (const e of [
    entry('stream_target', 'nlyjxjbc', { archived: true, deleted: true }),
    entry('stream_target', 'zwry3gj7'),
    entry('stream_target', 'ull00001', { type: 'ull' }),
    entry('vod_stream', 'vodaaaa1'),
    entry('transcoder', '1237abcd', { name: 'RTMP-Pull-Street' }),
    entry('transcoder', '1239abcd', { type: 'passthrough', archived: true }),
  ]) {
    await store.registry.putCatalogEntry(e);
  }
  await importJsonLines(
    store,
    dir,
    records.map((g) => ({ app: 'live', resource: 'stream', status: 200, ...g })),
    'acme',
  );
  await store.usage.commitEvents({
    ids: [],
    rollups: [],
    meters: [
      { account: 'acme', bucket: from, meter: 'transcode_seconds', subject: '1237abcd', value: 900 },
      {
        account: 'acme',
        bucket: from + 900_000,
        meter: 'transcode_seconds',
        subject: '1237abcd',
        value: 300.4,
      },
      {
        account: 'acme',
        bucket: from,
        meter: 'transcode_egress_bytes',
        subject: '1237abcd',
        value: 53446778562,
      },
      { account: 'acme', bucket: from, meter: 'transcode_seconds', subject: 'unknown1', value: 60 },
      { account: 'acme', bucket: from, meter: 'storage_peak_bytes', subject: '', value: 100 },
      {
        account: 'acme',
        bucket: from + 86_400_000,
        meter: 'storage_peak_bytes',
        subject: '',
        value: 15130718193,
      },
      { account: 'acme', bucket: to + 86_400_000, meter: 'storage_peak_bytes', subject: '', value: 99e9 },
    ],
    accepted: 7,
    receivedAt: NOW,
    forgetIdsBefore: 0,
  });
  const key = issueKey('wowza', 'acme', { seal: sealer.seal });
  await store.registry.putKey(key.stored);
  [accessKey, apiKey] = [key.stored.id, key.secret];
  app = await createApp({
    store,
    compat: {
      transport: { insecureHttp: true, trustedProxies: [] },
      sealer,
      rateLimits: { wowza: { capacity: 1000, windowSeconds: 60 } },
    },
  });
});
afterEach(async () => {
  await app.close();
  await store.close().catch(() => undefined);
});

async function get(path: string, query: Record<string, string> = { from: FROM, to: TO }, version = 'v1.6') {
  const qs = new URLSearchParams(query).toString();
  const res = await app.inject({
    method: 'GET',
    url: `/api/${version}/${path}${qs ? `?${qs}` : ''}`,
    headers: { 'wsc-api-key': apiKey, 'wsc-access-key': accessKey },
  });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

const LIMITS = { from: '2026-11-01T00:00:00.000Z', to: '2026-11-21T00:00:00.000Z' };

describe('usage/stream_targets', () => {
  test('list: every target with the seed fields, values from the generated records', async () => {
    const { status, body } = await get('usage/stream_targets');
    expect(status).toBe(200);
    const byTarget = (id: string) => expected((g) => g.target === id);
    expect(body).toEqual({
      stream_targets: [
        // loose001 is in no catalog: listed under its id.
        { id: 'loose001', name: 'loose001', archived: false, type: 'fastly', ...byTarget('loose001') },
        { id: 'nlyjxjbc', name: 'Name of nlyjxjbc', archived: true, type: 'fastly', ...byTarget('nlyjxjbc') },
        { id: 'ull00001', name: 'Name of ull00001', archived: false, type: 'ull', ...byTarget('ull00001') },
        {
          id: 'zwry3gj7',
          name: 'Name of zwry3gj7',
          archived: false,
          type: 'fastly',
          ...byTarget('zwry3gj7'),
        },
      ],
      pagination: { payload_version: 2, total_records: 4, per_page: 1000, total_pages: 1 },
      limits: LIMITS,
    });
  });

  test('walking the pages with next_page_key gives exactly the unpaginated rows', async () => {
    const all = (await get('usage/stream_targets')).body.stream_targets as unknown[];
    const walked: unknown[] = [];
    let key: string | undefined;
    let pages = 0;
    do {
      const { body } = await get('usage/stream_targets', {
        from: FROM,
        to: TO,
        per_page: '3',
        ...(key ? { next_page_key: key } : {}),
      });
      walked.push(...(body.stream_targets as unknown[]));
      const pagination = body.pagination as {
        next_page_key?: string;
        total_pages: number;
        total_records: number;
      };
      expect(pagination).toMatchObject({ payload_version: 2, per_page: 3, total_pages: 2, total_records: 4 });
      key = pagination.next_page_key;
      pages += 1;
    } while (key !== undefined);
    expect(pages).toBe(2);
    expect(walked).toEqual(all);
  });

  test('summary per billing zone; single target with zones; countries and renditions', async () => {
    const members = (g: Gen) => g.target !== 'vodaaaa1';
    const summary = (await get('usage/stream_targets/summary')).body;
    const zoneNames = ['europe', 'global', 'north_america'];
    expect(summary).toEqual({
      summary: {
        ...expected(members),
        zones: zoneNames.map((name) => ({ name, ...expected((g) => members(g) && g.zone === name) })),
      },
      limits: LIMITS,
    });

    const one = (await get('usage/stream_targets/zwry3gj7')).body;
    const mine = (g: Gen) => g.target === 'zwry3gj7';
    expect(one).toEqual({
      stream_target: {
        id: 'zwry3gj7',
        name: 'Name of zwry3gj7',
        archived: false,
        type: 'fastly',
        ...expected(mine),
        zones: zoneNames.map((name) => ({
          name,
          type: 'fastly',
          ...expected((g) => mine(g) && g.zone === name),
        })),
      },
      limits: LIMITS,
    });

    const countries = (await get('usage/stream_targets/zwry3gj7/countries')).body.stream_target as {
      countries: { code: string; name: string; bytes: number; zones: { name: string; bytes: number }[] }[];
    };
    expect(countries.countries.map((c) => [c.code, c.name])).toEqual([
      ['', 'Unknown'],
      ['DE', 'Germany'],
      ['IN', 'India'],
      ['US', 'United States'],
    ]);
    for (const c of countries.countries) {
      expect(c).toMatchObject(expected((g) => mine(g) && g.country === c.code));
      expect(c.zones.map((z) => z.bytes)).toEqual(
        zoneNames.map((z) => expected((g) => mine(g) && g.country === c.code && g.zone === z).bytes),
      );
    }

    const renditions = (await get('usage/stream_targets/zwry3gj7/renditions')).body.stream_target as {
      renditions: { name: string; bytes: number }[];
    };
    expect(renditions.renditions.map((r) => [r.name, r.bytes])).toEqual([
      ['default', expected((g) => mine(g) && g.rendition === '').bytes],
      ['1080p', expected((g) => mine(g) && g.rendition === '1080p').bytes],
      ['720p', expected((g) => mine(g) && g.rendition === '720p').bytes],
    ]);
  });

  test('a stream target agrees with GET /v1/usage filtered by that target', async () => {
    // Only the Wowza key exists so far: the admin key below is the test's own.
    const keys = await store.registry.listKeys();
    expect(keys).toHaveLength(1);
    const admin = issueKey('native', null);
    await store.registry.putKey(admin.stored);
    const res = await app.inject({
      method: 'GET',
      url: '/v1/usage?account=acme&from=2026-11-01&to=2026-11-21&target=ull00001&metrics=bytes_out',
      headers: { authorization: `Bearer ${admin.secret}` },
    });
    const wowza = (await get('usage/stream_targets/ull00001')).body.stream_target as { bytes: number };
    expect(res.json().rows[0].bytes_out).toBe(wowza.bytes);
  });
});

describe('usage/vod_streams', () => {
  test('v1.5 and later only; the catalog VOD streams', async () => {
    expect((await get('usage/vod_streams', { from: FROM, to: TO }, 'v1.4')).status).toBe(404);
    const { body } = await get('usage/vod_streams', { from: FROM, to: TO }, 'v1.5');
    expect(body.vod_streams).toEqual([
      {
        id: 'vodaaaa1',
        name: 'Name of vodaaaa1',
        archived: false,
        type: 'fastly',
        ...expected((g) => g.target === 'vodaaaa1'),
      },
    ]);
    expect((await get('usage/vod_streams/nlyjxjbc')).status).toBe(404);

    const vod = (g: Gen) => g.target === 'vodaaaa1';
    const zoneNames = ['europe', 'global', 'north_america'];
    expect((await get('usage/vod_streams/summary')).body).toEqual({
      summary: {
        ...expected(vod),
        zones: zoneNames.map((name) => ({ name, ...expected((g) => vod(g) && g.zone === name) })),
      },
      limits: LIMITS,
    });
    const single = (await get('usage/vod_streams/vodaaaa1')).body.vod_stream as Record<string, unknown>;
    expect(Object.keys(single)).toEqual([
      'id',
      'name',
      'archived',
      'type',
      'unique_viewers',
      'viewing_time',
      'bytes',
      'zones',
    ]);
    expect(single).toMatchObject(expected(vod));
    const countries = (await get('usage/vod_streams/vodaaaa1/countries')).body.vod_stream as {
      countries: Record<string, unknown>[];
    };
    expect(Object.keys(countries.countries[0] ?? {})).toEqual([
      'code',
      'name',
      'unique_viewers',
      'viewing_time',
      'bytes',
      'zones',
    ]);
    expect(countries.countries.map((c) => c.bytes)).toEqual(
      ['', 'DE', 'IN', 'US'].map((code) => expected((g) => vod(g) && g.country === code).bytes),
    );
    const renditions = (await get('usage/vod_streams/vodaaaa1/renditions')).body.vod_stream as {
      renditions: { name: string; unique_viewers: number }[];
    };
    expect(renditions.renditions.map((r) => [r.name, r.unique_viewers])).toEqual(
      [
        ['default', ''],
        ['1080p', '1080p'],
        ['720p', '720p'],
      ].map(([name, value]) => [name, expected((g) => vod(g) && g.rendition === value).unique_viewers]),
    );
  });
});

describe('usage/transcoders and storage', () => {
  test('list with payload 1.0 pagination, summary, single', async () => {
    const { body } = await get('usage/transcoders', { from: FROM, to: TO, per_page: '2', page: '1' });
    expect(body).toEqual({
      transcoders: [
        {
          bytes: 53446778562,
          archived: false,
          id: '1237abcd',
          name: 'RTMP-Pull-Street',
          transcoder_type: 'transcoded',
          billing_mode: 'pay_as_you_go',
          seconds: '1200',
        },
        {
          bytes: 0,
          archived: true,
          id: '1239abcd',
          name: 'Name of 1239abcd',
          transcoder_type: 'passthrough',
          billing_mode: 'pay_as_you_go',
          seconds: '0',
        },
      ],
      pagination: {
        payload_version: 1,
        page: 1,
        page_first_index: 0,
        page_last_index: 1,
        per_page: 2,
        total_pages: 2,
        total_records: 3,
      },
      limits: LIMITS,
    });
    const page2 = (await get('usage/transcoders', { from: FROM, to: TO, per_page: '2', page: '2' })).body;
    expect((page2.transcoders as { id: string }[]).map((t) => t.id)).toEqual(['unknown1']);
    expect((await get('usage/transcoders/summary')).body.summary).toEqual({
      bytes: 53446778562,
      seconds: '1260',
    });
    expect(((await get('usage/transcoders/1237abcd')).body.transcoder as { seconds: string }).seconds).toBe(
      '1200',
    );
    expect((await get('usage/transcoders/nothere1')).body).toEqual({
      meta: {
        status: 404,
        code: 'ERR-404-RecordNotFound',
        title: 'Record Not Found Error',
        message: "The requested resource couldn't be found.",
        description: '',
        links: [],
      },
    });
  });

  test('storage peak: the largest sample in the range, exact instants kept (15-minute buckets)', async () => {
    const { body } = await get('usage/storage/peak', {
      from: '2026-11-01 00:00:00',
      to: '2026-11-21 00:00:00',
    });
    expect(body).toEqual({ bytes: 15130718193, limits: LIMITS });
  });
});

describe('usage/network/stream_targets (ULL)', () => {
  test('bytes_used live, bytes_billed from the last snapshot, by protocol and zone', async () => {
    const ull = (g: Gen) => g.target === 'ull00001' && (g.protocol === 'ull' || g.protocol === 'hls');
    const before = (await get('usage/network/stream_targets')).body as {
      total: {
        bytes_used: number;
        bytes_billed: number;
        protocols: Record<string, { zones: Record<string, unknown> }>;
      };
      stream_targets: Record<string, unknown>[];
    };
    expect(before.total.bytes_used).toBe(expected(ull).bytes);
    expect(before.total.bytes_billed).toBe(0);

    await takeSnapshot(store, NOW);
    const after = (await get('usage/network/stream_targets')).body as typeof before;
    const amounts = (keep: (g: Gen) => boolean) => {
      const b = expected((g) => ull(g) && keep(g)).bytes;
      return { bytes_used: b, bytes_billed: b };
    };
    const protocols = {
      ull: {
        zones: Object.fromEntries(
          ['europe', 'global', 'north_america'].map((z) => [
            z,
            amounts((g) => g.protocol === 'ull' && g.zone === z),
          ]),
        ),
      },
      hls: { zones: { global: amounts((g) => g.protocol === 'hls') } },
    };
    expect(after).toEqual({
      total: { ...amounts(() => true), protocols },
      stream_targets: [
        { id: 'ull00001', name: 'Name of ull00001', deleted: false, ...amounts(() => true), protocols },
      ],
    });
  });
});

describe('auth, parameters and errors', () => {
  test('HMAC headers work; a bad signature, an old timestamp, a missing or wrong key are 401s', async () => {
    const path = '/api/v1.6/usage/storage/peak';
    const at = (seconds: number, signature?: string) =>
      app.inject({
        method: 'GET',
        url: `${path}?from=2026-11-01%2000:00:00&to=2026-11-21%2000:00:00`,
        headers: {
          'wsc-access-key': accessKey,
          'wsc-timestamp': String(seconds),
          'wsc-signature': signature ?? wowzaSignature(apiKey, String(seconds), path),
        },
      });
    const now = Math.floor(Date.now() / 1000);
    expect((await at(now)).statusCode).toBe(200);
    expect((await at(now, 'ab'.repeat(32))).json().meta.code).toBe('ERR-401-InvalidSignature');
    expect((await at(now - 301)).json().meta.code).toBe('ERR-401-InvalidTimestamp');
    const plain = (headers: Record<string, string>) =>
      app.inject({ method: 'GET', url: '/api/v1.6/usage/storage/peak', headers });
    expect((await plain({})).json().meta).toMatchObject({ status: 401, code: 'ERR-401-NoApiKey' });
    expect((await plain({ 'wsc-api-key': apiKey })).json().meta.code).toBe('ERR-401-NoAccessKey');
    expect((await plain({ 'wsc-api-key': apiKey, 'wsc-access-key': 'nope' })).json().meta.code).toBe(
      'ERR-401-InvalidAccessKey',
    );
    expect((await plain({ 'wsc-api-key': 'wrong', 'wsc-access-key': accessKey })).json().meta.code).toBe(
      'ERR-401-InvalidApiKey',
    );
  });

  test('expired access keys and suspended accounts are refused', async () => {
    const expired = issueKey('wowza', 'acme', { seal: sealer.seal, expiresAt: Date.now() - 1 });
    await store.registry.putKey(expired.stored);
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1.6/usage/storage/peak',
      headers: { 'wsc-api-key': expired.secret, 'wsc-access-key': expired.stored.id },
    });
    expect(res.statusCode).toBe(401);
    await store.registry.putAccount({
      id: 'acme',
      name: 'Acme',
      timezone: 'UTC',
      parent: null,
      suspended: true,
    });
    expect((await get('usage/storage/peak')).body.meta).toMatchObject({ code: 'ERR-401-BadAccountStatus' });
  });

  test('from/to: URL-encoded, single-digit month, rounded up to the hour; 90 days at most', async () => {
    const { body } = await get('usage/stream_targets/summary', {
      from: '2026-11-1 0:00:00',
      to: '2026-11-20 23:00:01',
    });
    expect(body.limits).toEqual(LIMITS);
    const rounded = await get('usage/stream_targets/summary', { from: '2026-11-01 00:20:00', to: TO });
    expect(rounded.body.limits).toEqual({ ...LIMITS, from: '2026-11-01T01:00:00.000Z' });
    const tooLong = await get('usage/stream_targets', {
      from: '2026-01-01 00:00:00',
      to: '2026-06-01 00:00:00',
    });
    expect(tooLong.status).toBe(422);
    expect((tooLong.body.meta as { message: string }).message).toContain('90 days');
    expect((await get('usage/stream_targets', { from: '2026-02-30 00:00:00' })).status).toBe(422);
    expect((await get('usage/stream_targets', { from: FROM, to: TO }, 'v2.0')).status).toBe(404);
    const versions = await app.inject({ method: 'GET', url: '/api/versions' });
    expect(versions.json().versions.map((v: { version: string }) => v.version)).toEqual([
      'v1.0',
      'v1.1',
      'v1.2',
      'v1.3',
      'v1.4',
      'v1.5',
      'v1.6',
    ]);
  });

  test('each endpoint from the first version that has it, the same answer in every later one', async () => {
    // Seed 002 tells customers to use v1.2 for network usage; seed 001 gives vod_streams from v1.5.
    const served = async (path: string, version: string) =>
      (await get(path, { from: FROM, to: TO }, version)).status;
    for (const version of ['v1.0', 'v1.1'])
      expect(await served('usage/network/stream_targets', version)).toBe(404);
    const network = await get('usage/network/stream_targets', {}, 'v1.2');
    expect(network.status).toBe(200);
    expect(network.body).toEqual((await get('usage/network/stream_targets', {}, 'v1.6')).body);
    for (const version of ['v1.0', 'v1.2', 'v1.3'])
      expect(await served('usage/stream_targets/summary', version), version).toBe(200);
    for (const version of ['v1.0', 'v1.4']) expect(await served('usage/vod_streams', version)).toBe(404);
    const missing = await get('usage/network/stream_targets', {}, 'v1.1');
    expect(missing.body).toMatchObject({ meta: { status: 404, code: 'ERR-404-RecordNotFound' } });
  });
});
