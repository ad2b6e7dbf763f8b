import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { issueKey } from '../../../auth/keys.js';
import { importFiles } from '../../../ingest/import.js';
import { DuckDbStore } from '../../../store/duckdb/duckdb-store.js';
import type { Store } from '../../../store/store.js';
import { sample } from '../../../test-support/samples.js';
import { selfSignedCert } from '../../../test-support/self-signed-cert.js';
import { useTempDir } from '../../../test-support/temp-dir.js';
import { createApp } from '../../app.js';
import { registerZendriveRoutes, successRate, ZENDRIVE_PATH } from './cdn-stats-route.js';

const dir = useTempDir();
let store: Store;
let app: FastifyInstance;
let access: string;
let secret: string;

beforeEach(async () => {
  store = await DuckDbStore.open(':memory:');
  await store.registry.putAccount({ id: 'default', name: 'd', timezone: 'UTC', parent: null });
  await store.registry.putAccount({ id: 'acme', name: 'Acme', timezone: 'Europe/Berlin', parent: null });
  await store.registry.putAccount({ id: 'quiet', name: 'Quiet', timezone: 'UTC', parent: null });
  const key = issueKey('zendrive', 'acme');
  await store.registry.putKey(key.stored);
  [access, secret] = [key.stored.id, key.secret];
  // The S3 sample, every line for acme: 14 requests from one address between 2020 and 2024.
  await importFiles([sample('s3_dandi_s3-log-parser.log')], {
    store,
    config: {},
    format: 's3',
    account: 'acme',
    secret: Buffer.alloc(32, 4),
    rejectsDir: join(dir, 'rejects'),
  });
  app = await createApp({
    store,
    compat: {
      transport: { insecureHttp: false, trustedProxies: ['127.0.0.1'] },
      rateLimits: { zendrive: { capacity: 3, windowSeconds: 60 } },
    },
  });
});
afterEach(async () => {
  await app.close();
  await store.close().catch(() => undefined);
});

