/**
 * End-to-end exactness: generated logs are imported, then every number the query returns is
 * compared with a computation written independently here (a plain regex and Intl for local
 * days), across the Berlin and New York DST changes of 2024.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { validateConfig } from '../config/config.js';
import { DEMO_ACCOUNTS, demoConfig, generateDays } from '../demo/generate-logs.js';
import { importFiles } from '../ingest/import.js';
import { DuckDbStore } from '../store/duckdb/duckdb-store.js';
import type { Store } from '../store/store.js';
import { useTempDir } from '../test-support/temp-dir.js';
import { runUsageQuery } from './run-usage-query.js';

const dir = useTempDir();
let store: Store;
let logText = '';

interface Expected {
  requests: number;
  bytes_out: number;
  view_seconds: number;
  viewers: Set<string>;
}

const LINE =
  /^(\S+) (\S+) - - \[(\d\d)\/(\w{3})\/(\d{4}):(\d\d):(\d\d):(\d\d) \+0000\] "GET (\S+) HTTP\/1\.1" (\d+) (\d+)/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface LogLine {
  host: string;
  ip: string;
  time: number;
  path: string;
  status: string;
  bytes: number;
}

/** The generated log's lines, read with a plain regex (no Tally code). */
function logLines(): LogLine[] {
  const out: LogLine[] = [];
  for (const text of logText.split('\n')) {
    const m = LINE.exec(text);
    if (!m) continue;
    const [, host, ip, dd, mon, yyyy, hh, mi, ss, url, status, bytes] = m as unknown as string[];
    const time = Date.UTC(
      Number(yyyy),
      MONTHS.indexOf(mon as string),
      Number(dd),
      Number(hh),
      Number(mi),
      Number(ss),
    );
    out.push({
      host: host as string,
      ip: ip as string,
      time,
      path: (url as string).split('?')[0] as string,
      status: status as string,
      bytes: Number(bytes),
    });
  }
  return out;
}

/** Expected usage per (local day, kind) for one account, computed without any Tally code. */
function reference(accountHost: string, timeZone: string): Map<string, Expected> {
  const day = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const out = new Map<string, Expected>();
  for (const { host, ip, time, path, status, bytes } of logLines()) {
    if (host !== accountHost) continue;
    const kind = path.startsWith('/live/') ? 'live' : 'vod';
    const key = `${day.format(time)} ${kind}`;
    const e = out.get(key) ?? { requests: 0, bytes_out: 0, view_seconds: 0, viewers: new Set<string>() };
    e.requests += 1;
    e.bytes_out += bytes;
    if (status === '200' && path.endsWith('.ts')) e.view_seconds += 6;
    e.viewers.add(ip);
    out.set(key, e);
  }
  return out;
}

beforeAll(async () => {
  const path = join(dir, 'access.log');
  for (const { text } of generateDays({
    start: Date.parse('2024-10-26T00:00:00Z'),
    days: 10,
    sessionsPerDay: 40,
    seed: 7,
  }))
    logText += text;
  writeFileSync(path, logText);
  store = await DuckDbStore.open(':memory:');
  const config = validateConfig(demoConfig(), 'demo');
  for (const a of config.accounts ?? [])
    await store.registry.putAccount({
      id: a.id,
      name: a.id,
      timezone: a.timezone ?? 'UTC',
      parent: null,
      match: a.match,
    });
  const summary = await importFiles([path], {
    store,
    config,
    format: 'combined',
    secret: Buffer.alloc(32, 1),
    rejectsDir: join(dir, 'rejects'),
  });
  expect(summary.rejected).toBe(0);
});
afterAll(async () => {
  await store.close();
});

