import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issueKey } from '../auth/keys.js';
import { DuckDbStore } from '../store/duckdb/duckdb-store.js';
import type { Store } from '../store/store.js';
import { rollupRow } from '../test-support/rollup-row.js';
import { sourceState } from '../test-support/source-state.js';
import { createApp } from './app.js';

let store: Store;
let app: FastifyInstance;
let admin: string;
let acmeKey: string;
let revoked: string;

const T0 = Date.parse('2024-07-01T00:00:00Z');
const withCell = rollupRow;

beforeAll(async () => {
  store = await DuckDbStore.open(':memory:');
  await store.registry.putAccount({ id: 'acme', name: 'Acme', timezone: 'Europe/Berlin', parent: null });
  await store.registry.putAccount({ id: 'globex', name: 'Globex', timezone: 'UTC', parent: null });
  const base = {
    kind: 'vod',
    target: '',
    rendition: '',
    protocol: 'hls',
    zone: 'global',
    country: '',
    okRequests: 1,
    clientErrors: 0,
    authFailures: 0,
    serverErrors: 0,
    bytesIn: 0,
    viewSeconds: 0,
    commands: 0,
    starts: 0,
  };
  await store.usage.commitImport({
    from: 0,
    source: sourceState('s1'),
    rollups: [
      withCell({
        ...base,
        account: 'acme',
        bucket: T0,
        app: 'vod',
        resource: 'a',
        requests: 2,
        bytesOut: 1000,
        viewers: [1n, 2n],
      }),
      withCell({
        ...base,
        account: 'acme',
        bucket: T0 + 86_400_000,
        app: 'vod',
        resource: 'b',
        requests: 1,
        bytesOut: 24,
        viewers: [2n],
      }),
      withCell({
        ...base,
        account: 'globex',
        bucket: T0,
        app: 'live',
        resource: 'c',
        requests: 5,
        bytesOut: 5,
        viewers: [9n],
      }),
    ],
  });
  const keys = [issueKey('native', null), issueKey('native', 'acme'), issueKey('native', 'acme')];
  for (const k of keys) await store.registry.putKey(k.stored);
  [admin, acmeKey, revoked] = keys.map((k) => k.secret) as [string, string, string];
  await store.registry.revokeKey(keys[2]?.stored.id ?? '', Date.now());
  app = await createApp({ store });
});
afterAll(async () => {
  await app.close();
  await store.close();
});

const get = (url: string, key?: string) =>
  app.inject({ method: 'GET', url, headers: key ? { authorization: `Bearer ${key}` } : {} });

