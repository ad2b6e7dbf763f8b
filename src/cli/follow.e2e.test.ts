/** End-to-end follow mode: `import --follow` and `serve --follow` as a user runs them (needs the build). */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { startTallyServer } from '../test-support/tally-server.js';
import { useTempDir } from '../test-support/temp-dir.js';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/tally.js');
const tmp = useTempDir('tally-follow-');

const line = (bytes: number) =>
  `192.0.2.7 - - [01/Jul/2024:10:00:00 +0000] "GET /vod/film/seg${bytes}.ts HTTP/1.1" 200 ${bytes} "-" "UA"\n`;

function run(args: string[]): { child: ChildProcess; out: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, out: () => out, exit };
}

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  ms = 20_000,
): Promise<T> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('follow mode from the command line', () => {
  test('import --follow imports growing files until SIGTERM, then commits and exits 0', async () => {
    const data = join(tmp, 'import-data');
    const log = join(tmp, 'import.log');
    writeFileSync(log, line(100));
    const p = run(['import', '--follow', '--json', '--data', data, log]);
    await new Promise((r) => setTimeout(r, 1500));
    appendFileSync(log, line(20));
    await new Promise((r) => setTimeout(r, 1000));
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
    const summary = JSON.parse(p.out().trim().split('\n').pop() as string);
    expect(summary).toMatchObject({ files: 1, records: 2, bytes_out: 120 });
  }, 30_000);

  test('serve --follow: a line appended to a followed file is queryable over HTTP within 3 s', async () => {
    const data = join(tmp, 'serve-data');
    const log = join(tmp, 'served.log');
    writeFileSync(log, line(1000));
    const server = await startTallyServer(['--data', data, '--follow', log]);
    const { url, adminKey: key } = server;
    let exit: Promise<number | null> | undefined;
    try {
      const bytes = async (): Promise<number> => {
        const r = await fetch(
          `${url}/v1/usage?account=default&from=2024-07-01&to=2024-07-02&metrics=bytes_out`,
          {
            headers: { authorization: `Bearer ${key}` },
          },
        );
        const body = (await r.json()) as { rows: { bytes_out: number }[] };
        return body.rows[0]?.bytes_out ?? 0;
      };
      await waitFor('the first line', async () => ((await bytes()) === 1000 ? true : undefined));
      const appended = Date.now();
      appendFileSync(log, line(234));
      await waitFor('the appended line', async () => ((await bytes()) === 1234 ? true : undefined), 3000);
      expect(Date.now() - appended).toBeLessThan(3000);
    } finally {
      exit = server.stop();
    }
    expect(await exit).toBe(0);
  }, 40_000);
});
