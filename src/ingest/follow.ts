/**
 * Follow mode (`tally import --follow`, `tally serve --follow`): tails growing files, importing
 * their new complete lines pass after pass through the same idempotent import, so a restart
 * resumes from the checkpoints and a line being written waits for its newline.
 *
 * Rotation:
 * - rename and create (logrotate's default): the path now names a new file. The old one is kept
 *   open, read to its end through its descriptor, then left; the new file is a new source.
 * - copytruncate: the same file shrinks. Its new content has a new fingerprint, so it is a new
 *   source read from its start (lines written between the copy and the truncation are lost to
 *   every reader; that is copytruncate's own limit).
 */
import { type FileHandle, open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FileOutcome, Importer, ImportOptions, ImportSummary } from './import.js';
import { openImporter } from './import.js';

export interface FollowOptions extends ImportOptions {
  /** Stops following: the pass under way finishes and commits, then `followFiles` returns. */
  signal: AbortSignal;
  /** How often files are checked for growth and rotation (default 250 ms). */
  pollMs?: number | undefined;
  /** Called after each pass that imported something or changed state. */
  onPass?: ((outcome: FileOutcome) => void) | undefined;
}

/** New lines are committed at least this often, however fast the file grows. */
export const FOLLOW_COMMIT_MS = 2000;

interface Followed {
  path: string;
  handle: FileHandle | undefined;
  ino: number;
  size: number;
}

/** The path of an open descriptor: reads the file it was opened on, even after a rename. */
function descriptorPath(handle: FileHandle): string {
  return process.platform === 'linux' ? `/proc/self/fd/${handle.fd}` : `/dev/fd/${handle.fd}`;
}

async function pass(importer: Importer, file: Followed, options: FollowOptions): Promise<void> {
  const info = await stat(file.path).catch(() => undefined);
  if (file.handle !== undefined && (info === undefined || info.ino !== file.ino)) {
    // Rotated away (or deleted): finish the old file through its descriptor, then let it go.
    const outcome = await importer.importFile(file.path, descriptorPath(file.handle));
    report(outcome, options);
    await file.handle.close();
    file.handle = undefined;
  }
  if (info === undefined || !info.isFile()) return;
  if (file.handle === undefined) {
    file.handle = await open(file.path, 'r');
    file.ino = (await file.handle.stat()).ino;
    file.size = -1;
  }
  // Nothing to do while the size stays put (a truncation to the same size is caught by the next write).
  if (info.size === file.size) return;
  file.size = info.size;
  report(await importer.importFile(file.path, descriptorPath(file.handle)), options);
}

function report(outcome: FileOutcome, options: FollowOptions): void {
  if (outcome.records > 0 || outcome.rejected > 0 || outcome.state === 'new') options.onPass?.(outcome);
}

export async function followFiles(paths: readonly string[], options: FollowOptions): Promise<ImportSummary> {
  // A followed file is being written: its last line always waits for its newline.
  const importer = await openImporter({
    ...options,
    workers: 0,
    commitEveryMs: FOLLOW_COMMIT_MS,
    lastLine: 'wait',
  });
  const files: Followed[] = paths.map((path) => ({
    path: resolve(path),
    handle: undefined,
    ino: -1,
    size: -1,
  }));
  const pollMs = options.pollMs ?? 250;
  try {
    while (!options.signal.aborted) {
      for (const file of files) await pass(importer, file, options);
      await sleep(pollMs, undefined, { signal: options.signal }).catch(() => undefined);
    }
    // One last look, so lines completed just before the stop are in.
    for (const file of files) await pass(importer, file, options);
  } finally {
    await Promise.all(files.map((f) => f.handle?.close()));
    await importer.close();
  }
  return importer.summary;
}