describe('native API', () => {
  test('healthz and openapi need no key', async () => {
    expect((await get('/healthz')).json()).toEqual({ status: 'ok', backend: 'duckdb' });
    const spec = (await get('/v1/openapi.json')).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/v1/usage', '/v1/accounts', '/v1/sources', '/v1/events', '/healthz']),
    );
    expect(spec.paths['/v1/usage'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['from', 'to', 'group_by', 'resource']),
    );
    // The event kinds, from the schemas the ingester checks events with.
    const events = spec.paths['/v1/events'].post.requestBody.content['application/json'].schema.items.oneOf;
    expect(
      events.map((e: { properties: { kind: { const?: string; enum?: string[] } } }) => e.properties.kind),
    ).toHaveLength(5);
    expect(events.find((e: { required: string[] }) => e.required.includes('bytes'))?.required).toEqual(
      expect.arrayContaining(['kind', 'time', 'bytes']),
    );
  });

  test('usage body as DESIGN section 7', async () => {
    const res = await get(
      '/v1/usage?account=acme&from=2024-07-01T00:00:00Z&to=2024-07-03T00:00:00Z&tz=UTC&granularity=day&metrics=requests,bytes_out,unique_viewers',
      admin,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      account: 'acme',
      from: '2024-07-01T00:00:00Z',
      to: '2024-07-03T00:00:00Z',
      tz: 'UTC',
      granularity: 'day',
      rows: [
        {
          window_start: '2024-07-01T00:00:00Z',
          window_end: '2024-07-02T00:00:00Z',
          requests: 2,
          bytes_out: 1000,
          unique_viewers: 2,
        },
        {
          window_start: '2024-07-02T00:00:00Z',
          window_end: '2024-07-03T00:00:00Z',
          requests: 1,
          bytes_out: 24,
          unique_viewers: 1,
        },
      ],
      next_cursor: null,
    });
  });

  test('a scoped key reads its account by default and nothing else', async () => {
    const own = await get(
      '/v1/usage?from=2024-07-01T00:00:00Z&to=2024-07-03T00:00:00Z&metrics=bytes_out,unique_viewers',
      acmeKey,
    );
    expect(own.json().rows).toEqual([
      {
        window_start: '2024-07-01T02:00:00+02:00',
        window_end: '2024-07-03T02:00:00+02:00',
        bytes_out: 1024,
        unique_viewers: 2,
      },
    ]);
    const other = await get('/v1/usage?account=globex&from=2024-07-01&to=2024-07-02', acmeKey);
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe('forbidden');
  });

  test.each([
    ['', 401, 'unauthorized'],
    ['tally_tk_AAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 401, 'unauthorized'],
    ['revoked', 401, 'unauthorized'],
  ])('key %j -> %i', async (key, status, code) => {
    const res = await get(
      '/v1/usage?account=acme&from=2024-07-01&to=2024-07-02',
      key === 'revoked' ? revoked : key || undefined,
    );
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
  });

  test.each([
    ['metrics=bogus', 'metrics'],
    ['group_by=planet', 'group_by'],
    ['tz=Nowhere/Land', 'tz'],
    ['granularity=fortnight', 'granularity'],
    ['from=2024-07-01T00:05:00Z', 'from'],
    ['to=2024-06-01', 'from'],
    ['limit=-1', 'limit'],
    ['cursor=nope', 'cursor'],
  ])('bad parameter %s is a 400 naming %s', async (override, param) => {
    const params = new URLSearchParams({ account: 'acme', from: '2024-07-01', to: '2024-07-02' });
    const [k, v] = override.split('=') as [string, string];
    params.set(k, v);
    const res = await get(`/v1/usage?${params}`, admin);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message.startsWith(`${param}:`)).toBe(true);
  });

  test('missing from is a 400 naming it', async () => {
    const res = await get('/v1/usage?account=acme&to=2024-07-02', admin);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/from/);
  });

  test('accounts: list per key, create with an admin key only', async () => {
    expect((await get('/v1/accounts', acmeKey)).json().accounts.map((a: { id: string }) => a.id)).toEqual([
      'acme',
    ]);
    const denied = await app.inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: { authorization: `Bearer ${acmeKey}` },
      payload: { id: 'x' },
    });
    expect(denied.statusCode).toBe(403);
    const created = await app.inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: { authorization: `Bearer ${admin}` },
      payload: { id: 'kol', timezone: 'Asia/Kolkata' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      id: 'kol',
      name: 'kol',
      timezone: 'Asia/Kolkata',
      parent: null,
      number: 3,
      suspended: false,
      billingDay: 1,
    });
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: { authorization: `Bearer ${admin}` },
      payload: { id: 'y', timezone: 'Mars/Base' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/timezone/);
    // A misspelt field is refused by name, not dropped (the account would get UTC silently).
    const typo = await app.inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: { authorization: `Bearer ${admin}` },
      payload: { id: 'y', timezon: 'Asia/Kolkata' },
    });
    expect(typo.statusCode).toBe(400);
    expect(typo.json().error).toEqual({ code: 'bad-parameter', message: 'timezon: unknown field' });
    // A customer migrating keeps its number (ScaleEngine cdn_id, ZenDRIVE service_id); numbers are unique.
    const post = (payload: object) =>
      app.inject({
        method: 'POST',
        url: '/v1/accounts',
        headers: { authorization: `Bearer ${admin}` },
        payload,
      });
    expect((await post({ id: 'kol', timezone: 'Asia/Kolkata', number: 158 })).json().number).toBe(158);
    const taken = await post({ id: 'z', number: 158 });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toEqual({
      code: 'conflict',
      message: "number: 158 is the number of account 'kol'",
    });
    expect((await post({ id: 'kol', timezone: 'Asia/Kolkata' })).json().number).toBe(158);
    expect((await get('/v1/accounts', admin)).json().accounts.map((a: { id: string }) => a.id)).toEqual([
      'acme',
      'globex',
      'kol',
    ]);
  });

  test('sources need an admin key', async () => {
    expect((await get('/v1/sources', acmeKey)).statusCode).toBe(403);
    expect((await get('/v1/sources', admin)).json().sources.map((s: { id: string }) => s.id)).toEqual(['s1']);
  });

  test('unknown routes and oversized bodies get the envelope', async () => {
    const missing = await get('/v2/nothing');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not-found');
    const big = await app.inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      payload: `{"id":"${'x'.repeat(2 * 1024 * 1024)}"}`,
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('body-too-large');
    const xml = await app.inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/xml' },
      payload: '<account id="x"/>',
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().error.code).toBe('unsupported-media-type');
  });
});

test('an expired key is refused like a revoked one (every scheme checks expiry the same way)', async () => {
  const expired = issueKey('native', 'acme', { expiresAt: Date.now() - 1 });
  const live = issueKey('native', 'acme', { expiresAt: Date.now() + 60_000 });
  await store.registry.putKey(expired.stored);
  await store.registry.putKey(live.stored);
  const get = (secret: string) =>
    app.inject({ method: 'GET', url: '/v1/accounts', headers: { authorization: `Bearer ${secret}` } });
  expect((await get(expired.secret)).statusCode).toBe(401);
  expect((await get(live.secret)).statusCode).toBe(200);
});
