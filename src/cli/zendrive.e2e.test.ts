/**
 * End-to-end: seed 004's own curl + jq examples, verbatim apart from the URL and the keys, against
 * a running `tally serve` (plain HTTP allowed with --insecure-http, as for local use).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TALLY_BIN as BIN, startTallyServer, type TallyServer } from '../test-support/tally-server.js';
import { useTempDir } from '../test-support/temp-dir.js';

const tmp = useTempDir('tally-zendrive-');
const data = join(tmp, 'data');
let server: TallyServer | undefined;
let url = '';
let access = '';
let secret = '';

function tally(...args: string[]): string {
  return execFileSync(process.execPath, [BIN, ...args, '--data', data], { encoding: 'utf8' });
}

/** An S3 access log line for `bucket` at `time` with `bytes` sent. */
function s3Line(time: Date, bytes: number, status = 200): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  const clf = `${p(time.getUTCDate())}/${months[time.getUTCMonth()]}/${time.getUTCFullYear()}:${p(time.getUTCHours())}:${p(time.getUTCMinutes())}:${p(time.getUTCSeconds())} +0000`;
  return `79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be acme-media [${clf}] 192.0.2.${bytes % 200} - 3E57427F3EXAMPLE REST.GET.OBJECT videos/film.mp4 "GET /acme-media/videos/film.mp4 HTTP/1.1" ${status} - ${bytes} ${bytes} 70 10 "-" "curl/8.0" -`;
}

/** Runs a shell command line from the seed (bash, as its examples are written). */
function shell(command: string): string {
  const r = spawnSync('bash', ['-c', command], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${command}\nexited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  // Two days of traffic inside the default window (the last 30 days): 2.5 GB, then 1 GB and a 404.
  const day1 = new Date(Date.now() - 3 * 86_400_000);
  const day2 = new Date(Date.now() - 2 * 86_400_000);
  const log = join(tmp, 's3.log');
  writeFileSync(
    log,
    `${[s3Line(day1, 1_500_000_000), s3Line(day1, 1_000_000_000), s3Line(day2, 1_000_000_000), s3Line(day2, 300, 404)].join('\n')}\n`,
  );
  tally('accounts', 'add', 'acme');
  tally('import', '--account', 'acme', '--format', 's3', log);
  const key = JSON.parse(tally('keys', 'create', '--account', 'acme', '--scheme', 'zendrive', '--json'));
  [access, secret] = [key.key, key.secret];
  server = await startTallyServer(['--insecure-http', '--data', data]);
  url = server.url;
  expect(server.output()).toMatch(/--insecure-http: APIs that require HTTPS accept plain HTTP/);
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

/** A seed example with only the endpoint and the keys replaced. */
const seed = (text: string) =>
  text
    .replaceAll(
      'https://dashboard.clearstreamer.com/zendrive-api/cdn-stats/',
      `${url}/zendrive-api/cdn-stats/`,
    )
    .replaceAll('YOUR_ACCESS_KEY', access)
    .replaceAll('YOUR_SECRET_KEY', secret);

describe("seed 004's examples against tally serve", () => {
  test('send just your keys and you get the last 30 days', () => {
    const body = JSON.parse(
      shell(
        seed(`curl -X POST https://dashboard.clearstreamer.com/zendrive-api/cdn-stats/ \\
  -H "Content-Type: application/json" \\
  -d '{
    "access_key": "YOUR_ACCESS_KEY",
    "secret_key": "YOUR_SECRET_KEY"
  }'`),
      ),
    );
    expect(body.status).toBe('ok');
    expect(body.summary).toEqual({
      total_requests: 4,
      successful_requests: 3,
      client_errors: 1,
      auth_failures: 0,
      bytes_sent: 3_500_000_300,
      bytes_received: 0,
      unique_ips: 2,
      success_rate: 75,
    });
    expect(body.daily).toHaveLength(2);
  });

  test('from / to as YYYY-MM-DD: a window without traffic is an empty list and zeroed totals', () => {
    const body = JSON.parse(
      shell(
        seed(`curl -X POST https://dashboard.clearstreamer.com/zendrive-api/cdn-stats/ \\
  -H "Content-Type: application/json" \\
  -d '{
    "access_key": "YOUR_ACCESS_KEY",
    "secret_key": "YOUR_SECRET_KEY",
    "from": "2026-05-01",
    "to": "2026-05-31"
  }'`),
      ),
    );
    expect(body).toMatchObject({ status: 'ok', from: '2026-05-01', to: '2026-05-31', daily: [] });
    expect(body.summary.total_requests).toBe(0);
  });

  test('the jq examples', () => {
    const pretty = shell(
      seed(`curl -s -X POST https://dashboard.clearstreamer.com/zendrive-api/cdn-stats/ \\
  -H "Content-Type: application/json" \\
  -d '{"access_key":"YOUR_ACCESS_KEY","secret_key":"YOUR_SECRET_KEY"}' | jq`),
    );
    expect(JSON.parse(pretty).status).toBe('ok');
    const summary = shell(
      seed(`curl -s -X POST https://dashboard.clearstreamer.com/zendrive-api/cdn-stats/ \\
  -H "Content-Type: application/json" \\
  -d '{"access_key":"YOUR_ACCESS_KEY","secret_key":"YOUR_SECRET_KEY"}' | jq '.summary'`),
    );
    expect(JSON.parse(summary).bytes_sent).toBe(3_500_000_300);
    const perDay = shell(
      seed(`curl -s -X POST https://dashboard.clearstreamer.com/zendrive-api/cdn-stats/ \\
  -H "Content-Type: application/json" \\
  -d '{"access_key":"YOUR_ACCESS_KEY","secret_key":"YOUR_SECRET_KEY"}' \\
  | jq -r '.daily[] | "\\(.date)  \\(.bytes_sent / 1e9 | floor) GB"'`),
    );
    const d1 = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    const d2 = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    expect(perDay).toBe(`${d1}  2 GB\n${d2}  1 GB\n`);
  });

  test("wrong secret and GET get the seed's answers", () => {
    const wrong = shell(
      `curl -s -o /dev/null -w '%{http_code}' -X POST ${url}/zendrive-api/cdn-stats/ -H "Content-Type: application/json" -d '{"access_key":"${access}","secret_key":"nope"}'`,
    );
    expect(wrong).toBe('401');
    const get = shell(`curl -s ${url}/zendrive-api/cdn-stats/`);
    expect(JSON.parse(get)).toEqual({ status: 'error', message: 'POST is required' });
  });
});
