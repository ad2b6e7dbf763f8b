/**
 * End-to-end: `tally demo` as a newcomer runs it, twice. Every command it prints is run as
 * printed (bash, curl, php, npx tally sign) against the server it started, and must answer with
 * usage; the second run reuses the logs and the keys and counts nothing twice.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { useTempDir } from '../test-support/temp-dir.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin/tally.js');
const data = join(useTempDir('tally-demo-'), 'data');

/** Starts the demo and resolves with its output once it says the server is up. */
function startDemo(): Promise<{ child: ChildProcess; out: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, 'demo', '--port', '0', '--data', data], { cwd: ROOT });
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      if (out.includes('Press Ctrl-C')) done({ child, out });
    });
    child.on('exit', (code) => fail(new Error(`demo exited ${code}: ${out}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    child.removeAllListeners('exit');
    child.on('exit', () => done());
    child.kill('SIGINT');
  });
}

const commandsOf = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.startsWith('  $ '))
    .map((l) => l.slice(4));

describe('tally demo', () => {
  test('prints a working command for each API, and a second run reuses logs and keys', async () => {
    const first = await startDemo();
    let commands: string[];
    try {
      expect(first.out).toMatch(/imported \d+ new records/);
      commands = commandsOf(first.out);
      expect(commands).toHaveLength(9);
      const answers = commands.map((command) => {
        const r = spawnSync('bash', ['-c', command], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
        expect(r.status, command).toBe(0);
        return r.stdout;
      });
      const json = (i: number) => JSON.parse(answers[i] as string);
      expect(json(0).rows[0].bytes_out).toBeGreaterThan(0);
      expect(json(1).rows.length).toBeGreaterThan(27);
      expect((answers[2] as string).split('\r\n')[0]).toBe(
        'window_start,window_end,resource,kind,bytes_out,requests',
      );
      expect(json(3)).toMatchObject({ status: 'success' });
      expect(json(3).count).toBeGreaterThan(0);
      // The stream targets of the demo catalog, with the same numbers by key headers and by HMAC.
      expect(json(4).stream_targets.map((t: { id: string }) => t.id)).toEqual(['acmenews', 'acmesprt']);
      expect(json(5).stream_targets).toEqual(json(4).stream_targets);
      expect(json(6).total.bytes_used).toBeGreaterThan(0);
      expect(json(7).total).toBeGreaterThan(0);
      expect(json(8)).toMatchObject({ status: 'ok' });
      expect(json(8).summary.bytes_sent).toBeGreaterThan(0);
    } finally {
      await stop(first.child);
    }
    const second = await startDemo();
    try {
      expect(second.out).toMatch(/nothing is counted twice/);
      expect(second.out).toContain('(the keys of the last demo run, kept in demo-keys.json)');
      expect(commandsOf(second.out).map((c) => c.replace(/127\.0\.0\.1:\d+/g, 'HOST'))).toEqual(
        commands.map((c) => c.replace(/127\.0\.0\.1:\d+/g, 'HOST')),
      );
    } finally {
      await stop(second.child);
    }
  }, 240_000);
});
