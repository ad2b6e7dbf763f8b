/**
 * Import: files -> parse -> normalise -> aggregate -> commit, one file after another. Reads are
 * streamed from the source's checkpoint, whole lines only; every commit writes the usage rows and
 * the new checkpoint in one transaction, so an interrupted import resumes without double counting.
 */
import { existsSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { TallyConfig } from '../config/config.js';
import { AppError } from '../domain/errors.js';
import type { SourceState } from '../domain/source.js';
import type { Store } from '../store/store.js';
import { CommitSchedule } from './commit-schedule.js';
import { detectFileFormat, headerAt, lastFieldsLine } from './file-format.js';
import { type FileHead, findKnownSource, HEAD_BYTES, headOf } from './fingerprint.js';
import { type FormatSpec, formatSpec, type ImportFormat } from './formats/index.js';
import { countryDatabaseOf } from './geo.js';
import { readLinePieces } from './line-reader.js';
import { compilePathRules } from './normalize/path-rules.js';
import {
  type ChunkPipeline,
  InlinePipeline,
  startImportWorkers,
  WorkerPipeline,
} from './pipeline/chunk-pipeline.js';
import type { ChunkResult } from './pipeline/chunk-processor.js';
import type { ProcessorSettings } from './pipeline/processor-settings.js';
import { RejectsFile } from './rejects-file.js';
import {
  type Compression,
  compressionOf,
  type DamagedContent,
  openContent,
  readContentPrefix,
} from './source-file.js';
import { wrongFormatProblem } from './wrong-format.js';

/** The `tally import --json` summary, exactly as DESIGN section 6. */
export interface ImportSummary {
  files: number;
  lines: number;
  records: number;
  rejected: number;
  skipped_lines: number;
  bytes_out: number;
  seconds: number;
  rejects_file: string | null;
}

/** A summary before anything is imported: what runs add their files to. */
export function emptySummary(): ImportSummary {
  return {
    files: 0,
    lines: 0,
    records: 0,
    rejected: 0,
    skipped_lines: 0,
    bytes_out: 0,
    seconds: 0,
    rejects_file: null,
  };
}

export interface FileOutcome {
  path: string;
  source: string;
  format: string;
  /**
   * `new`, `resumed` (grew since last time), `unchanged` (nothing new), `empty`, or `refused`
   * (nearly every line rejected: nothing was taken from the file, see `problem`).
   */
  state: 'new' | 'resumed' | 'unchanged' | 'empty' | 'refused';
  lines: number;
  records: number;
  rejected: number;
  /** Delivered bytes counted from this file in this run. */
  bytesOut: number;
  /**
   * True when the file ends in a line without its newline that was left for the next import (the
   * file may still be being written, see `ImportOptions.lastLine`).
   */
  incompleteTail: boolean;
  /** True when a last line without a newline was counted because the file is complete. */
  countedTail: boolean;
  /** True when the format was detected (`--format auto`) rather than given. */
  detected: boolean;
  compression: Compression;
  /** Worker threads that parsed part of this file; 0 when it was all parsed on the importing thread. */
  workers: number;
  /**
   * Why the file was not imported whole: refused (wrong format), or damaged compressed content
   * (what came before the damage was imported). The import goes on with the next file and the
   * command exits 1 at the end.
   */
  problem?: string;
}

export interface ImportProgress {
  file: string;
  /** Bytes of this file read so far / its size (both from the file start). */
  position: number;
  size: number;
  lines: number;
}

export interface ImportOptions {
  store: Store;
  config: TallyConfig;
  format: ImportFormat;
  /** `--account`: must name an existing account. */
  account?: string | undefined;
  /** `--log-timezone`: IANA zone of wall-clock log times (Wowza). */
  logTimezone?: string | undefined;
  /** Keys viewer hashes. */
  secret: Buffer;
  rejectsDir: string;
  onProgress?: ((progress: ImportProgress) => void) | undefined;
  onFile?: ((outcome: FileOutcome) => void) | undefined;
  /** Commit when this many rows plus viewer entries are held in memory (bounds memory). */
  flushWeight?: number | undefined;
  /** Commit at least this often while reading (follow mode: new lines become queryable quickly). */
  commitEveryMs?: number | undefined;
  /**
   * A plain file's last line without a newline: `when-idle` (the default) counts it when the file
   * has not changed for `COMPLETE_AFTER_MS`, `count` always (`--complete`), `wait` never (follow
   * mode: the writer is still at work). Compressed files are complete when their stream ends.
   */
  lastLine?: 'when-idle' | 'count' | 'wait' | undefined;
  /** Worker threads for large files; 0 (the default) processes everything on this thread. */
  workers?: number | undefined;
  /**
   * Threads from `startWorkersAhead`, for the first file parsed on workers: the importer ends those
   * it takes (with their pipeline), the caller those left in the array.
   */
  startedWorkers?: Worker[] | undefined;
}

/** One read of a file; the whole lines of a read make one chunk for the pipeline. */
const READ_BYTES = 1 << 20;
/** A "line" longer than this is refused (and skipped to its end) instead of buffered without bound. */
export const MAX_LINE_BYTES = 8 << 20;
const DEFAULT_FLUSH_WEIGHT = 400_000;
/**
 * A plain file unchanged for this long is complete: its last line counts without a newline. Log
 * writers append a line in one write, so a minute without a change means the writer is done (a
 * log being written changes far more often; `--follow` never counts an unterminated line).
 */
export const COMPLETE_AFTER_MS = 60_000;

/** A file to import: its path, or the name its source keeps and the path its content is read from (an upload). */
export type ImportInput = string | { name: string; readFrom: string };

export async function importFiles(
  inputs: readonly ImportInput[],
  options: ImportOptions,
): Promise<ImportSummary> {
  for (const input of inputs) {
    const path = typeof input === 'string' ? input : input.readFrom;
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile())
      throw new AppError('bad-parameter', `FILE: ${path} is not a readable file`, { param: 'FILE' });
  }
  const importer = await openImporter(options);
  try {
    for (const input of inputs) {
      const outcome =
        typeof input === 'string'
          ? await importer.importFile(resolve(input))
          : await importer.importFile(input.name, input.readFrom);
      options.onFile?.(outcome);
    }
  } finally {
    await importer.close();
  }
  return importer.summary;
}

