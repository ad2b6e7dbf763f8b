/**
 * End-to-end for the compatible APIs against one running `tally serve`:
 * - seed 000's PHP example (php-cli + php-curl, multipart form post) against `/api`;
 * - the same imported data and window read through `GET /v1/usage`, ScaleEngine `usage.all` and
 *   ZenDRIVE `cdn-stats`: identical byte and request totals.
 */
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { phpJsonEncode } from '../auth/php-json.js';
import { startTallyServer, type TallyServer } from '../test-support/tally-server.js';
import { useTempDir } from '../test-support/temp-dir.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin/tally.js');
const PHP_EXAMPLE = join(ROOT, 'src/http/compat/scaleengine/fixtures/usage-all.php');
const tmp = useTempDir('tally-compat-');
const data = join(tmp, 'data');
let server: TallyServer | undefined;
let url = '';
let admin = '';
let se = { key: '', secret: '' };
let zd = { key: '', secret: '' };
let cdn = 0;

function tally(...args: string[]): string {
  return execFileSync(process.execPath, [BIN, ...args, '--data', data], { encoding: 'utf8' });
}

beforeAll(async () => {
  // 19 July 2024 in Berlin; one line falls on the 18th in UTC (23:30 UTC is the 19th, 01:30 in Berlin).
  const log = join(tmp, 'access.log');
  writeFileSync(
    log,
    [
      '203.0.113.5 - - [18/Jul/2024:23:30:00 +0000] "GET /demo-origin/sestore/jb/my_video.mp4 HTTP/1.1" 200 5106077 "-" "UA"',
      '203.0.113.6 - - [19/Jul/2024:11:00:00 +0000] "GET /demo-origin/sestore/jb/other.mp4 HTTP/1.1" 206 2875558 "-" "UA"',
      '203.0.113.6 - - [19/Jul/2024:12:00:00 +0000] "GET /demo-origin/sestore/jb/other.mp4 HTTP/1.1" 404 120 "-" "UA"',
      '',
    ].join('\n'),
  );
  tally('accounts', 'add', 'acme', '--timezone', 'Europe/Berlin');
  tally('import', '--account', 'acme', log);
  cdn = JSON.parse(tally('accounts', 'list', '--json')).accounts.find(
    (a: { id: string }) => a.id === 'acme',
  ).number;
  se = JSON.parse(tally('keys', 'create', '--account', 'acme', '--scheme', 'scaleengine', '--json'));
  zd = JSON.parse(tally('keys', 'create', '--account', 'acme', '--scheme', 'zendrive', '--json'));
  server = await startTallyServer(['--insecure-http', '--data', data]);
  ({ url, adminKey: admin } = server);
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('compatible APIs against tally serve', () => {
  test("seed 000's PHP example (php-cli, php-curl) gets the video's usage", () => {
    const out = execFileSync('php', [PHP_EXAMPLE], {
      encoding: 'utf8',
      env: {
        ...process.env,
        SE_URL: `${url}/api`,
        SE_API_KEY: se.key,
        SE_SECRET: se.secret,
        SE_CDN: String(cdn),
        SE_VIDEO_URL: 'sestore/jb/my_video.mp4',
      },
    });
    const body = JSON.parse(out);
    expect(body).toMatchObject({
      status: 'success',
      count: 1,
      usage: [{ video_url: 'sestore/jb/my_video.mp4', bytes_total: '5106077', requests_total: '0' }],
    });
  });

  test('the same window through /v1/usage, usage.all and cdn-stats: identical byte and request totals', async () => {
    // The whole of July 2024 (UTC for the native and ZenDRIVE queries; ScaleEngine asks for the
    // month in the account's zone, and every line is well inside July either way).
    // JSON bodies, read field by field below.
    // biome-ignore lint/suspicious/noExplicitAny: a parsed JSON answer, navigated freely by the assertions
    type Json = any;
    const native: Json = await (
      await fetch(
        `${url}/v1/usage?account=acme&from=2024-07-01T00:00:00Z&to=2024-08-01T00:00:00Z&metrics=requests,bytes_out,commands`,
        {
          headers: { authorization: `Bearer ${admin}` },
        },
      )
    ).json();
    const request = {
      command: 'usage.all',
      api_key: se.key,
      timestamp: Math.floor(Date.now() / 1000),
      cdn,
      year: 2024,
      month: 7,
    };
    const signature = createHmac('sha256', se.secret).update(phpJsonEncode(request)).digest('base64');
    const usageAll: Json = await (
      await fetch(`${url}/api`, {
        method: 'POST',
        body: new URLSearchParams({ json: phpJsonEncode({ ...request, signature }) }),
      })
    ).json();
    const cdnStats: Json = await (
      await fetch(`${url}/zendrive-api/cdn-stats/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          access_key: zd.key,
          secret_key: zd.secret,
          from: '2024-07-01',
          to: '2024-07-31',
        }),
      })
    ).json();

    const [row] = native.rows;
    const expected = 5_106_077 + 2_875_558 + 120;
    expect(row.bytes_out).toBe(expected);
    expect(row.requests).toBe(3);
    const seBytes = usageAll.usage.reduce(
      (sum: number, u: { bytes_total: string }) => sum + Number(u.bytes_total),
      0,
    );
    const seCommands = usageAll.usage.reduce(
      (sum: number, u: { requests_total: string }) => sum + Number(u.requests_total),
      0,
    );
    expect(seBytes).toBe(expected);
    // usage.all's requests_total counts player commands (none in an HTTP log), as the native `commands`.
    expect(seCommands).toBe(row.commands);
    expect(cdnStats.summary.bytes_sent).toBe(expected);
    expect(cdnStats.summary.total_requests).toBe(row.requests);
  });
});
