import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { issueKey } from '../../auth/keys.js';
import { DuckDbStore } from '../../store/duckdb/duckdb-store.js';
import type { Store } from '../../store/store.js';
import { createApp } from '../app.js';

let store: Store;
let app: FastifyInstance;
let admin: string;
let scoped: string;

beforeEach(async () => {
  store = await DuckDbStore.open(':memory:');
  await store.registry.putAccount({ id: 'acme', name: 'Acme', timezone: 'UTC', parent: null });
  await store.registry.putAccount({ id: 'globex', name: 'Globex', timezone: 'UTC', parent: null });
  const a = issueKey('native', null);
  const s = issueKey('native', 'acme');
  await store.registry.putKey(a.stored);
  await store.registry.putKey(s.stored);
  [admin, scoped] = [a.secret, s.secret];
  app = await createApp({ store });
});
afterEach(async () => {
  await app.close();
  await store.close();
});

const call = (method: 'GET' | 'POST' | 'DELETE', url: string, key: string, payload?: unknown) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });

describe('/v1/catalog', () => {
  test('create (id generated), list per key scope, archive on delete', async () => {
    const made = await call('POST', '/v1/catalog/stream_targets', admin, {
      account: 'acme',
      name: 'News',
      type: 'ull',
      match: { apps: ['live'] },
    });
    expect(made.statusCode).toBe(201);
    const id = made.json().id as string;
    expect(id).toMatch(/^[a-z0-9]{8}$/);
    const transcoder = await call('POST', '/v1/catalog/transcoders', admin, {
      id: '1237abcd',
      account: 'globex',
      name: 'Pull',
      transcoder_type: 'passthrough',
      billing_mode: 'twentyfour_seven',
    });
    expect(transcoder.json()).toEqual({
      kind: 'transcoder',
      id: '1237abcd',
      account: 'globex',
      name: 'Pull',
      archived: false,
      transcoder_type: 'passthrough',
      billing_mode: 'twentyfour_seven',
    });

    expect((await call('GET', '/v1/catalog', admin)).json().entries).toHaveLength(2);
    // A scoped key sees its own account only, whatever it asks for.
    const mine = (await call('GET', '/v1/catalog?account=globex', scoped)).json().entries;
    expect(mine.map((e: { id: string }) => e.id)).toEqual([id]);

    const gone = await call('DELETE', `/v1/catalog/stream_targets/${id}`, admin);
    expect(gone.json()).toMatchObject({ id, archived: true, deleted: true, type: 'ull' });
    expect((await call('DELETE', '/v1/catalog/stream_targets/zzzzzzzz', admin)).statusCode).toBe(404);
  });

  test('bad input is a 400 naming the field; scoped keys cannot write; another account keeps its id', async () => {
    const bad = await call('POST', '/v1/catalog/stream_targets', admin, { id: 'NOT-OK', account: 'acme' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('id');
    const mode = await call('POST', '/v1/catalog/transcoders', admin, {
      account: 'acme',
      billing_mode: 'free',
    });
    expect(mode.statusCode).toBe(400);
    expect((await call('POST', '/v1/catalog/stream_targets', scoped, { account: 'acme' })).statusCode).toBe(
      403,
    );
    expect((await call('POST', '/v1/catalog/stream_targets', admin, { account: 'nobody' })).statusCode).toBe(
      404,
    );
    await call('POST', '/v1/catalog/vod_streams', admin, { id: 'vodaaaa1', account: 'acme' });
    const taken = await call('POST', '/v1/catalog/vod_streams', admin, { id: 'vodaaaa1', account: 'globex' });
    expect(taken.statusCode).toBe(409);
  });
});