/** An import run over any number of files (or passes over growing files): one summary, one rejects file, warm caches. */
export interface Importer {
  /**
   * Imports what is new in `path` (absolute). `readFrom` reads the content from another path
   * naming the same file (a still-open descriptor of a file rotated away, an uploaded copy), while
   * sources and outcomes keep `path`.
   */
  importFile(path: string, readFrom?: string): Promise<FileOutcome>;
  readonly summary: ImportSummary;
  /** Ends the run: closes the rejects file and workers, and sets the summary's seconds. */
  close(): Promise<ImportSummary>;
}

export async function openImporter(options: ImportOptions): Promise<Importer> {
  const started = Date.now();
  const { store } = options;
  if (options.account !== undefined && !(await store.registry.getAccount(options.account))) {
    throw new AppError(
      'bad-parameter',
      `--account: unknown account '${options.account}' (add it with: tally accounts add ${options.account})`,
      {
        param: 'account',
      },
    );
  }
  // Rules are compiled here once so a bad rule fails before anything is read; likewise the geo file.
  compilePathRules(options.config.pathRules);
  const geoDatabase = countryDatabaseOf(options.config);
  if (geoDatabase !== null && !existsSync(geoDatabase)) {
    throw new AppError('bad-config', `geo.mmdb: ${geoDatabase} does not exist`, { param: 'config' });
  }
  const accounts = (await store.registry.listAccounts()).map((a) => ({ id: a.id, match: a.match }));
  const targets = (await store.registry.listCatalog()).filter((e) => e.match !== undefined);
  const rejects = new RejectsFile(options.rejectsDir, new Date(started));
  const summary = emptySummary();

  // One pipeline per format for the whole run, so caches (and workers) stay warm across files.
  const pipelines = new Map<string, ChunkPipeline>();
  const pipelineFor = (format: FormatSpec, parallel: boolean): ChunkPipeline => {
    const key = `${format.name}:${parallel}`;
    let pipeline = pipelines.get(key);
    if (pipeline === undefined) {
      const settings: ProcessorSettings = {
        format: format.name,
        parser: { logTimezone: options.logTimezone },
        pathRules: options.config.pathRules,
        zones: options.config.zones ?? {},
        edgeZones: options.config.edgeZones,
        accounts,
        forcedAccount: options.account,
        targets,
        secret: new Uint8Array(options.secret),
        geoDatabase,
      };
      pipeline = parallel ? new WorkerPipeline(settings, takeWorkers(options)) : new InlinePipeline(settings);
      pipelines.set(key, pipeline);
    }
    return pipeline;
  };
  const requested = options.format === 'auto' ? undefined : formatSpec(options.format);
  const seen = new Set<string>();

  return {
    summary,
    async importFile(path, readFrom) {
      const before = { ...summary };
      let outcome: FileOutcome;
      try {
        outcome = await importFile(path, readFrom, requested, {
          ...options,
          pipelineFor,
          rejects,
          summary,
        });
      } catch (error) {
        if (!(error instanceof Refused)) throw error;
        // Nothing was committed: the summary counts only what was imported.
        Object.assign(summary, { ...before, rejects_file: summary.rejects_file });
        outcome = error.outcome;
      }
      if (!seen.has(outcome.path)) {
        seen.add(outcome.path);
        summary.files += 1;
      }
      return outcome;
    },
    async close() {
      summary.rejects_file = rejects.close();
      await Promise.all([...pipelines.values()].map((p) => p.close()));
      pipelines.clear();
      summary.seconds = (Date.now() - started) / 1000;
      return summary;
    },
  };
}

