import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { issueKey } from '../../auth/keys.js';
import { DuckDbStore } from '../../store/duckdb/duckdb-store.js';
import type { Store } from '../../store/store.js';
import { bearerCaller } from '../../test-support/bearer-call.js';
import { rollupRow } from '../../test-support/rollup-row.js';
import { sourceState } from '../../test-support/source-state.js';
import { createApp } from '../app.js';

let store: Store;
let app: FastifyInstance;
let admin: string;
let acme: string;

beforeEach(async () => {
  store = await DuckDbStore.open(':memory:');
  await store.registry.putAccount({ id: 'acme', name: 'Acme', timezone: 'UTC', parent: null, billingDay: 5 });
  const bucket = Date.parse('2024-07-01T10:00:00Z');
  await store.usage.commitImport({
    from: 0,
    source: sourceState('s1'),
    rollups: [rollupRow({ account: 'acme', bucket, bytesOut: 100 })],
  });
  await store.usage.commitImport({
    from: 0,
    source: sourceState('s2'),
    rollups: [rollupRow({ account: 'acme', bucket, bytesOut: 23 })],
  });
  const keys = [issueKey('native', null), issueKey('native', 'acme')];
  for (const k of keys) await store.registry.putKey(k.stored);
  [admin, acme] = keys.map((k) => k.secret) as [string, string];
  app = await createApp({ store });
});
afterEach(async () => {
  await app.close();
  await store.close();
});

const call = bearerCaller(() => app);

describe('PATCH /v1/accounts/{id}', () => {
  test('changes the fields given and keeps the rest; suspends and resumes', async () => {
    const changed = await call('PATCH', '/v1/accounts/acme', admin, {
      timezone: 'Asia/Kolkata',
      number: 158,
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({
      id: 'acme',
      name: 'Acme',
      timezone: 'Asia/Kolkata',
      billingDay: 5,
      number: 158,
      suspended: false,
    });
    expect((await call('PATCH', '/v1/accounts/acme', admin, { suspended: true })).json()).toMatchObject({
      suspended: true,
      timezone: 'Asia/Kolkata',
      number: 158,
    });
    expect((await store.registry.getAccount('acme'))?.suspended).toBe(true);
    expect((await call('PATCH', '/v1/accounts/acme', admin, { suspended: false })).json().suspended).toBe(
      false,
    );
  });

  test('an unknown account is a 404, a bad field a 400, a scoped key a 403', async () => {
    expect((await call('PATCH', '/v1/accounts/nobody', admin, { name: 'x' })).statusCode).toBe(404);
    const zone = await call('PATCH', '/v1/accounts/acme', admin, { timezone: 'Mars/Base' });
    expect(zone.statusCode).toBe(400);
    expect(zone.json().error.message).toMatch(/timezone/);
    const typo = await call('PATCH', '/v1/accounts/acme', admin, { billingday: 3 });
    expect(typo.json().error.message).toBe('billingday: unknown field');
    expect((await call('PATCH', '/v1/accounts/acme', acme, { name: 'x' })).statusCode).toBe(403);
    expect((await store.registry.getAccount('acme'))?.name).toBe('Acme');
  });
});

describe('DELETE /v1/sources/{id}', () => {
  test("forgets exactly that source's rows; unknown is a 404; admin only", async () => {
    const total = async () =>
      (await call('GET', '/v1/usage?from=2024-07-01&to=2024-07-02&metrics=bytes_out', acme)).json().rows[0]
        ?.bytes_out;
    expect(await total()).toBe(123);
    expect((await call('DELETE', '/v1/sources/s1', acme)).statusCode).toBe(403);
    const forgotten = await call('DELETE', '/v1/sources/s1', admin);
    expect(forgotten.json()).toEqual({ forgotten: 's1' });
    expect(await total()).toBe(23);
    expect((await call('GET', '/v1/sources', admin)).json().sources.map((s: { id: string }) => s.id)).toEqual(
      ['s2'],
    );
    expect((await call('DELETE', '/v1/sources/s1', admin)).statusCode).toBe(404);
  });
});

describe('POST /v1/retention', () => {
  test("applies the server's retentionDays: usage before the oldest kept day goes; none set keeps all; admin only", async () => {
    expect((await call('POST', '/v1/retention', acme)).statusCode).toBe(403);
    expect((await call('POST', '/v1/retention', admin)).json()).toEqual({
      retention_days: null,
      accounts: [],
    });
    const keeping = await createApp({ store, retentionDays: 30 });
    try {
      const r = await keeping.inject({
        method: 'POST',
        url: '/v1/retention',
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(r.statusCode).toBe(200);
      // Both rows are from July 2024, long before today's 30 days.
      expect(r.json()).toMatchObject({
        retention_days: 30,
        accounts: [{ account: 'acme', deleted_rows: 2 }],
      });
    } finally {
      await keeping.close();
    }
    const left = await call('GET', '/v1/usage?from=2024-07-01&to=2024-07-02&metrics=bytes_out', acme);
    expect(left.json().rows).toEqual([]);
  });
});
