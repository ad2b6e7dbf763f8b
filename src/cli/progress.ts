/** The import progress bar (bytes, lines/s, ETA) on a TTY, drawn by cli-progress on stderr. */
import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import type { ImportProgress } from '../ingest/import.js';

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

export function createProgressBar(): { update: (p: ImportProgress) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    {
      format: '{file} [{bar}] {percentage}% | {done}/{size} | {rate} lines/s | ETA {eta_formatted}',
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let current = '';
  let fileStart = Date.now();
  return {
    update(p) {
      if (p.file !== current) {
        if (current !== '') bar.stop();
        current = p.file;
        fileStart = Date.now();
        bar.start(p.size, 0, { file: basename(p.file), done: mib(0), size: mib(p.size), rate: 0 });
      }
      const elapsed = Math.max((Date.now() - fileStart) / 1000, 0.001);
      bar.update(p.position, {
        done: mib(p.position),
        rate: Math.round(p.lines / elapsed).toLocaleString('en-US'),
      });
    },
    stop() {
      if (current !== '') bar.stop();
    },
  };
}
