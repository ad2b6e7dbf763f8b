import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { issueKey } from '../../auth/keys.js';
import { createSealer } from '../../auth/sealed-secret.js';
import { DuckDbStore } from '../../store/duckdb/duckdb-store.js';
import type { Store } from '../../store/store.js';
import { bearerCaller } from '../../test-support/bearer-call.js';
import { createApp } from '../app.js';

let store: Store;
let app: FastifyInstance;
let admin: string;
let acme: string;

beforeEach(async () => {
  store = await DuckDbStore.open(':memory:');
  await store.registry.putAccount({ id: 'acme', name: 'Acme', timezone: 'UTC', parent: null });
  await store.registry.putAccount({ id: 'globex', name: 'Globex', timezone: 'UTC', parent: null });
  const keys = [issueKey('native', null), issueKey('native', 'acme')];
  for (const k of keys) await store.registry.putKey(k.stored);
  [admin, acme] = keys.map((k) => k.secret) as [string, string];
  app = await createApp({
    store,
    compat: {
      transport: { insecureHttp: true, trustedProxies: [] },
      sealer: createSealer(Buffer.alloc(32, 3)),
    },
  });
});
afterEach(async () => {
  await app.close();
  await store.close();
});

const call = bearerCaller(() => app);

describe('/v1/keys', () => {
  test('an admin creates a key of each scheme; each works at its API; the secret is never listed', async () => {
    const native = await call('POST', '/v1/keys', admin, { account: 'globex' });
    expect(native.statusCode).toBe(201);
    const created = native.json();
    expect(created).toMatchObject({ account: 'globex', scheme: 'native' });
    const usage = await call('GET', '/v1/usage?from=2024-07-01&to=2024-07-02', created.secret);
    expect(usage.statusCode).toBe(200);
    expect(usage.json().account).toBe('globex');

    const zendrive = (await call('POST', '/v1/keys', admin, { account: 'acme', scheme: 'zendrive' })).json();
    const stats = await app.inject({
      method: 'POST',
      url: '/zendrive-api/cdn-stats/',
      payload: { access_key: zendrive.key, secret_key: zendrive.secret },
    });
    expect(stats.json()).toMatchObject({ status: 'ok' });

    const wowza = (
      await call('POST', '/v1/keys', admin, {
        account: 'acme',
        scheme: 'wowza',
        expires: '2999-01-01T00:00:00Z',
      })
    ).json();
    const targets = await app.inject({
      method: 'GET',
      url: '/api/v1.6/usage/stream_targets',
      headers: { 'wsc-api-key': wowza.key, 'wsc-access-key': wowza.secret },
    });
    expect(targets.statusCode).toBe(200);

    const listed = (await call('GET', '/v1/keys', admin)).json().keys;
    expect(listed.map((k: { scheme: string }) => k.scheme).sort()).toEqual([
      'native',
      'native',
      'native',
      'wowza',
      'zendrive',
    ]);
    expect(listed.find((k: { scheme: string }) => k.scheme === 'wowza')).toMatchObject({
      key: wowza.secret,
      account: 'acme',
      expires: '2999-01-01T00:00:00.000Z',
      revoked: null,
    });
    const text = JSON.stringify(listed);
    for (const secret of [created.secret, zendrive.secret, wowza.key]) expect(text).not.toContain(secret);
  });

  test('revoking a key makes every API refuse it; account keys list only their own and change nothing', async () => {
    const zendrive = (await call('POST', '/v1/keys', admin, { account: 'acme', scheme: 'zendrive' })).json();
    const revoked = await call('DELETE', `/v1/keys/${zendrive.key}`, admin);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revoked).toMatch(/^\d{4}-/);
    const stats = await app.inject({
      method: 'POST',
      url: '/zendrive-api/cdn-stats/',
      payload: { access_key: zendrive.key, secret_key: zendrive.secret },
    });
    expect(stats.statusCode).toBe(401);
    expect((await call('DELETE', `/v1/keys/${zendrive.key}`, admin)).statusCode).toBe(404);

    const own = (await call('GET', '/v1/keys', acme)).json().keys;
    expect(new Set(own.map((k: { account: string }) => k.account))).toEqual(new Set(['acme']));
    expect((await call('POST', '/v1/keys', acme, { account: 'acme' })).statusCode).toBe(403);
    expect((await call('DELETE', `/v1/keys/${own[0].key}`, acme)).statusCode).toBe(403);
  });

  test('mistakes are 4xx naming the field', async () => {
    const cases: [object, number, RegExp][] = [
      [{ account: 'acme', scheme: 'ftp' }, 400, /scheme/],
      [{ account: 'nobody' }, 400, /account: unknown account 'nobody'/],
      [{ admin: true, scheme: 'zendrive' }, 400, /admin: zendrive keys belong to one account/],
      [{}, 400, /account: give exactly one of account or admin/],
      [
        { account: 'acme', expires: '2001-01-01T00:00:00Z' },
        400,
        /expires: '2001-01-01T00:00:00Z' is not a future/,
      ],
      [{ account: 'acme', colour: 'red' }, 400, /^colour: unknown field$/],
    ];
    for (const [body, status, message] of cases) {
      const r = await call('POST', '/v1/keys', admin, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(status);
      expect(r.json().error.message, JSON.stringify(body)).toMatch(message);
    }
    for (let i = 0; i < 2; i++) await call('POST', '/v1/keys', admin, { account: 'acme', scheme: 'ooyala' });
    const third = await call('POST', '/v1/keys', admin, { account: 'acme', scheme: 'ooyala' });
    expect(third.statusCode).toBe(409);
  });
});