/** `options.workers` threads: those started ahead, then new ones. */
function takeWorkers(options: ImportOptions): Worker[] {
  const count = options.workers ?? 0;
  const ready = options.startedWorkers?.splice(0, count) ?? [];
  return [...ready, ...startImportWorkers(count - ready.length)];
}

/**
 * Starts `workers` threads when some file is large enough to be parsed on them, so that they load
 * while the caller opens the store; hand them to the importer as `startedWorkers`.
 */
export function startWorkersAhead(paths: readonly string[], workers: number): Worker[] | undefined {
  const large = paths.some((path) => {
    try {
      return statSync(path).size >= PARALLEL_MIN_BYTES;
    } catch {
      return false;
    }
  });
  return large && workers > 0 ? startImportWorkers(workers) : undefined;
}

interface FileContext extends ImportOptions {
  pipelineFor: (format: FormatSpec, parallel: boolean) => ChunkPipeline;
  rejects: RejectsFile;
  summary: ImportSummary;
}

/** A chunk's counts, added to its source's, the file's and the run's. */
function countResult(
  result: ChunkResult,
  source: SourceState,
  outcome: FileOutcome,
  summary: ImportSummary,
): void {
  // The source and the file keep the same counters under the same names; the summary has the
  // names of the --json output (DESIGN section 6).
  for (const counts of [source, outcome]) {
    counts.lines += result.lines;
    counts.records += result.records;
    counts.rejected += result.rejected;
    counts.bytesOut += result.bytesOut;
  }
  summary.lines += result.lines;
  summary.records += result.records;
  summary.rejected += result.rejected;
  summary.skipped_lines += result.skipped;
  summary.bytes_out += result.bytesOut;
}

