// What the benchmarks share: generated logs of a given length, and a command's wall time and peak
// memory.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { generateDays } from '../dist/demo/generate-logs.js';

/** Writes exactly `lines` generated lines to `file` (skipped when it already exists with that many). */
export async function generate(
  file,
  lines,
  { withHost, sessionsPerDay, days, start = Date.parse('2026-10-01T00:00:00Z'), seed = 42 },
) {
  const marker = `${file}.lines`;
  if (existsSync(file) && existsSync(marker) && Number(readFileSync(marker, 'utf8')) === lines) return;
  const stream = createWriteStream(file);
  let written = 0;
  for (const { text } of generateDays({ start, days: days * 4, sessionsPerDay, seed, withHost })) {
    const dayLines = text.split('\n');
    dayLines.pop();
    const take = dayLines.slice(0, lines - written);
    if (!stream.write(`${take.join('\n')}\n`)) await new Promise((r) => stream.once('drain', r));
    written += take.length;
    if (written >= lines) break;
  }
  await new Promise((r) => stream.end(r));
  if (written !== lines) throw new Error(`generated ${written} lines, wanted ${lines}`);
  writeFileSync(marker, String(lines));
}

/** Runs a command, returning wall seconds, peak RSS (VmHWM, polled from /proc) and stdout. */
export function measure(command, args) {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peakKiB = 0;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKiB = Math.max(peakKiB, Number(m[1]));
      } catch {}
    }, 20);
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', (e) => {
      clearInterval(poll);
      fail(e);
    });
    child.on('exit', (code) => {
      clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) fail(new Error(`${command} exited ${code}: ${stderr.slice(0, 500)}`));
      else done({ seconds, peakMiB: Math.round(peakKiB / 1024), stdout });
    });
  });
}

/**
 * Starts `tally serve` on a free port with an admin key made for it beforehand (a data dir that
 * was served before prints none); resolves once it serves.
 */
export async function startServer(bin, dataDir, extraArgs = []) {
  const made = await measure(process.execPath, [
    bin,
    'keys',
    'create',
    '--admin',
    '--json',
    '--data',
    dataDir,
    ...extraArgs,
  ]);
  const key = JSON.parse(made.stdout).secret;
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data', dataDir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Both streams are read to their end: a server blocked on a full pipe would stall the bench.
  // Only what it says first is kept (it then logs every request).
  let said = '';
  const keep = (d) => {
    if (said.length < 100_000) said += d;
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const started = Date.now();
  while (!/tally serving/.test(said) && Date.now() - started < 60_000)
    await new Promise((r) => setTimeout(r, 20));
  const url = /tally serving (\S+)/.exec(said)?.[1];
  if (!url) {
    child.kill();
    throw new Error(`tally serve did not start: ${said}`);
  }
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  };
  return { child, url, key, stop };
}

/**
 * Latency of `times` requests made one after another: p50 and the last body. `path(i)` gives the
 * i-th request's path, so a bench can make every request a new question (a different `limit`)
 * that no cached answer serves.
 */
export async function latency(server, path, times = 20) {
  const seconds = [];
  let body = '';
  for (let i = 0; i < times; i++) {
    const started = process.hrtime.bigint();
    const response = await fetch(`${server.url}${path(i)}`, {
      headers: { authorization: `Bearer ${server.key}` },
    });
    body = await response.text();
    if (!response.ok) throw new Error(`${path(i)}: ${response.status} ${body.slice(0, 300)}`);
    seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  seconds.sort((a, b) => a - b);
  return { p50: Number(seconds[Math.floor(times / 2)].toFixed(4)), body };
}

/**
 * Requests per second and latency percentiles with autocannon: `connections` clients for
 * `seconds`. `fresh` makes every request a new question (`&limit=` counting down from 100000),
 * so none is answered from the server's cache. `writing` (an account id): meanwhile, event batches
 * of that account's deliveries are posted one after another (`POST /v1/events`, 100 events
 * each), as live ingest does; the result says how many were committed.
 */
export async function throughput(
  server,
  path,
  { connections = 10, seconds = 10, fresh = false, writing = undefined } = {},
) {
  const { default: autocannon } = await import('autocannon');
  let n = 0;
  const run = autocannon({
    url: `${server.url}${path}`,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${server.key}` },
    requests: fresh
      ? [{ setupRequest: (req) => ({ ...req, path: `${path}&limit=${100_000 - (n++ % 90_000)}` }) }]
      : undefined,
  });
  // A run that outlasts its duration by far is stopped and reported, never waited on forever.
  let late = false;
  const watchdog = setTimeout(
    () => {
      late = true;
      run.stop();
    },
    (seconds + 30) * 1000,
  );
  let writes = 0;
  let writer = Promise.resolve();
  if (writing !== undefined) {
    writer = (async () => {
      const ends = Date.now() + seconds * 1000;
      while (Date.now() < ends) {
        // Live ingest: events of now (older ones may be past the lateness limit).
        const time = new Date().toISOString();
        const events = Array.from({ length: 100 }, (_, i) => ({
          kind: 'delivery',
          account: writing,
          time,
          app: 'live',
          resource: `bench-${writes}`,
          protocol: 'hls',
          type: 'live',
          country: 'DE',
          bytesOut: 1000 + i,
          viewer: `bench-${writes}-${i}`,
        }));
        const response = await fetch(`${server.url}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' },
          body: JSON.stringify(events),
        });
        const body = await response.text();
        if (!response.ok || JSON.parse(body).accepted !== events.length)
          throw new Error(`POST /v1/events: ${response.status} ${body.slice(0, 300)}`);
        writes += 1;
      }
    })();
    // A failed write ends the run at once and is thrown below; left unobserved until then, it
    // would end the process before the caller could stop its server.
    writer.catch(() => run.stop());
  }
  const result = await run;
  clearTimeout(watchdog);
  await writer;
  if (late) throw new Error(`${path}: autocannon did not finish within ${seconds + 30} s`);
  console.log(`  ${path}${fresh ? ' (fresh)' : ''}: ${Math.round(result.requests.average)} requests/s`);
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${path}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return {
    requests_per_second: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    requests: result.requests.total,
    ...(writing === undefined ? {} : { event_batches_committed: writes }),
  };
}
