/**
 * Import: files -> parse -> normalise -> aggregate -> commit, one file after another. Reads are
 * streamed from the source's checkpoint, whole lines only; every commit writes the usage rows and
 * the new checkpoint in one transaction, so an interrupted import resumes without double counting.
 */
import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { TallyConfig } from '../config/config.js';
import { AppError } from '../domain/errors.js';
import type { SourceState, UsageStore } from '../store/store.js';
import { Aggregator } from './aggregate.js';
import { fileHead, findKnownSource, HEAD_BYTES } from './fingerprint.js';
import { detectFormat, type FormatSpec, formatSpec, type ImportFormat } from './formats/index.js';
import { isRejection } from './formats/raw-delivery.js';
import { createNormalizer } from './normalize.js';
import { BUILT_IN_PATH_RULES, compilePathRules } from './path-rules.js';
import { RejectsFile } from './rejects-file.js';
import { createViewerHasher } from './viewer-hash.js';

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

export interface FileOutcome {
  path: string;
  source: string;
  format: string;
  /** `new`, `resumed` (grew since last time), `unchanged` (nothing new), or `empty`. */
  state: 'new' | 'resumed' | 'unchanged' | 'empty';
  lines: number;
  records: number;
  rejected: number;
  /** True when the file ends in a line without its newline: left for the next import. */
  incompleteTail: boolean;
}

export interface ImportProgress {
  file: string;
  /** Bytes of this file read so far / its size (both from the file start). */
  position: number;
  size: number;
  lines: number;
}

export interface ImportOptions {
  store: UsageStore;
  config: TallyConfig;
  format: ImportFormat;
  /** `--account`: must name an existing account. */
  account?: string | undefined;
  /** Keys viewer hashes. */
  secret: Buffer;
  rejectsDir: string;
  onProgress?: ((progress: ImportProgress) => void) | undefined;
  onFile?: ((outcome: FileOutcome) => void) | undefined;
  /** Commit when this many cells plus viewer entries are held in memory (bounds memory). */
  flushWeight?: number | undefined;
}

const CHUNK_BYTES = 1 << 20;
/** A "line" longer than this is refused (and skipped to its end) instead of buffered without bound. */
export const MAX_LINE_BYTES = 8 << 20;
const DEFAULT_FLUSH_WEIGHT = 400_000;

export async function importFiles(paths: readonly string[], options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const { store } = options;
  if (options.account !== undefined && !(await store.getAccount(options.account))) {
    throw new AppError(
      'bad-parameter',
      `--account: unknown account '${options.account}' (add it with: tally accounts add ${options.account})`,
      {
        param: 'account',
      },
    );
  }
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile())
      throw new AppError('bad-parameter', `FILE: ${path} is not a readable file`, { param: 'FILE' });
  }

  const rules = compilePathRules(options.config.pathRules ?? BUILT_IN_PATH_RULES);
  const accounts = await store.listAccounts();
  const hashViewer = createViewerHasher(options.secret);
  const normalizers = new Map<string, ReturnType<typeof createNormalizer>>();
  const rejects = new RejectsFile(options.rejectsDir, new Date(started));
  const summary: ImportSummary = {
    files: 0,
    lines: 0,
    records: 0,
    rejected: 0,
    skipped_lines: 0,
    bytes_out: 0,
    seconds: 0,
    rejects_file: null,
  };

  try {
    for (const path of paths) {
      const spec = options.format === 'auto' ? undefined : formatSpec(options.format);
      const outcome = await importFile(resolve(path), spec, {
        ...options,
        normalizerFor: (format) => {
          // One normaliser per format for the whole run, so its caches stay warm across files.
          let normalize = normalizers.get(format.name);
          if (normalize === undefined) {
            normalize = createNormalizer({
              accounts,
              pathRules: rules,
              zones: options.config.zones ?? {},
              forcedAccount: options.account,
              defaultProtocol: format.defaultProtocol,
            });
            normalizers.set(format.name, normalize);
          }
          return normalize;
        },
        aggregator: new Aggregator(hashViewer),
        rejects,
        summary,
      });
      summary.files += 1;
      options.onFile?.(outcome);
    }
  } finally {
    summary.rejects_file = rejects.close();
  }
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

interface FileContext extends ImportOptions {
  normalizerFor: (format: FormatSpec) => ReturnType<typeof createNormalizer>;
  aggregator: Aggregator;
  rejects: RejectsFile;
  summary: ImportSummary;
}

