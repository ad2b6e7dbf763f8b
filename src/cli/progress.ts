/** The import progress bar (bytes, lines/s, ETA) on a TTY: one bar across all files, drawn by cli-progress on stderr. */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import type { ImportProgress } from '../ingest/import.js';

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export function createProgressBar(files: readonly string[]): {
  update: (p: ImportProgress) => void;
  stop: () => void;
} {
  const total = files.reduce((sum, f) => sum + sizeOf(f), 0);
  const bar = new cliProgress.SingleBar(
    {
      format: '{file} [{bar}] {percentage}% | {done}/{size} | {rate} lines/s | ETA {eta_formatted}',
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  // Bytes and lines of files already finished, plus the position within the current one.
  let doneBefore = 0;
  let linesBefore = 0;
  let current = '';
  let currentSize = 0;
  let currentLines = 0;
  let running = false;
  return {
    update(p) {
      if (!running) {
        bar.start(Math.max(total, 1), 0, { file: '', done: mib(0), size: mib(total), rate: 0 });
        running = true;
      }
      if (p.file !== current) {
        doneBefore += currentSize;
        linesBefore += currentLines;
        current = p.file;
        currentSize = p.size;
      }
      currentLines = p.lines;
      const elapsed = Math.max((Date.now() - started) / 1000, 0.001);
      const position = doneBefore + p.position;
      bar.update(Math.min(position, total), {
        file: basename(p.file),
        done: mib(position),
        rate: Math.round((linesBefore + p.lines) / elapsed).toLocaleString('en-US'),
      });
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
