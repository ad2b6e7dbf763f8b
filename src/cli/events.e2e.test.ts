/** End-to-end: usage events sent to a running `tally serve` over real HTTP, then read back by `tally report`. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { useTempDir } from '../test-support/temp-dir.js';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/tally.js');
const data = join(useTempDir('tally-events-'), 'data');

function serve(): { child: ChildProcess; ready: Promise<{ url: string; key: string }> } {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', data], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<{ url: string; key: string }>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start: ${out}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const u = /tally serving (\S+)/.exec(out);
      const k = /admin key \(shown once, keep it safe\): (\S+)/.exec(out);
      if (u && k) {
        clearTimeout(timer);
        done({ url: u[1] as string, key: k[1] as string });
      }
    });
  });
  return { child, ready };
}

describe('events end to end', () => {
  test('gzip NDJSON events are committed before the answer and read back by tally report', async () => {
    const server = serve();
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);
    try {
      const { url, key } = await server.ready;
      const events = [
        {
          kind: 'delivery',
          account: 'default',
          id: 'd1',
          time: hour.toISOString(),
          app: 'vod',
          resource: 'film',
          bytesOut: 4096,
          viewer: 'v1',
        },
        { kind: 'storage', account: 'default', time: hour.toISOString(), bytes: 123456789 },
        {
          kind: 'transcoder',
          account: 'default',
          id: 't1',
          transcoder_id: 'tr',
          transcoder_type: 'passthrough',
          billing_mode: 'twentyfour_seven',
          start: hour.toISOString(),
          end: new Date(hour.getTime() + 1_800_000).toISOString(),
          egress_bytes: 10,
        },
      ];
      const body = gzipSync(events.map((e) => JSON.stringify(e)).join('\n'));
      const send = () =>
        fetch(`${url}/v1/events`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${key}`,
            'content-type': 'application/x-ndjson',
            'content-encoding': 'gzip',
          },
          body,
        });
      const first = await send();
      expect(first.status).toBe(200);
      expect(await first.json()).toEqual({ accepted: 3, duplicates: 0, rejected: 0, errors: [] });
      // Sent again (a client retrying after a timeout): ids make the repeats no-ops.
      expect(await (await send()).json()).toMatchObject({ accepted: 1, duplicates: 2 });
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((done) => server.child.once('exit', done));
    }
    const day = hour.toISOString().slice(0, 10);
    const next = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
    const r = spawnSync(
      process.execPath,
      [
        BIN,
        'report',
        '--data',
        data,
        '--account',
        'default',
        '--from',
        day,
        '--to',
        next,
        '--tz',
        'UTC',
        '--metrics',
        'bytes_out,storage_peak_bytes,transcode_seconds,transcode_egress_bytes',
        '--format',
        'json',
      ],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    // The storage event has no id: sent twice, it is two samples of the same size, and the peak is unchanged.
    expect(JSON.parse(r.stdout).rows).toEqual([
      expect.objectContaining({
        bytes_out: 4096,
        storage_peak_bytes: 123456789,
        transcode_seconds: 1800,
        transcode_egress_bytes: 10,
      }),
    ]);
  }, 60_000);
});