/** Thrown inside `importFile` to give up a file before anything of it is committed. */
class Refused extends Error {
  constructor(readonly outcome: FileOutcome) {
    super(outcome.problem);
  }
}

/** Below this much new data a file is processed inline: starting workers would cost more than it saves. */
const PARALLEL_MIN_BYTES = 32 << 20;

/**
 * The source a file continues (same content head, DESIGN section 4), or a new one. A source seen
 * while shorter than 64 KiB gets its fuller fingerprint from now on.
 */
async function identifySource(
  path: string,
  head: FileHead,
  store: Store,
): Promise<{ source: SourceState; known: SourceState | undefined }> {
  const known = findKnownSource(head, await store.registry.listSources());
  const now = Date.now();
  if (known) {
    const grownHead = known.headLength < HEAD_BYTES && head.length > known.headLength;
    return {
      known,
      source: {
        ...known,
        path,
        lastImported: now,
        ...(grownHead ? { headLength: head.length, headHash: head.hash } : {}),
      },
    };
  }
  const source: SourceState = {
    id: `src_${head.hash.slice(0, 16)}`,
    path,
    headLength: head.length,
    headHash: head.hash,
    offset: 0,
    lines: 0,
    records: 0,
    rejected: 0,
    bytesOut: 0,
    firstImported: now,
    lastImported: now,
  };
  return { source, known: undefined };
}

