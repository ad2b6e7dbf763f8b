/**
 * The PostgreSQL the scale-out registry is to live in (docs/SCALE.md), as
 * scripts/postgres-server.js starts it, and the property the choice rests on: a claim (a used
 * signature, an account number) taken by many writers at once is won exactly once.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../../test-support/demo-process.js';

const SCRIPT = join(PROJECT_ROOT, 'scripts', 'postgres-server.js');
// .ci/run installs Debian's postgresql; a machine without it skips this file.
const INSTALLED = existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').length > 0;

/** True while `pid` runs (an exited process its parent has not reaped yet shows as a zombie, Z). */
function running(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

describe.skipIf(!INSTALLED)('PostgreSQL for the registry', () => {
  let dir = '';
  let url = '';
  let pid = 0;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tally-postgres-'));
    const out = JSON.parse(
      execFileSync(process.execPath, [SCRIPT, 'start', dir], { encoding: 'utf8', timeout: 60_000 }),
    );
    url = out.url;
    pid = out.pid;
  }, 70_000);
  afterAll(() => {
    if (dir) execFileSync(process.execPath, [SCRIPT, 'stop', dir], { timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
  }, 70_000);

  test('a claim raced by 20 connections at once is won by exactly one', async () => {
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    await setup.query(
      'CREATE TABLE used_signatures (scheme text, digest text, expires_at bigint, PRIMARY KEY (scheme, digest))',
    );
    await setup.end();
    const pool = new pg.Pool({ connectionString: url, max: 20 });
    try {
      const claims = await Promise.all(
        Array.from({ length: 20 }, () =>
          pool.query(
            'INSERT INTO used_signatures VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING digest',
            ['scaleengine', 'd1', 1],
          ),
        ),
      );
      expect(claims.filter((r) => r.rowCount === 1)).toHaveLength(1);
      expect((await pool.query('SELECT count(*)::int AS n FROM used_signatures')).rows).toEqual([{ n: 1 }]);
    } finally {
      await pool.end();
    }
  });

  test('stop ends exactly the server it started', () => {
    expect(running(pid)).toBe(true);
    execFileSync(process.execPath, [SCRIPT, 'stop', dir], { timeout: 60_000 });
    expect(running(pid)).toBe(false);
  });
});
