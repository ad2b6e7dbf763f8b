// Benchmarks (`npm run bench`): import speed and peak memory against GoAccess on the same file in
// the same run, and the latency of a month's report over 5M imported lines. Figures go to
// bench/out/results.json and, by hand, to docs/PERFORMANCE.md.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoConfig } from '../dist/demo/generate-logs.js';
import { convertCombined, rewriteSegmentLayout, writeS3DistinctKeys, writeWowza } from './format-logs.js';
import { generate, measure, startServer, throughput } from './measure.js';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const out = join(root, 'bench/out');
const bin = join(root, 'bin/tally.js');
mkdirSync(out, { recursive: true });

async function hasGoAccess() {
  try {
    const r = await measure('goaccess', ['--version']);
    return r.stdout.split('\n')[0].trim();
  } catch {
    return null;
  }
}

const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: (await import('node:os')).cpus().length,
};

// 1. Import of a 1M-line combined log, Tally vs GoAccess.
const MILLION = 1_000_000;
const combined = join(out, 'combined-1m.log');
console.log('generating the 1M-line combined log ...');
await generate(combined, MILLION, { withHost: false, sessionsPerDay: 250, days: 31 });
// Twice: with the path rules an operator writes for this layout, and with no config at all, where
// the default rules make every segment URL its own resource (the worst case: ~1 stored row per line).
async function importOnce(name, config) {
  const dir = join(out, `data-1m-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (config) writeFileSync(join(dir, 'tally.json'), JSON.stringify(config));
  const run = await measure(process.execPath, [
    bin,
    'import',
    '--json',
    '--format',
    'combined',
    '--data',
    dir,
    combined,
  ]);
  const summary = JSON.parse(run.stdout);
  if (summary.records !== MILLION) throw new Error(`tally imported ${summary.records} records`);
  return {
    wall_seconds: run.seconds,
    lines_per_second: Math.round(MILLION / run.seconds),
    peak_rss_mib: run.peakMiB,
    bytes_out: summary.bytes_out,
  };
}
// This machine's timings vary by up to 20% between runs, so Tally (with path rules) and GoAccess
// run three times each, taking turns, and the medians are compared.
const RUNS = 3;
const goaccessVersion = await hasGoAccess();
const rulesRuns = [];
const goaccessRuns = [];
for (let i = 0; i < RUNS; i++) {
  console.log(`combined log, round ${i + 1} of ${RUNS} ...`);
  rulesRuns.push(await importOnce('rules', demoConfig()));
  if (goaccessVersion)
    goaccessRuns.push(
      await measure('goaccess', [combined, '--log-format=COMBINED', '-o', join(out, 'report.json')]),
    );
}
/** The middle run by wall time. */
const median = (runs, time) => [...runs].sort((a, b) => time(a) - time(b))[Math.floor(runs.length / 2)];
const rules = median(rulesRuns, (r) => r.wall_seconds);
results.import = {
  lines: MILLION,
  runs: RUNS,
  with_path_rules: { ...rules, wall_seconds_each: rulesRuns.map((r) => r.wall_seconds) },
  without_config: await importOnce('defaults'),
};
if (goaccessVersion) {
  const ga = median(goaccessRuns, (r) => r.seconds);
  results.import.goaccess = goaccessVersion;
  results.import.goaccess_wall_seconds = ga.seconds;
  results.import.goaccess_wall_seconds_each = goaccessRuns.map((r) => r.seconds);
  results.import.goaccess_lines_per_second = Math.round(MILLION / ga.seconds);
  results.import.goaccess_peak_rss_mib = ga.peakMiB;
  results.import.ratio_with_path_rules = Number((ga.seconds / rules.wall_seconds).toFixed(2));
  results.import.ratio_without_config = Number(
    (ga.seconds / results.import.without_config.wall_seconds).toFixed(2),
  );
} else {
  results.import.goaccess = 'not installed (apt-get install goaccess) - no ratio';
}
console.log(results.import);

// 2. The other formats: S3 and CloudFront carry the same requests as the combined log (GoAccess
// reads both, so it is the peer again); Wowza has no such peer, so awk summing the same column is.
// `config` null: no tally.json at all.
async function importFormat(name, file, format, lines, bytes, config = demoConfig()) {
  const dir = join(out, `data-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (config !== null) writeFileSync(join(dir, 'tally.json'), JSON.stringify(config));
  const run = await measure(process.execPath, [
    bin,
    'import',
    '--json',
    '--format',
    format,
    '--data',
    dir,
    file,
  ]);
  const summary = JSON.parse(run.stdout);
  if (summary.records === 0 || summary.rejected !== 0) throw new Error(`${name}: ${run.stdout}`);
  if (bytes !== undefined && summary.bytes_out !== bytes)
    throw new Error(`${name}: ${summary.bytes_out} bytes, want ${bytes}`);
  return {
    lines,
    wall_seconds: run.seconds,
    lines_per_second: Math.round(lines / run.seconds),
    peak_rss_mib: run.peakMiB,
  };
}
async function peer(name, command, args, lines, tallyResult) {
  const r = await measure(command, args);
  return {
    peer: name,
    peer_wall_seconds: r.seconds,
    peer_lines_per_second: Math.round(lines / r.seconds),
    ratio: Number((r.seconds / tallyResult.wall_seconds).toFixed(2)),
  };
}
results.formats = {};
for (const [format, goaccessFormat] of [
  ['s3', 'AWSS3'],
  ['cloudfront', 'CLOUDFRONT'],
]) {
  const file = join(out, `${format}-1m.log`);
  console.log(`generating the 1M-line ${format} log ...`);
  await convertCombined(combined, file, format, MILLION);
  const lines = format === 'cloudfront' ? MILLION + 2 : MILLION;
  const tallyRun = await importFormat(format, file, format, lines, results.import.with_path_rules.bytes_out);
  const peerRun = goaccessVersion
    ? await peer(
        goaccessVersion,
        'goaccess',
        [file, `--log-format=${goaccessFormat}`, '-o', join(out, `report-${format}.json`)],
        lines,
        tallyRun,
      )
    : { peer: 'goaccess not installed' };
  results.formats[format] = { ...tallyRun, ...peerRun };
  console.log(format, results.formats[format]);
}
{
  const file = join(out, 'wowza-1m.log');
  console.log('generating the 1M-line Wowza log ...');
  const wowza = await writeWowza(file, MILLION);
  const tallyRun = await importFormat('wowza', file, 'wowza', wowza.lines, wowza.bytes);
  const awk = ['-F', '\t', '$4 == "destroy" { s += $27 } END { printf "%d\\n", s }', file];
  results.formats.wowza = {
    ...tallyRun,
    ...(await peer('awk (sum of destroy sc-stream-bytes)', 'awk', awk, wowza.lines, tallyRun)),
  };
  console.log('wowza', results.formats.wowza);
}

// 3. Follow mode: how long until a line appended to a followed file is answered by the API.
{
  const dir = join(out, 'data-follow');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const log = join(dir, 'followed.log');
  const line = (bytes) =>
    `192.0.2.9 - - [01/Oct/2026:10:00:00 +0000] "GET /vod/film/seg${bytes}.ts HTTP/1.1" 200 ${bytes} "-" "UA"\n`;
  writeFileSync(log, line(1));
  const server = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data', dir, '--follow', log], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let said = '';
  server.stdout.on('data', (d) => {
    said += d;
  });
  const started = Date.now();
  while (!/admin key .*: (\S+)/.test(said) && Date.now() - started < 30_000)
    await new Promise((r) => setTimeout(r, 20));
  const url = /tally serving (\S+)/.exec(said)[1];
  const key = /admin key .*: (\S+)/.exec(said)[1];
  const bytesOut = async () => {
    const r = await fetch(`${url}/v1/usage?account=default&from=2026-10-01&to=2026-10-02&metrics=bytes_out`, {
      headers: { authorization: `Bearer ${key}` },
    });
    return (await r.json()).rows[0]?.bytes_out ?? 0;
  };
  const delays = [];
  let total = 1;
  while ((await bytesOut()) !== total) await new Promise((r) => setTimeout(r, 10));
  for (let i = 0; i < 10; i++) {
    const bytes = 1000 + i;
    total += bytes;
    const appended = process.hrtime.bigint();
    appendFileSync(log, line(bytes));
    while ((await bytesOut()) !== total) await new Promise((r) => setTimeout(r, 10));
    delays.push(Number(process.hrtime.bigint() - appended) / 1e9);
  }
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  delays.sort((a, b) => a - b);
  results.follow = {
    appends: delays.length,
    seconds_to_queryable_median: Number(delays[Math.floor(delays.length / 2)].toFixed(3)),
    seconds_to_queryable_max: Number(delays[delays.length - 1].toFixed(3)),
  };
  console.log('follow', results.follow);
}

// 4. A month's report grouped by resource over 5M imported lines.
const FIVE_MILLION = 5_000_000;
const month = join(out, 'month-5m.log');
console.log('generating the 5M-line month ...');
await generate(month, FIVE_MILLION, { withHost: true, sessionsPerDay: 1200, days: 31 });
const data5 = join(out, 'data-5m');
rmSync(data5, { recursive: true, force: true });
mkdirSync(data5, { recursive: true });
writeFileSync(join(data5, 'tally.json'), JSON.stringify(demoConfig()));
const big = await measure(process.execPath, [bin, 'import', '--json', '--data', data5, month]);
const bigSummary = JSON.parse(big.stdout);
/** A month's report of acme in JSON, grouped by `groupBy`, with more flags when given. */
const monthReport = (groupBy, ...more) => [
  bin,
  'report',
  '--data',
  data5,
  '--account',
  'acme',
  '--from',
  '2026-10-01',
  '--to',
  '2026-11-01',
  '--group-by',
  groupBy,
  '--format',
  'json',
  ...more,
];
const reportArgs = monthReport('resource');
const times = [];
let rows = 0;
for (let i = 0; i < 5; i++) {
  const r = await measure(process.execPath, reportArgs);
  times.push(r.seconds);
  rows = JSON.parse(r.stdout).rows.length;
}
times.sort((a, b) => a - b);
results.report = {
  imported_lines: bigSummary.lines,
  import_wall_seconds: big.seconds,
  import_lines_per_second: Math.round(bigSummary.lines / big.seconds),
  import_peak_rss_mib: big.peakMiB,
  report_rows: rows,
  report_wall_seconds_median_of_5: Number(times[2].toFixed(3)),
  report_wall_seconds_min: Number(times[0].toFixed(3)),
};
console.log(results.report);

// 5. A large report through a server that holds the data dir (the CLI as its client: every row
// over HTTP as NDJSON), beside the same report run locally; the output must be byte for byte the same.
{
  const args = monthReport('resource,country', '--granularity', '15m');
  const median = (runs) =>
    Number(
      runs
        .map((r) => r.seconds)
        .sort((a, b) => a - b)[2]
        .toFixed(3),
    );
  const locally = [];
  for (let i = 0; i < 5; i++) locally.push(await measure(process.execPath, args));
  const server = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data', data5], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let said = '';
  server.stdout.on('data', (d) => {
    said += d;
  });
  const started = Date.now();
  while (!/tally serving/.test(said) && Date.now() - started < 30_000)
    await new Promise((r) => setTimeout(r, 20));
  const through = [];
  for (let i = 0; i < 5; i++) through.push(await measure(process.execPath, args));
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  const expected = locally[0].stdout;
  results.report_through_server = {
    command: `tally ${args.slice(1).join(' ')}`,
    report_rows: JSON.parse(expected).rows.length,
    report_bytes: Buffer.byteLength(expected),
    identical_output: [...locally, ...through].every((r) => r.stdout === expected),
    local_wall_seconds_median_of_5: median(locally),
    through_server_wall_seconds_median_of_5: median(through),
    through_server_peak_rss_mib: Math.max(...through.map((r) => r.peakMiB)),
    local_peak_rss_mib: Math.max(...locally.map((r) => r.peakMiB)),
    ratio: Number((median(through) / median(locally)).toFixed(2)),
  };
  console.log('report through the server', results.report_through_server);
}
// 6. No configuration at all (issue 18), the case users meet first: the combined log's requests
// with their URLs in the layouts of issue 18 (bench/format-logs.js rewriteSegmentLayout), imported
// with no tally.json, so layout inference attributes every segment, beside GoAccess on the same
// file, three rounds taking turns; then 1M S3 requests over 1M distinct keys (every request a new
// resource) beside GoAccess --log-format=AWSS3.
{
  const segments = join(out, 'segments-1m.log');
  console.log('writing the 1M-line segment log ...');
  await rewriteSegmentLayout(combined, segments, MILLION);
  const tallyRuns = [];
  const peerRuns = [];
  for (let i = 0; i < RUNS; i++) {
    console.log(`segment log without config, round ${i + 1} of ${RUNS} ...`);
    tallyRuns.push(
      await importFormat(
        'segments',
        segments,
        'combined',
        MILLION,
        results.import.with_path_rules.bytes_out,
        null,
      ),
    );
    if (goaccessVersion)
      peerRuns.push(
        await measure('goaccess', [
          segments,
          '--log-format=COMBINED',
          '-o',
          join(out, 'report-segments.json'),
        ]),
      );
  }
  const tally = median(tallyRuns, (r) => r.wall_seconds);
  results.no_config = {
    segments: { ...tally, wall_seconds_each: tallyRuns.map((r) => r.wall_seconds) },
  };
  if (goaccessVersion) {
    const ga = median(peerRuns, (r) => r.seconds);
    results.no_config.segments.goaccess_wall_seconds_each = peerRuns.map((r) => r.seconds);
    results.no_config.segments.goaccess_lines_per_second = Math.round(MILLION / ga.seconds);
    results.no_config.segments.ratio = Number((ga.seconds / tally.wall_seconds).toFixed(2));
  }
  // The resources it found: presentations, not segments.
  const resources = await measure(process.execPath, [
    bin,
    'report',
    '--data',
    join(out, 'data-segments'),
    '--account',
    'default',
    '--from',
    '2026-10-01',
    '--to',
    '2026-11-01',
    '--group-by',
    'resource',
    '--format',
    'json',
  ]);
  results.no_config.segments.resources = JSON.parse(resources.stdout).rows.length;
  console.log('segments without config', results.no_config.segments);

  const distinct = join(out, 's3-distinct-1m.log');
  console.log('writing the 1M-key S3 log ...');
  const distinctBytes = await writeS3DistinctKeys(distinct, MILLION);
  const s3Run = await importFormat('s3-distinct', distinct, 's3', MILLION, distinctBytes, null);
  results.no_config.s3_distinct_keys = {
    ...s3Run,
    ...(goaccessVersion
      ? await peer(
          goaccessVersion,
          'goaccess',
          [distinct, '--log-format=AWSS3', '-o', join(out, 'report-s3-distinct.json')],
          MILLION,
          s3Run,
        )
      : { peer: 'goaccess not installed' }),
  };
  // The floor under this case (bench/distinct-floor.js): a bare script that parses the same file
  // and appends one row and one viewer per line to DuckDB, with no feature of Tally's.
  const floor = await measure(process.execPath, [
    join(root, 'bench', 'distinct-floor.js'),
    distinct,
    join(out, 'data-s3-distinct-floor'),
  ]);
  const bare = JSON.parse(floor.stdout);
  results.no_config.s3_distinct_keys.floor = {
    ...bare,
    wall_seconds: floor.seconds,
    peak_rss_mib: floor.peakMiB,
    ...(goaccessVersion
      ? { ratio: Number((results.no_config.s3_distinct_keys.peer_wall_seconds / floor.seconds).toFixed(2)) }
      : {}),
  };
  console.log('S3 over 1M distinct keys without config', results.no_config.s3_distinct_keys);
}

// 7. Query throughput over HTTP (issue 18): autocannon, 10 connections for 10 s each, against
// `tally serve` on the 5M-line month, beside /healthz of the same server. "cached": the same URL
// every time (answers are kept until a commit changes what they read); "while ... is written":
// the same, with event batches of now for another account (globex) or for the account asked (acme,
// whose October answer they leave alone) posted one after another meanwhile; "fresh": every
// request a new question (a different `limit`), so each one runs its query.
{
  const server = await startServer(bin, data5);
  const day = '/v1/usage?account=acme&from=2026-10-05&to=2026-10-06';
  const month = '/v1/usage?account=acme&from=2026-10-01&to=2026-11-01&group_by=resource';
  try {
    results.query_throughput = {
      tool: 'autocannon, 10 connections, 10 s',
      healthz: await throughput(server, '/healthz'),
      day_total_cached: await throughput(server, day),
      day_total_cached_while_globex_is_written: await throughput(server, day, { writing: 'globex' }),
      day_total_cached_while_acme_is_written_today: await throughput(server, day, { writing: 'acme' }),
      day_total_fresh: await throughput(server, day, { fresh: true }),
      month_by_resource_cached: await throughput(server, month),
      month_by_resource_fresh: await throughput(server, month, { fresh: true }),
    };
  } finally {
    await server.stop();
  }
  console.log('query throughput', results.query_throughput);
}
writeFileSync(join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`results in ${join(out, 'results.json')}`);
