// The scale-out benchmark (`npm run bench`, after bench/run.js): the ClickHouse backend on the
// 2 x 2 cluster of scripts/clickhouse-cluster.js with its registry on scripts/postgres-server.js,
// against the embedded DuckDB store in the same run, on this one machine:
//   1. import of a 20M-line month (two files of 10M): DuckDB (one process, both files), the
//      cluster with one importer (both files), the cluster with two importers (a file each);
//   2. the month's report grouped by resource over HTTP (`GET /v1/usage`), p50 of 20, from a
//      `tally serve` on each store, beside `/healthz` of the same server.
// Figures go to bench/out/scale-out.json and, by hand, to docs/SCALE.md and docs/PERFORMANCE.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoConfig } from '../dist/demo/generate-logs.js';
import { generate, latency, measure, startServer } from './measure.js';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const out = join(root, 'bench/out');
const bin = join(root, 'bin/tally.js');
mkdirSync(out, { recursive: true });

const installed =
  existsSync('/usr/sbin/clickhouse-server') &&
  existsSync('/usr/share/java/zookeeper.jar') &&
  existsSync('/usr/lib/postgresql') &&
  readdirSync('/usr/lib/postgresql').length > 0;
if (!installed) {
  console.log('scale-out bench skipped: clickhouse-server, zookeeper and postgresql are not installed');
  process.exit(0);
}

const HALF = 10_000_000;
const files = [join(out, 'month-20m-a.log'), join(out, 'month-20m-b.log')];
console.log('generating the 20M-line month (two files of 10M) ...');
// The first half of October, then the second: 2,400 sessions a day make ~650k lines a day.
await generate(files[0], HALF, { withHost: true, sessionsPerDay: 4800, days: 16 });
await generate(files[1], HALF, {
  withHost: true,
  sessionsPerDay: 4800,
  days: 16,
  start: Date.parse('2026-10-16T00:00:00Z'),
});

const clusterDir = join(out, 'cluster');
const postgresDir = join(out, 'postgres');
for (const dir of [clusterDir, postgresDir]) rmSync(dir, { recursive: true, force: true });
const script = (name, ...args) =>
  execFileSync(process.execPath, [join(root, 'scripts', name), ...args], { encoding: 'utf8' });
const cluster = JSON.parse(script('clickhouse-cluster.js', 'start', clusterDir));
const postgres = JSON.parse(script('postgres-server.js', 'start', postgresDir));
const results = { date: new Date().toISOString(), cpus: (await import('node:os')).cpus().length };

try {
  /** A `--store` URL for a fresh ClickHouse database and registry named `name`. */
  const storeUrl = async (name) => {
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const registry = new URL(postgres.url);
    registry.pathname = `/${name}`;
    const node = cluster.nodes[0];
    return `clickhouse://127.0.0.1:${node.http}/${name}?cluster=${cluster.cluster}&registry=${encodeURIComponent(registry.toString())}`;
  };
  /** A data dir with the demo's config (its path rules and accounts). */
  const dataDir = (name) => {
    const dir = join(out, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'tally.json'), JSON.stringify(demoConfig()));
    return dir;
  };
  const importing = (dir, store, paths) =>
    measure(process.execPath, [
      bin,
      'import',
      '--json',
      '--data',
      dir,
      ...(store ? ['--store', store] : []),
      ...paths,
    ]);
  const linesOf = (run) => JSON.parse(run.stdout).lines;

  // 1. Imports.
  const duck = dataDir('scale-duckdb');
  const duckRun = await importing(duck, undefined, files);
  const one = await storeUrl('bench_one');
  const oneRun = await importing(dataDir('scale-one'), one, files);
  const two = await storeUrl('bench_two');
  const twoStarted = process.hrtime.bigint();
  const twoRuns = await Promise.all(
    files.map((file, i) => importing(dataDir(`scale-two-${i}`), two, [file])),
  );
  const twoSeconds = Number(process.hrtime.bigint() - twoStarted) / 1e9;
  const lines = linesOf(duckRun);
  const perSecond = (n, s) => Math.round(n / s);
  results.import = {
    lines,
    duckdb: {
      seconds: duckRun.seconds,
      lines_per_second: perSecond(lines, duckRun.seconds),
      peak_rss_mib: duckRun.peakMiB,
    },
    cluster_one_importer: {
      seconds: oneRun.seconds,
      lines_per_second: perSecond(linesOf(oneRun), oneRun.seconds),
      peak_rss_mib: oneRun.peakMiB,
    },
    cluster_two_importers: {
      seconds: twoSeconds,
      lines_per_second: perSecond(
        twoRuns.reduce((sum, r) => sum + linesOf(r), 0),
        twoSeconds,
      ),
      peak_rss_mib: Math.max(...twoRuns.map((r) => r.peakMiB)),
    },
  };
  results.import.ratio_one_importer_to_duckdb = Number(
    (results.import.cluster_one_importer.lines_per_second / results.import.duckdb.lines_per_second).toFixed(
      2,
    ),
  );
  results.import.ratio_two_importers_to_one = Number(
    (
      results.import.cluster_two_importers.lines_per_second /
      results.import.cluster_one_importer.lines_per_second
    ).toFixed(2),
  );
  // What the cluster holds for those lines: rows and bytes on disk per node (replicas included).
  const node = cluster.nodes[0];
  const asked = await fetch(node.url, {
    method: 'POST',
    body: `SELECT table, sum(rows) AS rows, sum(bytes_on_disk) AS bytes FROM remote('${cluster.nodes
      .map((n) => `127.0.0.1:${n.tcp}`)
      .join(',')}', system.parts) WHERE database = 'bench_two' AND active GROUP BY table FORMAT JSONEachRow`,
  });
  results.import.cluster_storage = (await asked.text())
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  console.log('import', results.import);

  // 2. The month's report grouped by resource over HTTP, from a server on each store.
  // Each request a different limit (above the row count): a new question, which no cached
  // answer serves (DuckDB keeps answers until the next commit; the cluster does not).
  const query = '/v1/usage?account=acme&from=2026-10-01&to=2026-11-01&group_by=resource';
  const serve = async (dir, store) => startServer(bin, dir, store ? ['--store', store] : []);
  const p50 = (server, path, times = 20) =>
    latency(server, (i) => (path.startsWith('/v1/') ? `${path}&limit=${100_000 - i}` : path), times);
  const servers = { duckdb: await serve(duck, undefined), cluster: await serve(dataDir('scale-serve'), two) };
  results.query = { path: query };
  const bodies = {};
  for (const [name, server] of Object.entries(servers)) {
    const report = await p50(server, query);
    const health = await p50(server, '/healthz');
    bodies[name] = JSON.parse(report.body).rows;
    results.query[name] = {
      p50_seconds: report.p50,
      healthz_p50_seconds: health.p50,
      rows: bodies[name].length,
    };
    await server.stop();
  }
  results.query.identical_rows = JSON.stringify(bodies.duckdb) === JSON.stringify(bodies.cluster);
  results.query.ratio_cluster_to_duckdb = Number(
    (results.query.cluster.p50_seconds / results.query.duckdb.p50_seconds).toFixed(2),
  );
  console.log('query', results.query);
} finally {
  script('clickhouse-cluster.js', 'stop', clusterDir);
  script('postgres-server.js', 'stop', postgresDir);
}
writeFileSync(join(out, 'scale-out.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`results in ${join(out, 'scale-out.json')}`);
