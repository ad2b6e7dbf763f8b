import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { issueKey } from '../../auth/keys.js';
import { importFiles } from '../../ingest/import.js';
import { DuckDbStore } from '../../store/duckdb/duckdb-store.js';
import type { Store } from '../../store/store.js';
import { sample } from '../../test-support/samples.js';
import { useTempDir } from '../../test-support/temp-dir.js';
import { createApp } from '../app.js';

const tmp = useTempDir('tally-imports-');
const logs = join(tmp, 'logs');
const outside = join(tmp, 'outside');
const ELASTIC = readFileSync(sample('apache_combined_elastic_examples.log'));
// The sample's totals, as GoAccess counts them (src/ingest/import.test.ts).
const ELASTIC_TOTALS = { files: 1, lines: 10_000, records: 10_000, rejected: 0, bytes_out: 2_747_282_740 };

let store: Store;
let app: FastifyInstance;
let admin: string;
let acme: string;
let n = 0;

beforeEach(async () => {
  store = await DuckDbStore.open(':memory:');
  await store.registry.putAccount({ id: 'default', name: 'd', timezone: 'UTC', parent: null });
  await store.registry.putAccount({ id: 'acme', name: 'Acme', timezone: 'UTC', parent: null });
  const keys = [issueKey('native', null), issueKey('native', 'acme')];
  for (const k of keys) await store.registry.putKey(k.stored);
  [admin, acme] = keys.map((k) => k.secret) as [string, string];
  mkdirSync(logs, { recursive: true });
  mkdirSync(outside, { recursive: true });
  app = await createApp({
    store,
    imports: {
      config: { importDirs: [logs] },
      secret: Buffer.alloc(32, 7),
      rejectsDir: join(tmp, 'rejects'),
      uploadsDir: join(tmp, `uploads-${n++}`),
      maxUploadBytes: 16 * 1024 * 1024,
    },
  });
});
afterEach(async () => {
  await app.close();
  await store.close();
});

function upload(body: Buffer, query = '', key = admin, type = 'text/plain') {
  return app.inject({
    method: 'POST',
    url: `/v1/imports${query}`,
    payload: body,
    headers: { authorization: `Bearer ${key}`, 'content-type': type },
  });
}

function byPath(path: string, key = admin) {
  return app.inject({
    method: 'POST',
    url: '/v1/imports',
    payload: { path },
    headers: { authorization: `Bearer ${key}` },
  });
}

