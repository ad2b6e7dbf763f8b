/**
 * End-to-end: `tally demo` as a newcomer runs it, twice. Every command it prints is run as
 * printed (bash, curl, php, npx tally sign) against the server it started, and must answer with
 * usage; the second run reuses the logs and the keys and counts nothing twice.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PROJECT_ROOT as ROOT, startDemo, stopDemo } from '../test-support/demo-process.js';
import { useTempDir } from '../test-support/temp-dir.js';

const data = join(useTempDir('tally-demo-'), 'data');

const commandsOf = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.startsWith('  $ '))
    .map((l) => l.slice(4));

describe('tally demo', () => {
  test('prints a working command for each API, and a second run reuses logs and keys', async () => {
    const first = await startDemo(data);
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
      await stopDemo(first.child);
    }
    const second = await startDemo(data);
    try {
      expect(second.out).toMatch(/nothing is counted twice/);
      expect(second.out).toContain('(the keys of the last demo run, kept in demo-keys.json)');
      expect(commandsOf(second.out).map((c) => c.replace(/127\.0\.0\.1:\d+/g, 'HOST'))).toEqual(
        commands.map((c) => c.replace(/127\.0\.0\.1:\d+/g, 'HOST')),
      );
    } finally {
      await stopDemo(second.child);
    }
  }, 240_000);
});