describe.each(DEMO_ACCOUNTS.map((a) => [a.id, a.host, a.timezone] as const))(
  'account %s',
  (account, host, timeZone) => {
    test('daily usage by kind in the account time zone equals the independent computation', async () => {
      const { body } = await runUsageQuery(store, {
        account,
        from: '2024-10-26',
        to: '2024-11-05',
        granularity: 'day',
        group_by: 'kind',
        metrics: 'requests,bytes_out,view_seconds,unique_viewers',
      });
      expect(body.tz).toBe(timeZone);
      const expected = reference(host, timeZone);
      const got = new Map(body.rows.map((r) => [`${String(r.window_start).slice(0, 10)} ${r.kind}`, r]));
      // Days before 26 Oct local time fall outside the query; the reference sees the whole file.
      const inWindow = [...expected.keys()].filter((k) => k >= '2024-10-26' && k < '2024-11-05');
      expect([...got.keys()].sort()).toEqual(inWindow.sort());
      for (const key of inWindow) {
        const e = expected.get(key) as Expected;
        expect(got.get(key), key).toMatchObject({
          requests: e.requests,
          bytes_out: e.bytes_out,
          view_seconds: e.view_seconds,
          unique_viewers: e.viewers.size,
        });
      }
    });

    test('unique viewers over the whole window are distinct, not summed per day', async () => {
      const { body } = await runUsageQuery(store, {
        account,
        from: '2024-10-27',
        to: '2024-11-04',
        metrics: 'unique_viewers,requests',
      });
      const day = new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      });
      const viewers = new Set<string>();
      let sumOfDaily = 0;
      const daily = new Map<string, Set<string>>();
      for (const line of logLines()) {
        if (line.host !== host) continue;
        const d = day.format(line.time);
        if (d < '2024-10-27' || d >= '2024-11-04') continue;
        viewers.add(line.ip);
        daily.set(d, (daily.get(d) ?? new Set()).add(line.ip));
      }
      for (const s of daily.values()) sumOfDaily += s.size;
      expect(body.rows[0]?.unique_viewers).toBe(viewers.size);
      expect(sumOfDaily).toBeGreaterThan(viewers.size); // the test would catch a per-day sum
    });
  },
);

describe('pagination and formats', () => {
  test('walking pages gives exactly the unpaginated rows', async () => {
    const params = {
      account: 'acme',
      from: '2024-10-26',
      to: '2024-11-05',
      granularity: 'day',
      group_by: 'resource',
      metrics: 'bytes_out,unique_viewers',
    };
    const all = (await runUsageQuery(store, params)).body;
    expect(all.next_cursor).toBeNull();
    const walked: unknown[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = (await runUsageQuery(store, { ...params, limit: '7', ...(cursor ? { cursor } : {}) }))
        .body;
      walked.push(...page.rows);
      cursor = page.next_cursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(Math.ceil(all.rows.length / 7));
    expect(walked).toEqual(all.rows);
  });

  test('order_by sorts by a metric, descending', async () => {
    const { body } = await runUsageQuery(store, {
      account: 'acme',
      from: '2024-10-26',
      to: '2024-11-05',
      group_by: 'resource',
      metrics: 'bytes_out',
      order_by: '-bytes_out',
    });
    const bytes = body.rows.map((r) => Number(r.bytes_out));
    expect(bytes).toEqual([...bytes].sort((a, b) => b - a));
    expect(body.rows.length).toBeGreaterThan(3);
  });

  test('an unknown account is a 404 naming the parameter', async () => {
    await expect(
      runUsageQuery(store, { account: 'nobody', from: '2024-10-26', to: '2024-10-27' }),
    ).rejects.toMatchObject({ status: 404, param: 'account' });
  });

  test('window labels carry the local offset across the DST change', async () => {
    const { body } = await runUsageQuery(store, {
      account: 'acme',
      from: '2024-10-27',
      to: '2024-10-29',
      granularity: 'day',
      metrics: 'requests',
    });
    expect(body.rows.map((r) => [r.window_start, r.window_end])).toEqual([
      ['2024-10-27T00:00:00+02:00', '2024-10-28T00:00:00+01:00'],
      ['2024-10-28T00:00:00+01:00', '2024-10-29T00:00:00+01:00'],
    ]);
    expect(body.from).toBe('2024-10-27T00:00:00+02:00');
  });
});