describe('POST /v1/imports', () => {
  test('a file in the body is imported like tally import, once: again by upload or from disk adds nothing', async () => {
    const first = await upload(ELASTIC, '?name=access.log');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject(ELASTIC_TOTALS);
    expect((await upload(ELASTIC)).json()).toMatchObject({ lines: 0, records: 0 });
    const local = await importFiles([sample('apache_combined_elastic_examples.log')], {
      store,
      config: {},
      format: 'auto',
      secret: Buffer.alloc(32, 7),
      rejectsDir: join(tmp, 'rejects'),
    });
    expect(local).toMatchObject({ lines: 0, records: 0 });
    // The upload is not kept once imported.
    expect(readdirSync(join(tmp, 'uploads-0'))).toEqual([]);
  });

  test('a usage answer read before an import is never served after it (answers are cached until a commit)', async () => {
    const day = (key = admin) =>
      app.inject({
        url: '/v1/usage?account=default&from=2015-05-17&to=2015-05-22&metrics=requests,bytes_out',
        headers: { authorization: `Bearer ${key}` },
      });
    const before = await day();
    expect(before.json().rows).toEqual([]);
    expect((await day()).json().rows).toEqual([]);
    const half = ELASTIC.subarray(0, ELASTIC.indexOf('\n', ELASTIC.length / 2) + 1);
    expect((await upload(half)).statusCode).toBe(200);
    const halfLines = half.toString().split('\n').length - 1;
    expect((await day()).json().rows[0]).toMatchObject({ requests: halfLines });
    // The whole file: the same source grown (its head is the half's), so only the rest is added.
    expect((await upload(ELASTIC)).statusCode).toBe(200);
    expect((await day()).json().rows[0]).toMatchObject({
      requests: 10_000,
      bytes_out: ELASTIC_TOTALS.bytes_out,
    });
  });

  test('gzip bodies are told by their bytes; a scoped key imports into its own account only', async () => {
    const r = await upload(gzipSync(ELASTIC), '?format=combined', acme, 'application/gzip');
    expect(r.json()).toMatchObject(ELASTIC_TOTALS);
    const [row] = (
      await app.inject({
        method: 'GET',
        url: '/v1/usage?from=2015-05-01&to=2015-06-01&metrics=bytes_out',
        headers: { authorization: `Bearer ${acme}` },
      })
    ).json().rows;
    expect(row.bytes_out).toBe(ELASTIC_TOTALS.bytes_out);
    expect((await upload(ELASTIC, '?account=default', acme)).statusCode).toBe(403);
  });

  test('a file the format refuses is a 422 and consumes nothing; too large a body is a 413', async () => {
    const wrong = await upload(ELASTIC, '?format=s3');
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error).toMatchObject({ code: 'import-incomplete' });
    expect(wrong.json().error.message).toMatch(/10000 of 10000 lines rejected as s3 .*try --format combined/);
    expect(await store.registry.listSources()).toEqual([]);
    const unknown = await upload(ELASTIC, '?format=apache');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toMatch(/^format: unknown format 'apache'/);
    const big = await upload(
      Buffer.concat(Array.from({ length: 2 }, () => Buffer.alloc(9 * 1024 * 1024, 10))),
    );
    expect(big.statusCode).toBe(413);
    expect(await store.registry.listSources()).toEqual([]);
  });

  test('by path: only under importDirs, links and .. resolved first, admin only', async () => {
    writeFileSync(join(logs, 'access.log'), ELASTIC);
    writeFileSync(join(outside, 'secret.log'), ELASTIC);
    symlinkSync(join(outside, 'secret.log'), join(logs, 'link.log'));
    expect((await byPath(join(logs, 'access.log'), acme)).statusCode).toBe(403);
    for (const outsidePath of [
      join(logs, 'link.log'),
      join(logs, '..', 'outside', 'secret.log'),
      '/etc/passwd',
    ]) {
      const r = await byPath(outsidePath);
      expect(r.statusCode, outsidePath).toBe(403);
      expect(r.json().error.message).toMatch(/not under a directory the config's importDirs names/);
    }
    expect((await byPath(join(logs, 'missing.log'))).statusCode).toBe(400);
    expect((await byPath(join(logs, 'access.log'))).json()).toMatchObject(ELASTIC_TOTALS);
  });

  test('paths: one run for several files; detail adds each outcome and a refusal is then a 200', async () => {
    writeFileSync(join(logs, 'a.log'), ELASTIC);
    writeFileSync(join(logs, 'b.log'), readFileSync(sample('nginx_edgecases_elastic_beats_test.log')));
    const r = await app.inject({
      method: 'POST',
      url: '/v1/imports?detail=true',
      payload: { paths: [join(logs, 'a.log'), join(logs, 'b.log')] },
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ files: 2, lines: 10_007, records: 10_007 });
    expect(body.outcomes.map((o: { path: string; state: string }) => [o.path, o.state])).toEqual([
      [join(logs, 'a.log'), 'new'],
      [join(logs, 'b.log'), 'new'],
    ]);
    const refused = await upload(
      readFileSync(sample('apache_edgecases_elastic_beats_test.log')),
      '?format=s3&detail=true&name=/home/me/edge.log',
    );
    expect(refused.statusCode).toBe(200);
    expect(refused.json().outcomes[0]).toMatchObject({ path: '/home/me/edge.log', state: 'refused' });
    expect(refused.json().outcomes[0].problem).toMatch(/rejected as s3/);
    const unknownField = await app.inject({
      method: 'POST',
      url: '/v1/imports',
      payload: { pth: join(logs, 'a.log') },
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().error.message).toBe('pth: unknown field (path or paths)');
  });

  test("the server's own data-dir token reads any path; an admin key only under importDirs", async () => {
    const token = 'tally_local_test-token';
    const withToken = await createApp({
      store,
      localToken: token,
      imports: {
        config: { importDirs: [logs] },
        secret: Buffer.alloc(32, 7),
        rejectsDir: join(tmp, 'rejects'),
        uploadsDir: join(tmp, 'uploads-local'),
      },
    });
    try {
      writeFileSync(join(outside, 'mine.log'), ELASTIC);
      const post = (key: string) =>
        withToken.inject({
          method: 'POST',
          url: '/v1/imports',
          payload: { path: join(outside, 'mine.log') },
          headers: { authorization: `Bearer ${key}` },
        });
      expect((await post(admin)).statusCode).toBe(403);
      expect((await post(`${token}x`)).statusCode).toBe(401);
      const r = await post(token);
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject(ELASTIC_TOTALS);
      // The token is not a key: no key list shows it.
      const keys = await withToken.inject({
        method: 'GET',
        url: '/v1/keys',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(keys.json().keys).toHaveLength(2);
    } finally {
      await withToken.close();
    }
  });

  test("a source's latest rejects: line numbers and reasons, newest first, never the text; admin only", async () => {
    const good = (i: number) =>
      `192.0.2.${i} - - [01/Oct/2026:10:00:0${i} +0000] "GET /v/${i}.ts HTTP/1.1" 200 ${i}00 "-" "UA"`;
    const body = [good(1), 'not a log line', good(2), good(3), 'another bad one', good(4)].join('\n');
    const imported = await upload(Buffer.from(`${body}\n`), '?format=combined&name=/logs/edge.log');
    expect(imported.json()).toMatchObject({ lines: 6, records: 4, rejected: 2 });
    const [source] = await store.registry.listSources();
    const get = (query: string, key = admin) =>
      app.inject({
        method: 'GET',
        url: `/v1/sources/${source?.id}/rejects${query}`,
        headers: { authorization: `Bearer ${key}` },
      });
    const all = (await get('')).json();
    expect(all).toMatchObject({ source: source?.id, path: '/logs/edge.log', rejected: 2 });
    expect(all.rejects.map((r: { line: number }) => r.line)).toEqual([5, 2]);
    expect(all.rejects[0].reason).not.toBe('');
    expect(JSON.stringify(all)).not.toContain('another bad one');
    expect((await get('?limit=1')).json().rejects.map((r: { line: number }) => r.line)).toEqual([5]);
    expect((await get('?limit=0')).statusCode).toBe(400);
    expect((await get('', acme)).statusCode).toBe(403);
    const missing = await app.inject({
      method: 'GET',
      url: '/v1/sources/src_nope/rejects',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(missing.statusCode).toBe(404);
  });

  test('sources say their format, and a file the server follows its lag: bytes past the checkpoint', async () => {
    const file = join(logs, 'followed.log');
    writeFileSync(file, ELASTIC);
    expect((await byPath(file)).json()).toMatchObject(ELASTIC_TOTALS);
    // Half a line more than was imported: the lag is exactly what the file holds past the checkpoint.
    writeFileSync(file, Buffer.concat([ELASTIC, Buffer.from('192.0.2.1 - - [17/May/2015')]));
    const following = await createApp({ store, followed: [file] });
    try {
      const r = await following.inject({
        method: 'GET',
        url: '/v1/sources',
        headers: { authorization: `Bearer ${admin}` },
      });
      const [source] = r.json().sources;
      expect(source).toMatchObject({ format: 'combined', offset: ELASTIC.length, follow_lag_bytes: 26 });
      const plain = (
        await app.inject({ method: 'GET', url: '/v1/sources', headers: { authorization: `Bearer ${admin}` } })
      ).json();
      expect(plain.sources[0]).not.toHaveProperty('follow_lag_bytes');
    } finally {
      await following.close();
    }
  });
});
