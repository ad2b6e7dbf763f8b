// What the benchmarks share: generated logs of a given length, and a command's wall time and peak
// memory.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { generateDays } from '../dist/demo/generate-logs.js';

/** Writes exactly `lines` generated lines to `file` (skipped when it already exists with that many). */
export async function generate(
  file,
  lines,
  { withHost, sessionsPerDay, days, start = Date.parse('2026-10-01T00:00:00Z') },
) {
  const marker = `${file}.lines`;
  if (existsSync(file) && existsSync(marker) && Number(readFileSync(marker, 'utf8')) === lines) return;
  const stream = createWriteStream(file);
  let written = 0;
  for (const { text } of generateDays({ start, days: days * 4, sessionsPerDay, seed: 42, withHost })) {
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
