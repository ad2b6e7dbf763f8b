import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { issueKey } from '../../auth/keys.js';
import { DuckDbStore } from '../../store/duckdb/duckdb-store.js';
import type { Store } from '../../store/store.js';
import { sample } from '../../test-support/samples.js';
import { useTempDir } from '../../test-support/temp-dir.js';
import { createApp } from '../app.js';

const tmp = useTempDir('tally-follows-');
const logs = join(tmp, 'logs');
const LINES = readFileSync(sample('apache_combined_elastic_examples.log'), 'utf8').split('\n').slice(0, 600);
/** The bytes of the first `n` lines, read off the log lines themselves (status, then size). */
const bytesOf = (n: number) =>
  LINES.slice(0, n).reduce((sum, l) => sum + Number(/ \d{3} (\d+) /.exec(l)?.[1] ?? 0), 0);

let store: Store;
let app: FastifyInstance;
let url: string;
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
  app = await createApp({
    store,
    imports: {
      config: { importDirs: [logs] },
      secret: Buffer.alloc(32, 7),
      rejectsDir: join(tmp, 'rejects'),
      uploadsDir: join(tmp, `uploads-${n++}`),
    },
  });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterEach(async () => {
  await app.close();
  await store.close();
});

function follow(body: object, key = admin, signal?: AbortSignal) {
  return fetch(`${url}/v1/follows`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: signal ?? null,
  });
}

async function linesOf(response: Response): Promise<AsyncIterator<string>> {
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
  return createInterface({ input: body })[Symbol.asyncIterator]();
}

const storedLines = async () => (await store.registry.listSources())[0]?.lines ?? 0;
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
}

describe('POST /v1/follows', () => {
  test('follows a file as it grows until DELETE, then answers the summary', async () => {
    const file = join(logs, 'live.log');
    writeFileSync(file, `${LINES.slice(0, 200).join('\n')}\n`);
    const response = await follow({ paths: [file], account: 'acme' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = await linesOf(response);
    const { follow: id } = JSON.parse((await lines.next()).value);
    expect(id).toMatch(/^fw_/);
    await until(async () => (await storedLines()) === 200);
    appendFileSync(file, `${LINES.slice(200).join('\n')}\n`);
    await until(async () => (await storedLines()) === 600);
    const stop = await fetch(`${url}/v1/follows/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(await stop.json()).toEqual({ stopped: id });
    const messages: Record<string, unknown>[] = [];
    for (let line = await lines.next(); !line.done; line = await lines.next())
      messages.push(JSON.parse(line.value));
    expect(messages.filter((m) => m.pass).length).toBeGreaterThanOrEqual(2);
    expect(messages.at(-1)?.summary).toMatchObject({ lines: 600, records: 600, bytes_out: bytesOf(600) });
    const usage = await fetch(
      `${url}/v1/usage?account=acme&from=2015-05-01&to=2015-06-01&metrics=bytes_out`,
      {
        headers: { authorization: `Bearer ${admin}` },
      },
    );
    expect(((await usage.json()) as { rows: { bytes_out: number }[] }).rows[0]?.bytes_out).toBe(bytesOf(600));
    const again = await fetch(`${url}/v1/follows/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(again.status).toBe(404);
  });

  test('the client going away stops the follow; outside importDirs is a 403; admin only; fields checked', async () => {
    const file = join(logs, 'gone.log');
    writeFileSync(file, `${LINES.slice(0, 100).join('\n')}\n`);
    const abort = new AbortController();
    const response = await follow({ paths: [file] }, admin, abort.signal);
    const { follow: id } = JSON.parse((await (await linesOf(response)).next()).value);
    await until(async () => (await storedLines()) === 100);
    abort.abort();
    // Stopped: nothing is left to DELETE.
    let status = 200;
    await until(async () => {
      status = (
        await fetch(`${url}/v1/follows/${id}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${admin}` },
        })
      ).status;
      return status === 404;
    });
    expect(status).toBe(404);
    expect((await follow({ paths: ['/etc/passwd'] })).status).toBe(403);
    expect((await follow({ paths: [join(logs, 'not-yet.log')] }, acme)).status).toBe(403);
    const typo = await follow({ paths: [file], acount: 'acme' });
    expect(typo.status).toBe(400);
    expect(((await typo.json()) as { error: { message: string } }).error.message).toBe(
      'acount: unknown field',
    );
    expect((await follow({ paths: [file], account: 'nobody' })).status).toBe(404);
  });
});
