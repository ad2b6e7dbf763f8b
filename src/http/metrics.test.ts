import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issueKey } from '../auth/keys.js';
import { DuckDbStore } from '../store/duckdb/duckdb-store.js';
import type { Store } from '../store/store.js';
import { useTempDir } from '../test-support/temp-dir.js';
import { createApp } from './app.js';

const tmp = useTempDir('tally-metrics-');
let store: Store;
let app: FastifyInstance;
let admin: string;
let text = '';

const LINE = '10.0.0.1 - - [01/Jul/2024:10:00:00 +0000] "GET /vod/a.mp4 HTTP/1.1" 200 1234 "-" "UA"\n';

beforeAll(async () => {
  store = await DuckDbStore.open(':memory:');
  await store.registry.putAccount({ id: 'acme', name: 'Acme', timezone: 'UTC', parent: null });
  const key = issueKey('native', null);
  await store.registry.putKey(key.stored);
  admin = key.secret;
  const zendrive = issueKey('zendrive', 'acme');
  await store.registry.putKey(zendrive.stored);
  app = await createApp({
    store,
    compat: {
      transport: { insecureHttp: true, trustedProxies: [] },
      rateLimits: { zendrive: { capacity: 1, windowSeconds: 60 } },
    },
    imports: {
      config: {},
      secret: Buffer.alloc(32, 1),
      rejectsDir: join(tmp, 'rejects'),
      uploadsDir: join(tmp, 'uploads'),
    },
  });
  const auth = { authorization: `Bearer ${admin}` };
  await app.inject({
    method: 'GET',
    url: '/v1/usage?account=acme&from=2024-07-01&to=2024-07-02',
    headers: auth,
  });
  await app.inject({
    method: 'GET',
    url: '/v1/usage?account=acme&from=2024-07-01&to=2024-07-02',
    headers: auth,
  });
  await app.inject({ method: 'GET', url: '/nowhere' });
  for (let i = 0; i < 2; i++)
    await app.inject({
      method: 'POST',
      url: '/zendrive-api/cdn-stats/',
      payload: { access_key: zendrive.stored.id, secret_key: zendrive.secret },
    });
  await app.inject({
    method: 'POST',
    url: '/v1/imports?format=combined&account=acme',
    payload: `${LINE}${LINE}not a line\n`,
    headers: { ...auth, 'content-type': 'text/plain' },
  });
  const time = new Date(Date.now() - 3_600_000).toISOString();
  await app.inject({
    method: 'POST',
    url: '/v1/events',
    payload: [
      { kind: 'delivery', account: 'acme', id: 'e1', time, bytesOut: 5 },
      { kind: 'delivery', account: 'acme', id: 'e1', time, bytesOut: 5 },
      { kind: 'delivery', account: 'nobody', time, bytesOut: 5 },
    ],
    headers: auth,
  });
  const scraped = await app.inject({ method: 'GET', url: '/metrics' });
  expect(scraped.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  text = scraped.body;
});
afterAll(async () => {
  await app.close();
  await store.close();
});

/** The value of the sample `name{labels}` in the scraped text. */
function sample(series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  test('requests by route template and status, with latency', () => {
    expect(sample('tally_http_requests_total{route="/v1/usage",method="GET",status="200"}')).toBe(2);
    expect(sample('tally_http_requests_total{route="unmatched",method="GET",status="404"}')).toBe(1);
    expect(sample('tally_http_request_duration_seconds_count{route="/v1/usage",method="GET"}')).toBe(2);
  });

  test('rate-limit refusals by API, imports by format, events by outcome', () => {
    expect(sample('tally_rate_limit_refusals_total{api="zendrive"}')).toBe(1);
    expect(sample('tally_import_lines_total{format="combined"}')).toBe(3);
    expect(sample('tally_import_records_total{format="combined"}')).toBe(2);
    expect(sample('tally_import_rejected_total{format="combined"}')).toBe(1);
    expect(sample('tally_import_bytes_out_total{format="combined"}')).toBe(2468);
    expect(sample('tally_events_total{outcome="accepted"}')).toBe(1);
    expect(sample('tally_events_total{outcome="duplicate"}')).toBe(1);
    expect(sample('tally_events_total{outcome="refused"}')).toBe(1);
    expect(sample('tally_last_commit_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 600);
  });

  test('holds no key, secret or account id, and passes promtool check metrics', () => {
    expect(text).not.toContain(admin);
    expect(text).not.toContain('acme');
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(
      check.error,
      'promtool (Debian package prometheus) is needed: .ci/run installs it',
    ).toBeUndefined();
    expect(`${check.stdout}${check.stderr}`).toBe('');
    expect(check.status).toBe(0);
  });
});
