/**
 * End-to-end: the catalog from the config file, a combined log attributed to stream targets by
 * their `match`, `tally billing snapshot`, and the curl commands of docs/api/wowza.md and
 * docs/api/ooyala.md (keys from `tally keys create`, HMAC headers and signed URLs from
 * `tally sign`) against a running `tally serve`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TALLY_BIN as BIN, startTallyServer, type TallyServer } from '../test-support/tally-server.js';
import { useTempDir } from '../test-support/temp-dir.js';

const tmp = useTempDir('tally-wowza-');
const data = join(tmp, 'data');
let server: TallyServer | undefined;
let env: NodeJS.ProcessEnv = {};

function tally(...args: string[]): string {
  return execFileSync(process.execPath, [BIN, ...args, '--data', data], { encoding: 'utf8' });
}

function shell(command: string): string {
  const r = spawnSync('bash', ['-c', command], { encoding: 'utf8', timeout: 30_000, env });
  if (r.status !== 0) throw new Error(`${command}\nexited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

// Yesterday, so the default Wowza range (last billing date .. end of today) may not hold it: the
// examples give from/to explicitly.
const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const line = (path: string, bytes: number, client: string) =>
  `${client} - - [${day.slice(8, 10)}/${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][Number(day.slice(5, 7)) - 1]}/${day.slice(0, 4)}:10:00:00 +0000] "GET ${path} HTTP/1.1" 200 ${bytes} "-" "player"`;

beforeAll(async () => {
  writeFileSync(
    join(tmp, 'tally.json'),
    JSON.stringify({
      accounts: [{ id: 'acme', timezone: 'Asia/Kolkata', match: { apps: ['live', 'vod'] } }],
      pathRules: [{ pattern: '/{app}/{resource}/*', kind: 'live' }],
      catalog: {
        streamTargets: [
          {
            id: 'nlyjxjbc',
            account: 'acme',
            name: 'News',
            type: 'fastly',
            match: { apps: ['live'], resources: ['news*'] },
          },
          {
            id: 'ull00001',
            account: 'acme',
            name: 'Sports ULL',
            type: 'ull',
            match: { resources: ['sports'] },
          },
        ],
      },
    }),
  );
  const log = join(tmp, 'access.log');
  writeFileSync(
    log,
    `${[
      line('/live/news1/seg1.ts', 1000, '192.0.2.1'),
      line('/live/news2/seg1.ts', 2000, '192.0.2.2'),
      line('/live/sports/seg1.ts', 500, '192.0.2.3'),
      line('/live/weather/seg1.ts', 7, '192.0.2.4'),
    ].join('\n')}\n`,
  );
  const config = ['--config', join(tmp, 'tally.json')];
  tally('import', ...config, log);
  const snapshot = JSON.parse(tally('billing', 'snapshot', '--json', ...config));
  expect(snapshot.changed_rows).toBeGreaterThan(0);
  const wowza = JSON.parse(
    tally('keys', 'create', '--account', 'acme', '--scheme', 'wowza', '--json', ...config),
  );
  const ooyala = JSON.parse(
    tally('keys', 'create', '--account', 'acme', '--scheme', 'ooyala', '--json', ...config),
  );
  server = await startTallyServer(['--data', data, ...config]);
  env = {
    ...process.env,
    WSC_HOST: server.url,
    WSC_VERSION: 'v1.6',
    WSC_API_KEY: wowza.key,
    WSC_ACCESS_KEY: wowza.secret,
    OOYALA_API_KEY: ooyala.key,
    OOYALA_SECRET: ooyala.secret,
    TALLY: `${process.execPath} ${BIN}`,
    DAY: day,
  };
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('docs/api/wowza.md examples', () => {
  test('API key + access key headers, as seed 001 sends them', () => {
    const body = JSON.parse(
      shell(`curl -s -G -H "wsc-api-key: \${WSC_API_KEY}" -H "wsc-access-key: \${WSC_ACCESS_KEY}" \\
  --data-urlencode "from=\${DAY} 00:00:00" --data-urlencode "to=\${DAY} 23:00:00" \\
  "\${WSC_HOST}/api/\${WSC_VERSION}/usage/stream_targets"`),
    );
    expect(body.stream_targets.map((t: { id: string; bytes: number }) => [t.id, t.bytes])).toEqual([
      ['nlyjxjbc', 3000],
      ['ull00001', 500],
    ]);
  });

  test('HMAC headers from tally sign; ULL network usage with bytes billed by the snapshot', () => {
    const body = JSON.parse(
      shell(`curl -s -G $($TALLY sign wowza --api-key "\${WSC_API_KEY}" --access-key "\${WSC_ACCESS_KEY}" \\
    "\${WSC_HOST}/api/\${WSC_VERSION}/usage/network/stream_targets") \\
  --data-urlencode "from=\${DAY} 00:00:00" --data-urlencode "to=\${DAY} 23:00:00" \\
  "\${WSC_HOST}/api/\${WSC_VERSION}/usage/network/stream_targets"`),
    );
    // The sports segments are HLS (by their .ts extension); yesterday was billed by the snapshot.
    const hls = { zones: { global: { bytes_used: 500, bytes_billed: 500 } } };
    expect(body.total).toEqual({
      bytes_used: 500,
      bytes_billed: 500,
      protocols: { ull: { zones: {} }, hls },
    });
    expect(body.stream_targets).toEqual([
      {
        id: 'ull00001',
        name: 'Sports ULL',
        deleted: false,
        bytes_used: 500,
        bytes_billed: 500,
        protocols: { ull: { zones: {} }, hls },
      },
    ]);
  });
});

describe('docs/api/ooyala.md examples', () => {
  test('a signed URL from tally sign', () => {
    const body = JSON.parse(
      shell(`curl -s "$($TALLY sign ooyala --api-key "$OOYALA_API_KEY" --secret "$OOYALA_SECRET" \\
  "\${WSC_HOST}/v3/billing/usage/report/provider/acme/metric/live_bytes_delivered?startDate=\${DAY}&endDate=\${DAY}")"`),
    );
    expect(body.total).toBe(3507);
    expect(body.rollups).toEqual([['acme', day, 3507]]);
  });
});
