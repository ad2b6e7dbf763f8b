/** End-to-end: usage events sent to a running `tally serve` over real HTTP, then read back by `tally report`. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { TALLY_BIN as BIN, startTallyServer } from '../test-support/tally-server.js';
import { useTempDir } from '../test-support/temp-dir.js';

const data = join(useTempDir('tally-events-'), 'data');

describe('events end to end', () => {
  test('gzip NDJSON events are committed before the answer and read back by tally report', async () => {
    const server = await startTallyServer(['--data', data]);
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);
    try {
      const { url, adminKey: key } = server;
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
      await server.stop();
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