function post(
  body: unknown,
  headers: Record<string, string> = { 'x-forwarded-proto': 'https' },
  url = ZENDRIVE_PATH,
) {
  return app.inject({
    method: 'POST',
    url,
    payload: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

describe('ZenDRIVE cdn-stats', () => {
  test("the seed's response shape, with totals worked out by hand from the sample", async () => {
    // 2020 (a leap year: 366 days, the largest window) holds the first six lines, all on 1 January:
    // 2 x (512 + 1526223 + 1443) = 3056356 bytes, statuses 206 200 200 206 200 200.
    const r = await post({ access_key: access, secret_key: secret, from: '2020-01-01', to: '2020-12-31' });
    expect(r.statusCode).toBe(200);
    const account = await store.registry.getAccount('acme');
    const day = {
      total_requests: 6,
      successful_requests: 6,
      client_errors: 0,
      auth_failures: 0,
      bytes_sent: 3_056_356,
      bytes_received: 0,
      unique_ips: 1,
    };
    expect(r.json()).toEqual({
      status: 'ok',
      service_id: account?.number,
      from: '2020-01-01',
      to: '2020-12-31',
      summary: { ...day, success_rate: 100 },
      daily: [{ date: '2020-01-01', ...day }],
    });
    // Without the trailing slash: the same answer (the original redirects and loses the body).
    const slashless = await post(
      { access_key: access, secret_key: secret, from: '2020-01-01', to: '2020-12-31' },
      undefined,
      ZENDRIVE_PATH.slice(0, -1),
    );
    expect(slashless.json()).toEqual(r.json());
  });

  test('a window with a 404: success rate to one decimal; days oldest first, quiet days left out', async () => {
    const r = await post({ access_key: access, secret_key: secret, from: '2022-01-01', to: '2022-12-31' });
    const body = r.json();
    // 06/Apr/2022: 200 (6616308 bytes), 206 (512), 404 (272), 200 (1443).
    expect(body.summary).toMatchObject({
      total_requests: 4,
      successful_requests: 3,
      client_errors: 1,
      bytes_sent: 6_618_535,
    });
    expect(body.summary.success_rate).toBe(75);
    expect(body.daily.map((d: { date: string }) => d.date)).toEqual(['2022-04-06']);
    expect(successRate(1861090, 1875432)).toBe(99.2);
    expect(successRate(0, 0)).toBe(0);
  });

  test('a service without traffic: zero totals and an empty daily list', async () => {
    const quiet = issueKey('zendrive', 'quiet');
    await store.registry.putKey(quiet.stored);
    const r = await post({
      access_key: quiet.stored.id,
      secret_key: quiet.secret,
      from: '2020-01-01',
      to: '2020-01-31',
    });
    expect(r.json()).toMatchObject({
      status: 'ok',
      summary: { total_requests: 0, bytes_sent: 0, unique_ips: 0, success_rate: 0 },
      daily: [],
    });
  });

  test.each<[string, unknown, number, string]>([
    ['no keys', '{}', 400, 'access_key and secret_key are required'],
    ['not JSON', 'access_key=x', 400, 'access_key and secret_key are required'],
    ['a bad date', { from: '2024-02-30' }, 400, "'from' / 'to' must be a valid YYYY-MM-DD date"],
    ['a date in another format', { to: '07/01/2024' }, 400, "'from' / 'to' must be a valid YYYY-MM-DD date"],
    ['an inverted range', { from: '2024-02-02', to: '2024-02-01' }, 400, "'from' must be on or before 'to'"],
    ['367 days', { from: '2021-01-01', to: '2022-01-02' }, 400, 'date range too large (max 366 days)'],
    ['a wrong secret', { secret_key: 'x'.repeat(40) }, 401, 'Invalid credentials'],
    ['an unknown key', { access_key: 'ZDNOTAKEY' }, 401, 'Invalid credentials'],
  ])("%s is refused in the seed's words", async (_name, overrides, status, message) => {
    const body =
      typeof overrides === 'string'
        ? overrides
        : { access_key: access, secret_key: secret, ...(overrides as object) };
    const r = await post(body);
    expect(r.statusCode).toBe(status);
    expect(r.json()).toEqual({ status: 'error', message });
  });

  test('HTTPS: plain HTTP, or a forwarded header from an untrusted peer, is refused', async () => {
    const plain = await post({ access_key: access, secret_key: secret }, {});
    expect([plain.statusCode, plain.json().message]).toEqual([400, 'HTTPS is required']);
    const elsewhere = await createApp({
      store,
      compat: { transport: { insecureHttp: false, trustedProxies: ['10.0.0.1'] } },
    });
    const forged = await elsewhere.inject({
      method: 'POST',
      url: ZENDRIVE_PATH,
      payload: { access_key: access, secret_key: secret },
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(forged.json()).toEqual({ status: 'error', message: 'HTTPS is required' });
    await elsewhere.close();
  });

  test('GET is 405; a revoked key is 401; a suspended service is 403', async () => {
    const get = await app.inject({
      method: 'GET',
      url: ZENDRIVE_PATH,
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect([get.statusCode, get.json()]).toEqual([405, { status: 'error', message: 'POST is required' }]);
    await store.registry.putAccount({
      id: 'acme',
      name: 'Acme',
      timezone: 'Europe/Berlin',
      parent: null,
      suspended: true,
    });
    const suspended = await post({ access_key: access, secret_key: secret });
    expect([suspended.statusCode, suspended.json().message]).toEqual([403, 'Service is not active']);
    await store.registry.revokeKey(access, Date.now());
    expect((await post({ access_key: access, secret_key: secret })).statusCode).toBe(401);
  });

  test('the per-key rate limit answers 429 with Retry-After and RateLimit headers', async () => {
    const statuses: number[] = [];
    let last = await post({ access_key: access, secret_key: secret });
    statuses.push(last.statusCode);
    expect(last.headers['ratelimit-policy']).toBe('3;w=60');
    expect(last.headers.ratelimit).toBe('limit=3, remaining=2, reset=60');
    for (let i = 0; i < 3; i++) {
      last = await post({ access_key: access, secret_key: secret });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last.json()).toEqual({ status: 'error', message: 'Too many requests, slow down' });
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
  });

  test('defaults: the last 30 days up to today (UTC)', async () => {
    const fixed = await createApp({
      store,
      compat: { transport: { insecureHttp: true, trustedProxies: [] } },
    });
    await fixed.close();
    const scoped = (await import('fastify')).default();
    registerZendriveRoutes(scoped, {
      store,
      transport: { insecureHttp: true, trustedProxies: [] },
      now: () => Date.parse('2022-04-20T15:00:00Z'),
    });
    const r = await scoped.inject({
      method: 'POST',
      url: ZENDRIVE_PATH,
      payload: { access_key: access, secret_key: secret },
    });
    expect(r.json()).toMatchObject({ from: '2022-03-21', to: '2022-04-20', summary: { total_requests: 4 } });
    await scoped.close();
  });

  test("a body over 64 KiB is a 413 in the seed's shape", async () => {
    const r = await post({ access_key: access, secret_key: secret, padding: 'x'.repeat(70 * 1024) });
    expect([r.statusCode, r.json()]).toEqual([413, { status: 'error', message: 'Request body too large' }]);
  });

  test('when the store cannot answer: 503, not a 500 with a stack', async () => {
    await store.close();
    const r = await post({ access_key: access, secret_key: secret });
    expect([r.statusCode, r.json()]).toEqual([
      503,
      { status: 'error', message: 'Service temporarily unavailable' },
    ]);
  });
});

describe("ZenDRIVE over the server's own TLS", () => {
  test('a request over HTTPS is accepted without any proxy header', async () => {
    const { readFileSync } = await import('node:fs');
    const https = await import('node:https');
    const { key, cert } = selfSignedCert(useTempDir('tally-tls-'), 'localhost', '127.0.0.1');
    const tls = await createApp({
      store,
      https: { key: readFileSync(key), cert: readFileSync(cert) },
      compat: { transport: { insecureHttp: false, trustedProxies: [] } },
    });
    await tls.listen({ host: '127.0.0.1', port: 0 });
    const port = (tls.server.address() as { port: number }).port;
    const answer = await new Promise<{ status: number; body: string }>((done, fail) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port,
          path: ZENDRIVE_PATH,
          method: 'POST',
          ca: readFileSync(cert),
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => done({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', fail);
      req.end(
        JSON.stringify({ access_key: access, secret_key: secret, from: '2020-01-01', to: '2020-01-31' }),
      );
    });
    await tls.close();
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).summary.total_requests).toBe(6);
  });
});
