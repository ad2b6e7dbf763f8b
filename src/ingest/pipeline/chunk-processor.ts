/**
 * The per-line work of an import, one chunk of whole lines at a time: decode, parse, normalise,
 * aggregate. The same class runs inline (small files) and inside import workers, so both paths
 * count exactly alike. Rejected lines come back with their line numbers for the rejects file.
 */
import { isAscii } from 'node:buffer';
import type { RollupRow } from '../../domain/rollup-row.js';
import { Aggregator } from '../aggregate.js';
import type { ClientTable } from '../clients.js';
import { type FieldIndex, isRejection, isSkip, type LineParser } from '../formats/raw-delivery.js';
import { parseFieldsHeader } from '../formats/w3c.js';
import { lineSeconds, type Normalizer } from '../normalize/normalizer.js';

export interface ChunkRejection {
  /** 1-based within the chunk: the importer knows where the chunk starts only once earlier ones are counted. */
  line: number;
  reason: string;
  text: string;
}

export interface ChunkResult {
  lines: number;
  records: number;
  rejected: number;
  skipped: number;
  bytesOut: number;
  rejects: ChunkRejection[];
  /** The aggregator's weight after this chunk (rows plus viewer entries held). */
  weight: number;
  /** Rows the aggregator holds after this chunk. */
  rows: number;
}

export interface ChunkInput {
  /** Whole lines, the last one without its newline. */
  bytes: Uint8Array;
  /** The first line is the tail of a line too long to keep: count it as rejected (it already is in the rejects file). */
  skipFirst: boolean;
  /** The last `#Fields:` line above the chunk, for formats whose columns it names. */
  header?: string | undefined;
}

function decodeChunk(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Access logs are mostly ASCII, and decoding ASCII as latin1 gives the same string faster.
  return isAscii(buffer) ? buffer.toString('latin1') : buffer.toString('utf8');
}

/** Bytes decoded into one string: below V8's large-object threshold (128 KiB) even as two-byte text, so it dies young. */
const PIECE_BYTES = 48 * 1024;

/** A chunk's counts so far, and the columns in force, carried from one decoded piece to the next. */
interface ChunkTally extends Omit<ChunkResult, 'weight' | 'rows'> {
  fields: FieldIndex | undefined;
}

export class ChunkProcessor {
  private readonly aggregator: Aggregator;
  private readonly headers = new Map<string, FieldIndex>();

  constructor(
    private readonly parse: LineParser,
    /** The parser reads lines where they lie in the chunk (FormatSpec `inPlace`). */
    private readonly inPlace: boolean,
    private readonly normalize: Normalizer,
    hashViewer: (viewer: string) => bigint,
    private readonly clients: ClientTable,
  ) {
    this.aggregator = new Aggregator(hashViewer);
  }

  process(input: ChunkInput): ChunkResult {
    const { bytes } = input;
    const tally: ChunkTally = {
      lines: 0,
      records: 0,
      rejected: 0,
      skipped: 0,
      bytesOut: 0,
      rejects: [],
      fields: this.fieldsOf(input.header),
    };
    // Decoded a piece at a time: a string of a megabyte lands in V8's large-object space, and one
    // per chunk makes every worker run a full collection every few chunks.
    for (let from = 0; from <= bytes.length; ) {
      let to = bytes.length;
      if (to - from > PIECE_BYTES) {
        const newline = bytes.lastIndexOf(10, from + PIECE_BYTES);
        to = newline > from ? newline : bytes.indexOf(10, from + PIECE_BYTES);
        if (to < 0) to = bytes.length;
      }
      this.walk(decodeChunk(bytes.subarray(from, to)), input.skipFirst && from === 0, tally);
      from = to + 1;
    }
    const { aggregator } = this;
    return {
      lines: tally.lines,
      records: tally.records,
      rejected: tally.rejected,
      skipped: tally.skipped,
      bytesOut: tally.bytesOut,
      rejects: tally.rejects,
      weight: aggregator.weight,
      rows: aggregator.rows,
    };
  }

  /** Counts the lines of `text` into `tally`; `skipFirst`: its first line is the tail of a refused one. */
  private walk(text: string, skipFirst: boolean, tally: ChunkTally): void {
    const { parse, inPlace, normalize, aggregator, clients } = this;
    const context = { fields: tally.fields };
    const rejects = tally.rejects;
    let lines = tally.lines;
    let records = 0;
    let rejected = 0;
    let skipped = 0;
    let bytesOut = 0;
    // Lines are walked in place: `split` would allocate a string per line.
    for (let start = 0; start <= text.length; ) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const next = end + 1;
      lines += 1;
      if (skipFirst && start === 0) {
        rejected += 1;
        start = next;
        continue;
      }
      if (end > start && text.charCodeAt(end - 1) === 13) end -= 1;
      if (end === start || text.charCodeAt(start) === 35 /* # */) {
        // Directives (`#Version`, `#Fields`, comments) are skipped; `#Fields` names the columns below it.
        if (text.startsWith('#Fields:', start)) context.fields = this.fieldsOf(text.slice(start, end));
        skipped += 1;
        start = next;
        continue;
      }
      const parsed = inPlace ? parse(text, context, start, end) : parse(text.slice(start, end), context);
      if (isRejection(parsed)) {
        rejects.push({ line: lines, reason: parsed.reason, text: text.slice(start, end) });
        rejected += 1;
        start = next;
        continue;
      }
      start = next;
      if (isSkip(parsed)) {
        skipped += 1;
        continue;
      }
      const client = clients.get(parsed.client);
      const normalized = normalize(parsed, client.country);
      const extra = parsed.extra;
      const row = aggregator.countLine(
        normalized.cell,
        parsed.time,
        parsed.status,
        parsed.bytesOut,
        parsed.bytesIn,
        lineSeconds(parsed, normalized),
        extra?.commands ?? 0,
        extra?.starts ?? 0,
        extra?.authFailure ?? false,
      );
      // The viewer: the session when the log names one ('' = nobody), else the client address.
      const session = extra?.session;
      if (session === undefined) {
        if (client.address !== '') aggregator.viewerByClient(row, client);
      } else if (session !== '') aggregator.viewerByName(row, session);
      records += 1;
      bytesOut += parsed.bytesOut;
    }
    tally.lines = lines;
    tally.records += records;
    tally.rejected += rejected;
    tally.skipped += skipped;
    tally.bytesOut += bytesOut;
    tally.fields = context.fields;
  }

  /** Parsed `#Fields:` headers by their text: a file repeats the same header many times. */
  private fieldsOf(header: string | undefined): FieldIndex | undefined {
    if (header === undefined) return undefined;
    let fields = this.headers.get(header);
    if (fields === undefined) {
      fields = parseFieldsHeader(header);
      if (fields === undefined) return undefined;
      if (this.headers.size > 100) this.headers.clear();
      this.headers.set(header, fields);
    }
    return fields;
  }

  drain(): RollupRow[] {
    return this.aggregator.drain();
  }
}
