// The one-machine scale benchmark (`npm run bench:scale`, not part of `npm run bench` or CI: the
// 100M-line month needs about 23 GB of disk and a quarter of an hour): a month of the demo's
// traffic at 1M, 10M and 100M lines, imported into the embedded DuckDB store with the demo's
// accounts and no path rules (layout inference attributes every request), then the month's usage
// grouped by resource over HTTP. For each size: import time and lines/s, peak RSS, stored size,
// and the query's p50. Figures go to bench/out/scale.json and, by hand, to docs/PERFORMANCE.md.
//
// TALLY_SCALE_SIZES=1,10 runs only those sizes (millions of lines).
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoConfig } from '../dist/demo/generate-logs.js';
import { generate, latency, measure, startServer } from './measure.js';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const out = join(root, 'bench/out');
const bin = join(root, 'bin/tally.js');
mkdirSync(out, { recursive: true });

const MILLION = 1_000_000;
const FILE_LINES = 10 * MILLION;
const OCTOBER = Date.parse('2026-10-01T00:00:00Z');
const sizes = (process.env.TALLY_SCALE_SIZES ?? '1,10,100').split(',').map(Number);

/**
 * The month's files for `millions` lines: files of at most 10M lines, each the whole of October
 * from its own seed, as if each were one edge server's log (a day of the 100M-line month is too
 * long for one string of the generator). The generator makes about 135 lines per session.
 */
async function monthFiles(millions) {
  const lines = millions * MILLION;
  const count = Math.ceil(lines / FILE_LINES);
  const files = [];
  for (let i = 0; i < count; i++) {
    const file = join(out, `scale-${millions}m-${i}.log`);
    const fileLines = Math.min(FILE_LINES, lines - i * FILE_LINES);
    console.log(`generating ${file} (${fileLines} lines) ...`);
    await generate(file, fileLines, {
      withHost: true,
      sessionsPerDay: Math.ceil(fileLines / 31 / 135),
      days: 32,
      start: OCTOBER,
      seed: 42 + i,
    });
    files.push(file);
  }
  return files;
}

const { pathRules: _rules, ...accountsOnly } = demoConfig();
const results = { date: new Date().toISOString(), cpus: (await import('node:os')).cpus().length, sizes: {} };
for (const millions of sizes) {
  const files = await monthFiles(millions);
  const dir = join(out, `data-scale-${millions}m`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tally.json'), JSON.stringify(accountsOnly));
  console.log(`importing ${millions}M lines ...`);
  const run = await measure(process.execPath, [bin, 'import', '--json', '--data', dir, ...files]);
  const summary = JSON.parse(run.stdout);
  if (summary.records !== millions * MILLION || summary.rejected !== 0)
    throw new Error(`${millions}M: ${run.stdout}`);
  const server = await startServer(bin, dir);
  let query;
  try {
    // Every request a new question (a different limit), so none is answered from the cache.
    const path = '/v1/usage?account=acme&from=2026-10-01&to=2026-11-01&group_by=resource';
    const report = await latency(server, (i) => `${path}&limit=${100_000 - i}`, 7);
    const health = await latency(server, () => '/healthz', 7);
    query = {
      path,
      p50_seconds: report.p50,
      rows: JSON.parse(report.body).rows.length,
      healthz_p50_seconds: health.p50,
    };
  } finally {
    await server.stop();
  }
  results.sizes[`${millions}M`] = {
    lines: summary.lines,
    files: files.length,
    import_wall_seconds: Number(run.seconds.toFixed(2)),
    import_lines_per_second: Math.round(summary.lines / run.seconds),
    import_peak_rss_mib: run.peakMiB,
    store_mib: Math.round(statSync(join(dir, 'tally.duckdb')).size / 2 ** 20),
    query,
  };
  console.log(`${millions}M`, results.sizes[`${millions}M`]);
  writeFileSync(join(out, 'scale.json'), `${JSON.stringify(results, null, 2)}\n`);
}
console.log(`results in ${join(out, 'scale.json')}`);
