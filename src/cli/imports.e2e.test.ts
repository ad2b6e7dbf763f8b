/**
 * End-to-end: `POST /v1/imports` against a real `tally serve`, killed with SIGKILL while it imports
 * an upload, restarted, and sent the same file again: nothing lost, nothing counted twice.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { startTallyServer } from '../test-support/tally-server.js';
import { useTempDir } from '../test-support/temp-dir.js';

const tmp = useTempDir('tally-imports-e2e-');
const data = join(tmp, 'data');

// 400,000 requests, each for its own segment (no path rules fold them: many commits per import),
// request i delivering 1000 + (i % 997) bytes: totals known without Tally.
const LINES = 400_000;
function writeLog(file: string): { bytes: number } {
  const parts: string[] = [];
  let bytes = 0;
  for (let i = 0; i < LINES; i++) {
    const size = 1000 + (i % 997);
    bytes += size;
    const minute = String(i % 60).padStart(2, '0');
    parts.push(
      `10.1.${(i >> 8) & 255}.${i & 255} - - [02/Jul/2024:10:${minute}:00 +0000] "GET /vod/film/720p/seg-${i}.ts HTTP/1.1" 200 ${size} "-" "UA"\n`,
    );
  }
  writeFileSync(file, parts.join(''));
  return { bytes };
}

/** curl's arguments to upload `file` to `url`'s `POST /v1/imports`, as an operator would. */
function uploadArgs(url: string, key: string, file: string): string[] {
  return [
    '-s',
    '-X',
    'POST',
    '-H',
    `Authorization: Bearer ${key}`,
    '-H',
    'Content-Type: text/plain',
    '--data-binary',
    `@${file}`,
    `${url}/v1/imports?format=combined&name=big.log`,
  ];
}

function upload(url: string, key: string, file: string): { code: number | null; out: string } {
  const r = spawnSync('curl', uploadArgs(url, key, file), { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout };
}

describe('POST /v1/imports, killed mid-import', () => {
  test('SIGKILL during an upload import loses nothing and counts nothing twice', async () => {
    const file = join(tmp, 'big.log');
    const { bytes } = writeLog(file);
    let key = '';
    // The import of this file takes about 7 s here after the upload: killed before its first
    // commit, and (most likely) after one or more.
    for (const killAfterMs of [700, 4000, 6500]) {
      const server = await startTallyServer(['--data', data], { adminKey: key === '' });
      key ||= server.adminKey;
      const sending = new Promise<void>((done) => {
        const child = spawn('curl', uploadArgs(server.url, key, file));
        child.on('exit', () => done());
      });
      await new Promise((r) => setTimeout(r, killAfterMs));
      const gone = new Promise((r) => server.child.once('exit', r));
      server.child.kill('SIGKILL');
      await Promise.all([sending, gone]);
    }
    // Restarted: stale uploads are cleared, and the file sent again completes the import.
    const server = await startTallyServer(['--data', data], { adminKey: false });
    try {
      expect(existsSync(join(data, 'uploads')) ? readdirSync(join(data, 'uploads')) : []).toEqual([]);
      const last = upload(server.url, key, file);
      expect(last.code).toBe(0);
      const again = JSON.parse(upload(server.url, key, file).out);
      expect(again).toMatchObject({ lines: 0, records: 0 });
      const usage = spawnSync(
        'curl',
        [
          '-s',
          '-H',
          `Authorization: Bearer ${key}`,
          `${server.url}/v1/usage?account=default&from=2024-07-02&to=2024-07-03&tz=UTC&metrics=requests,bytes_out`,
        ],
        { encoding: 'utf8' },
      );
      expect(JSON.parse(usage.stdout).rows[0]).toMatchObject({ requests: LINES, bytes_out: bytes });
    } finally {
      await server.stop();
    }
  }, 240_000);
});