async function importFile(
  path: string,
  readFrom: string | undefined,
  requested: FormatSpec | undefined,
  ctx: FileContext,
): Promise<FileOutcome> {
  const { store, rejects, summary } = ctx;
  // `file` is what is read; `path` is what the source is known by.
  const file = readFrom ?? path;
  const info = await stat(file);
  const size = info.size;
  const compression = size === 0 ? 'none' : await compressionOf(file);
  const outcome: FileOutcome = {
    path,
    source: '',
    format: requested?.name ?? '',
    state: 'empty',
    lines: 0,
    records: 0,
    rejected: 0,
    bytesOut: 0,
    incompleteTail: false,
    countedTail: false,
    detected: false,
    compression,
    workers: 0,
  };
  if (size === 0) return outcome;

  // The head is read once: it identifies the source and, for `auto`, tells the format.
  const head = headOf(await readContentPrefix(file, HEAD_BYTES, compression));
  const { source, known } = await identifySource(path, head, store);
  outcome.source = source.id;
  outcome.state = known ? (compression !== 'none' || size > known.offset ? 'resumed' : 'unchanged') : 'new';
  // A plain file no longer than its checkpoint has nothing new; compressed content has to be read to tell.
  if (compression === 'none' && size <= source.offset) {
    outcome.format = requested?.name ?? 'unknown';
    return outcome;
  }

  const format = requested ?? detectFileFormat(file, head.bytes);
  outcome.format = format.name;
  source.format = format.name;
  outcome.detected = requested === undefined;
  // Column names come from the last `#Fields:` line above the data: above the checkpoint when resuming.
  let header = format.needsHeader
    ? await headerAt(file, format, source.offset, head.bytes, compression)
    : undefined;

  // Large files go to worker threads. Workers pay off when many lines fold into few rows; when
  // nearly every line is its own row (per-segment resources without path rules), shipping rows
  // back costs more than parsing in parallel saves. The first chunk's result tells: until it is
  // in, each worker holds one chunk, and if its lines fold poorly the rest is parsed inline.
  const parallel =
    (ctx.workers ?? 0) > 0 && compression === 'none' && size - source.offset >= PARALLEL_MIN_BYTES;
  const firstChunk: { fold: 'unknown' | 'well' | 'poorly' } = { fold: parallel ? 'unknown' : 'well' };
  const inlineWeight = ctx.flushWeight ?? DEFAULT_FLUSH_WEIGHT;
  // Each worker holds rows of its own and ships them as copies: commit at a lower weight to keep
  // the same bound on memory.
  const schedule = new CommitSchedule(parallel ? inlineWeight / 4 : inlineWeight, ctx.commitEveryMs);
  const inline = ctx.pipelineFor(format, false);
  let pipeline = parallel ? ctx.pipelineFor(format, true) : inline;
  if (parallel) outcome.workers = ctx.workers ?? 0;
  let offset = source.offset;
  // Rejects name the whole path (two access.log files in different folders stay apart); the
  // source's latest rejects are read back by it (query/latest-rejects.ts).
  const name = path;

  let firstReason: string | undefined;
  // Results arrive in chunk order, so the lines counted so far place a chunk's rejected lines.
  const onResult = (result: ChunkResult): void => {
    for (const r of result.rejects) rejects.add(name, source.lines + r.line, r.reason, r.text);
    firstReason ??= result.rejects[0]?.reason;
    countResult(result, source, outcome, summary);
    if (firstChunk.fold === 'unknown' && result.records > 0) {
      // A worker's first result (the probe): its rows hold this chunk's lines alone.
      firstChunk.fold = result.rows * 4 < result.records ? 'well' : 'poorly';
    }
  };
  inline.begin(onResult);
  if (parallel) pipeline.begin(onResult, { probe: true });

  // A commit runs while the next chunks are parsed; the next commit (or the end) waits for it
  // first, so commits stay in order and a failed one stops the import before anything later lands.
  let committing: Promise<void> = Promise.resolve();
  let commits = 0;
  const commit = async (active: ChunkPipeline): Promise<void> => {
    schedule.committing();
    const drained = await active.drain();
    await committing;
    if (commits === 0) refuseWrongFormat();
    commits += 1;
    // The checkpoint this batch continues and its end are the batch's identity in the store.
    const from = source.offset;
    source.offset = offset;
    source.lastImported = Date.now();
    committing = store.usage.commitImport({ from, source: { ...source }, ...drained });
    // Keep an unobserved rejection from being reported before it is awaited.
    committing.catch(() => undefined);
  };

  /** Gives the file up, before anything of it is committed, when nearly every line was rejected. */
  const refuseWrongFormat = (): void => {
    const problem = wrongFormatProblem({
      path,
      format: format.name,
      records: outcome.records,
      rejected: outcome.rejected,
      resumed: known !== undefined,
      firstReason,
      head: head.bytes,
    });
    if (problem === undefined) return;
    outcome.state = 'refused';
    outcome.problem = problem;
    throw new Refused(outcome);
  };

  /** Hands whole lines (without the last newline) to the pipeline. */
  const submit = async (bytes: Uint8Array, skipFirst: boolean): Promise<void> => {
    const chunkHeader = header;
    if (format.needsHeader) header = lastFieldsLine(bytes) ?? header;
    await pipeline.submit({ bytes, skipFirst, header: chunkHeader });
  };

  /**
   * A line the file holds but no parser sees: counted as rejected, kept in the rejects file. Its
   * number follows the lines of every chunk before it, once they are counted. `consumed` says
   * whether the line is behind the checkpoint (then the source counts it too); a line cut by
   * damage is not, and is read again from a repaired file.
   */
  const rejectLine = async (reason: string, text: string, consumed: boolean): Promise<void> => {
    await pipeline.settle();
    if (consumed) {
      source.lines += 1;
      source.rejected += 1;
    }
    outcome.lines += 1;
    outcome.rejected += 1;
    summary.lines += 1;
    summary.rejected += 1;
    rejects.add(name, consumed ? source.lines : source.lines + 1, reason, text);
  };

  /** Records damaged compressed content as a rejection, and as the file's problem. */
  const rejectDamage = async (error: DamagedContent, cut: Buffer | undefined): Promise<void> => {
    const where = `content byte ${offset} (compressed byte ${error.fileOffset})`;
    const reason = `damaged ${error.compression} content at ${where}: ${error.reason}`;
    await rejectLine(reason, cut ? cut.subarray(0, 1024).toString('utf8') : '', false);
    outcome.problem = `damaged ${error.compression} content at ${where} (${error.reason}): the ${source.lines - (known?.lines ?? 0)} lines before it were imported, nothing after it`;
  };

  // Read from the byte before the checkpoint: it tells whether the checkpoint follows a newline
  // (line-reader.ts).
  const content = openContent(file, compression, Math.max(0, source.offset - 1), READ_BYTES);
  let carry: Buffer | undefined;
  let damage: DamagedContent | undefined;
  for await (const piece of readLinePieces(content, source.offset, MAX_LINE_BYTES)) {
    switch (piece.kind) {
      case 'counted-rest':
        // Only the newline: the line was whole, as counted. More: the rest of a line counted early.
        offset += piece.bytes;
        if (piece.bytes > 1)
          await rejectLine(
            'rest of a line already counted without its newline (the file grew after it was imported as complete)',
            piece.start.toString('utf8').trimEnd(),
            true,
          );
        break;
      case 'long-line':
        // Its number follows the lines of every chunk before it, once they are counted.
        await pipeline.settle();
        rejects.add(
          name,
          source.lines + 1,
          `line longer than ${MAX_LINE_BYTES} bytes`,
          piece.start.toString('utf8'),
        );
        break;
      case 'lines': {
        // The carried start of a line and the rest up to the last newline are copied, once, into
        // a buffer of the pipeline's (it recycles them), which can be handed to a worker.
        const head = piece.carry?.length ?? 0;
        const bytes = pipeline.buffer(head + piece.body.length);
        if (piece.carry) bytes.set(piece.carry);
        bytes.set(piece.body, head);
        offset = piece.end;
        await submit(bytes, piece.skipFirst);
        ctx.onProgress?.({
          file: path,
          position: piece.position,
          size,
          lines: source.lines - (known?.lines ?? 0),
        });
        if (schedule.due(pipeline.weight)) await commit(pipeline);
        if (firstChunk.fold === 'poorly' && pipeline !== inline) {
          // Safe to switch once a commit has handed over every chunk's rows.
          await commit(pipeline);
          pipeline = inline;
          schedule.flushWeight = inlineWeight;
        }
        break;
      }
      case 'end':
        offset = piece.offset;
        carry = piece.tail;
        damage = piece.damage;
        break;
    }
  }
  if (damage) {
    // What decompressed cleanly is committed up to its last whole line; the line the damage cut
    // is not (a repaired file resumes there and counts it whole). The damage is a rejection.
    await rejectDamage(damage, carry);
    carry = undefined;
  }
  if (carry !== undefined && carry.length > 0) {
    // A compressed file is complete once its stream ends: its last line is whole without a newline.
    // A plain file may still be being written: its last line waits for its newline unless the
    // file is complete.
    if (compression !== 'none' || (await plainFileComplete(file, info, ctx.lastLine ?? 'when-idle'))) {
      await submit(new Uint8Array(carry), false);
      offset += carry.length;
      outcome.countedTail = true;
    } else {
      outcome.incompleteTail = true;
    }
  }
  if (offset > source.offset) await commit(pipeline);
  else if (known) outcome.state = 'unchanged';
  await committing;
  return outcome;
}

/**
 * Whether a plain file read to its end is complete (see `ImportOptions.lastLine`): unchanged
 * while it was read (same size and modification time) and for `COMPLETE_AFTER_MS` before.
 */
async function plainFileComplete(
  file: string,
  before: { size: number; mtimeMs: number },
  rule: 'when-idle' | 'count' | 'wait',
): Promise<boolean> {
  if (rule !== 'when-idle') return rule === 'count';
  const after = await stat(file).catch(() => undefined);
  if (after === undefined || after.size !== before.size || after.mtimeMs !== before.mtimeMs) return false;
  return Date.now() - after.mtimeMs >= COMPLETE_AFTER_MS;
}
