/**
 * Docs that run: every shell example in README.md and docs/ runs as written against a running
 * `tally demo` (from the project root, as the README's Quick start leaves a reader), and every
 * configuration example in docs/CONFIGURATION.md is a whole config that tally starts with. A block
 * that cannot run here says why in a `<!-- not run: REASON -->` line before it.
 *
 * What a reader has after the Quick start is given to each example: the demo's data dir
 * (`TALLY_DATA`, the demo's `./tally-data`), `ADMIN_KEY` and `KEY` (the admin key and acme's key
 * the demo printed), and the demo's port in place of 8080. `curl` fails on an error status, so an
 * example that answers 401 fails here too.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PROJECT_ROOT, startDemo, stopDemo } from './test-support/demo-process.js';
import { docExamples } from './test-support/doc-examples.js';
import { TALLY_BIN } from './test-support/tally-server.js';
import { useTempDir } from './test-support/temp-dir.js';

const tmp = useTempDir('tally-docs-');

/** Every example is shown, run or not, with its place: a reader's copy-paste is what is tested. */
function shellExamples() {
  return docExamples(PROJECT_ROOT, ['sh']);
}

describe('docs that run', () => {
  test('each not-run block says why', () => {
    const examples = [...shellExamples(), ...docExamples(PROJECT_ROOT, ['json'])];
    for (const e of examples.filter((x) => x.notRun !== undefined))
      expect(e.notRun?.length, e.where).toBeGreaterThan(15);
    // Most examples run: a marker is the exception.
    expect(examples.filter((e) => e.notRun === undefined).length).toBeGreaterThan(
      3 * examples.filter((e) => e.notRun !== undefined).length,
    );
  });

  test('every shell example in README.md and docs/ works as written against a running demo', async () => {
    const data = join(tmp, 'tally-data');
    const demo = await startDemo(data);
    try {
      const keys = JSON.parse(readFileSync(join(data, 'demo-keys.json'), 'utf8'));
      const host = new URL(demo.url).host;
      const env = {
        ...process.env,
        TALLY_DATA: data,
        ADMIN_KEY: keys.admin.secret,
        KEY: keys.acme.secret,
      };
      const failures: string[] = [];
      let ran = 0;
      for (const example of shellExamples()) {
        if (example.notRun !== undefined) continue;
        ran++;
        const script = [
          'set -euo pipefail',
          // An error status is a failure, not a body to print.
          'curl() { command curl --fail-with-body "$@"; }',
          example.code.replaceAll('127.0.0.1:8080', host),
        ].join('\n');
        const r = spawnSync('bash', ['-c', script], {
          cwd: PROJECT_ROOT,
          env,
          encoding: 'utf8',
          timeout: 120_000,
        });
        if (r.status !== 0)
          failures.push(`${example.where} exited ${r.status}:\n${example.code}${r.stdout}\n${r.stderr}`);
      }
      expect(failures).toEqual([]);
      expect(ran).toBeGreaterThan(12);
    } finally {
      await stopDemo(demo.child);
    }
  }, 300_000);

  test('every configuration example in docs/CONFIGURATION.md is a whole config tally starts with', () => {
    const configs = docExamples(PROJECT_ROOT, ['json']).filter(
      (e) => e.where.startsWith('docs/CONFIGURATION.md') && e.notRun === undefined,
    );
    expect(configs.length).toBeGreaterThan(4);
    for (const [i, example] of configs.entries()) {
      const dir = join(tmp, `config-${i}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'tally.json'), example.code);
      const r = spawnSync(process.execPath, [TALLY_BIN, 'catalog', 'list', '--data', dir], {
        encoding: 'utf8',
      });
      expect({ where: example.where, status: r.status, stderr: r.stderr }).toEqual({
        where: example.where,
        status: 0,
        stderr: '',
      });
    }
  });
});