async function importFile(
  path: string,
  requested: FormatSpec | undefined,
  ctx: FileContext,
): Promise<FileOutcome> {
  const { store, aggregator, rejects, summary } = ctx;
  const size = (await stat(path)).size;
  const outcome: FileOutcome = {
    path,
    source: '',
    format: requested?.name ?? '',
    state: 'empty',
    lines: 0,
    records: 0,
    rejected: 0,
    incompleteTail: false,
  };
  if (size === 0) return outcome;

  const head = await fileHead(path);
  const known = await findKnownSource(path, head, await store.listSources());
  const now = Date.now();
  const source: SourceState = known
    ? { ...known, path, lastImported: now }
    : {
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
  // A source seen while shorter than 64 KiB gets its fuller fingerprint from now on.
  if (known && known.headLength < HEAD_BYTES && head.length > known.headLength) {
    source.headLength = head.length;
    source.headHash = head.hash;
  }
  outcome.source = source.id;
  outcome.state = known ? (size > known.offset ? 'resumed' : 'unchanged') : 'new';
  if (size <= source.offset) {
    outcome.format = requested?.name ?? 'unknown';
    return outcome;
  }

  let format = requested;
  let normalize = format ? ctx.normalizerFor(format) : undefined;
  let offset = source.offset;
  let lineNumber = source.lines;
  let carry: Buffer | undefined;
  let skippingLongLine = false;
  const name = basename(path);

  // A commit runs while the next chunk is parsed; the next commit (or the end) waits for it
  // first, so commits stay in order and a failed one stops the import before anything later lands.
  let pending: Promise<void> = Promise.resolve();
  const commit = async (): Promise<void> => {
    await pending;
    source.offset = offset;
    source.lastImported = Date.now();
    pending = store.commitImport({ source: { ...source }, rollups: aggregator.drain() });
    // Keep an unobserved rejection from being reported before it is awaited.
    pending.catch(() => undefined);
  };

  const stream = createReadStream(path, { start: source.offset, highWaterMark: CHUNK_BYTES });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    const lastNewline = buffer.lastIndexOf(10);
    if (lastNewline < 0) {
      carry = buffer;
      if (carry.length > MAX_LINE_BYTES) {
        // Keep only the line's start for the rejects file; count it once, when its newline arrives.
        if (!skippingLongLine)
          rejects.add(
            path,
            lineNumber + 1,
            `line longer than ${MAX_LINE_BYTES} bytes`,
            carry.subarray(0, 1024).toString('utf8'),
          );
        skippingLongLine = true;
        offset += carry.length;
        carry = undefined;
      }
      continue;
    }
    // Access logs are mostly ASCII, and decoding ASCII as latin1 gives the same string faster.
    const text = isAscii(buffer.subarray(0, lastNewline)) ? buffer.toString('latin1', 0, lastNewline) : buffer.toString('utf8', 0, lastNewline);
    carry = lastNewline + 1 < buffer.length ? Buffer.from(buffer.subarray(lastNewline + 1)) : undefined;
    const lines = text.split('\n');
    if (format === undefined) {
      format = detectFormat(lines.slice(0, 20));
      if (format === undefined) {
        throw new AppError(
          'unsupported-format',
          `${path}: cannot detect the log format from its first lines (use --format)`,
          { param: 'format' },
        );
      }
      normalize = ctx.normalizerFor(format);
      outcome.format = format.name;
    }
    const parse = format.parse;
    // Counted in locals and added once per chunk: this loop runs once per log line.
    let records = 0;
    let rejected = 0;
    let skipped = 0;
    let bytesOut = 0;
    for (let i = 0; i < lines.length; i++) {
      let line = lines[i] as string;
      lineNumber += 1;
      if (skippingLongLine && i === 0) {
        skippingLongLine = false;
        rejected += 1;
        continue;
      }
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      if (line === '' || line.charCodeAt(0) === 35 /* # */) {
        skipped += 1;
        continue;
      }
      const parsed = parse(line);
      if (isRejection(parsed)) {
        rejects.add(name, lineNumber, parsed.reason, line);
        rejected += 1;
        continue;
      }
      const { cell, segmentSeconds } = (normalize as NonNullable<typeof normalize>)(parsed);
      const status = parsed.status;
      const seconds = status >= 200 && status <= 299 ? segmentSeconds : 0;
      aggregator.addToCell(cell, parsed.time, status, parsed.bytesOut, parsed.bytesIn, parsed.client, seconds, 0, 0);
      records += 1;
      bytesOut += parsed.bytesOut;
    }
    source.lines += lines.length;
    source.records += records;
    source.rejected += rejected;
    source.bytesOut += bytesOut;
    outcome.lines += lines.length;
    outcome.records += records;
    outcome.rejected += rejected;
    summary.lines += lines.length;
    summary.records += records;
    summary.rejected += rejected;
    summary.skipped_lines += skipped;
    summary.bytes_out += bytesOut;
    offset += lastNewline + 1;
    ctx.onProgress?.({ file: path, position: offset, size, lines: outcome.lines });
    if (aggregator.weight >= (ctx.flushWeight ?? DEFAULT_FLUSH_WEIGHT)) await commit();
  }
  outcome.incompleteTail = carry !== undefined && carry.length > 0;
  if (offset > source.offset || aggregator.weight > 0) await commit();
  await pending;
  if (outcome.format === '') outcome.format = format?.name ?? 'unknown';
  return outcome;
}
