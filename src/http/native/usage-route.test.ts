import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issueKey } from '../../auth/keys.js';
import { DuckDbStore } from '../../store/duckdb/duckdb-store.js';
import type { Store } from '../../store/store.js';
import { rollupRow } from '../../test-support/rollup-row.js';
import { sourceState } from '../../test-support/source-state.js';
import { createApp } from '../app.js';

let store: Store;
let app: FastifyInstance;
let key: string;

// 5,000 videos, video i delivering i + 1 bytes on 2 July 2024: more rows than a page or a batch.
const N = 5000;
const INJECTION = '=HYPERLINK("http://evil.example")';
const names = Array.from({ length: N }, (_, i) =>
  i === 7 ? INJECTION : `v${String(i).padStart(4, '0')}.mp4`,
);

beforeAll(async () => {
  store = await DuckDbStore.open(':memory:');
  await store.registry.putAccount({ id: 'acme', name: 'Acme', timezone: 'UTC', parent: null });
  await store.usage.commitImport({
    from: 0,
    source: sourceState('s1'),
    rollups: names.map((resource, i) =>
      rollupRow({ account: 'acme', bucket: Date.parse('2024-07-02T10:00:00Z'), resource, bytesOut: i + 1 }),
    ),
  });
  const issued = issueKey('native', 'acme');
  await store.registry.putKey(issued.stored);
  key = issued.secret;
  app = await createApp({ store });
});
afterAll(async () => {
  await app.close();
  await store.close();
});

const QUERY = 'from=2024-07-01&to=2024-08-01&group_by=resource&metrics=requests,bytes_out';

function get(query: string, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'GET',
    url: `/v1/usage?${query}`,
    headers: { authorization: `Bearer ${key}`, ...headers },
  });
}

/** Every row through the JSON pages, following next_cursor. */
async function allJsonRows(): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const body: { rows: Record<string, unknown>[]; next_cursor: string | null } = (
      await get(`${QUERY}&limit=1000${cursor ? `&cursor=${cursor}` : ''}`)
    ).json();
    rows.push(...body.rows);
    cursor = body.next_cursor;
  } while (cursor);
  return rows;
}

describe('GET /v1/usage as CSV', () => {
  test('format=csv and Accept: text/csv stream every row, the same rows as the JSON pages', async () => {
    const byParam = await get(`${QUERY}&format=csv`);
    expect(byParam.statusCode).toBe(200);
    expect(byParam.headers['content-type']).toBe('text/csv; charset=utf-8');
    const byAccept = await get(QUERY, { accept: 'text/csv' });
    expect(byAccept.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(byAccept.body).toBe(byParam.body);

    const lines = byParam.body.split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toBe('window_start,window_end,resource,requests,bytes_out');
    expect(lines).toHaveLength(N + 1);
    const total = lines.slice(1).reduce((sum, l) => sum + Number(l.split(',').at(-1)), 0);
    expect(total).toBe((N * (N + 1)) / 2);

    const json = await allJsonRows();
    expect(json).toHaveLength(N);
    const asCsv = json.map((r) =>
      [r.window_start, r.window_end, r.resource, r.requests, r.bytes_out]
        .map((v) => (v === INJECTION ? `"'${INJECTION.replaceAll('"', '""')}"` : String(v)))
        .join(','),
    );
    expect(lines.slice(1)).toEqual(asCsv);
  });

  test('a cell that a spreadsheet would run as a formula is written as text', async () => {
    const body = (await get(`${QUERY}&format=csv&resource=${encodeURIComponent(INJECTION)}`)).body;
    expect(body).toBe(
      'window_start,window_end,resource,requests,bytes_out\r\n' +
        `2024-07-01T00:00:00Z,2024-08-01T00:00:00Z,"'=HYPERLINK(""http://evil.example"")",1,8\r\n`,
    );
  });

  test('JSON stays the default; a bad format or a page with CSV is a 400', async () => {
    expect((await get(QUERY)).headers['content-type']).toMatch(/^application\/json/);
    expect((await get(QUERY, { accept: 'application/json, text/csv;q=0.5' })).json().rows).toHaveLength(1000);
    const bad = await get(`${QUERY}&format=xml`);
    expect(bad.statusCode).toBe(400);
    const paged = await get(`${QUERY}&format=csv&limit=10`);
    expect(paged.statusCode).toBe(400);
    expect(paged.json().error.message).toBe('limit: does not apply when every row is read');
  });
});

describe('GET /v1/usage as NDJSON', () => {
  test('the head, then every row, the same rows as the JSON pages, from format=ndjson or Accept', async () => {
    const byParam = await get(`${QUERY}&format=ndjson`);
    expect(byParam.statusCode).toBe(200);
    expect(byParam.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const [head, ...rows] = byParam.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(head).toEqual({
      account: 'acme',
      from: '2024-07-01T00:00:00Z',
      to: '2024-08-01T00:00:00Z',
      tz: 'UTC',
      granularity: 'total',
    });
    expect(rows).toEqual(await allJsonRows());
    // Video i delivered i + 1 bytes: the sum is N(N+1)/2, counted independently of the store.
    expect(rows.reduce((sum, r) => sum + r.bytes_out, 0)).toBe((N * (N + 1)) / 2);
    const byAccept = await get(QUERY, { accept: 'application/x-ndjson' });
    expect(byAccept.body).toBe(byParam.body);
    expect((await get(`${QUERY}&format=ndjson&limit=10`)).statusCode).toBe(400);
  });
});
