/**
 * The line reader: a file's content from a checkpoint on, cut into pieces of whole lines, with
 * the byte offset each piece ends at. It decides nothing about what lines mean; it only makes sure
 * that every byte is either in a piece, passed over for a stated reason, or left for later:
 * - whole lines come in `lines` pieces (a line split across chunks is joined, once);
 * - the rest of a line an earlier import counted without its newline comes as `counted-rest`;
 * - a line longer than `maxLineBytes` comes as `long-line` (its start) and is passed over to its
 *   newline: the next `lines` piece begins with its rest (`skipFirst`);
 * - `end` gives the offset after the last whole line, what follows it without a newline (`tail`),
 *   and the damage that stopped a compressed stream, if any.
 */
import { type ContentStream, DamagedContent } from './source-file.js';

export type LinePiece =
  | {
      kind: 'lines';
      /** The start of the first line, carried from earlier chunks (a copy), or undefined. */
      carry: Buffer | undefined;
      /** The rest, up to the last newline (excluded): a view, valid until the next piece is asked for. */
      body: Uint8Array;
      /** The first line is the rest of a line passed over as too long. */
      skipFirst: boolean;
      /** Offset after the last newline. */
      end: number;
      /** Bytes of the file read so far (compressed bytes for a compressed file). */
      position: number;
    }
  | {
      kind: 'counted-rest';
      /** Bytes from the checkpoint to and with the next newline (1: only the newline). */
      bytes: number;
      /** Their first KiB. */
      start: Buffer;
    }
  | { kind: 'long-line' /** Its first KiB. */; start: Buffer }
  | {
      kind: 'end';
      /** Offset after the last whole line (and after a long line's bytes passed over). */
      offset: number;
      /** Bytes after the last newline: a last line without its newline, or undefined. */
      tail: Buffer | undefined;
      damage: DamagedContent | undefined;
    };

/**
 * Reads `content`, opened one byte before `from` when `from` > 0 (that byte tells whether the
 * checkpoint follows a newline: when not, an earlier import counted the file's last line without
 * one, and the bytes up to the next newline finish that line).
 */
export async function* readLinePieces(
  content: ContentStream,
  from: number,
  maxLineBytes: number,
): AsyncGenerator<LinePiece> {
  let offset = from;
  let carry: Buffer | undefined;
  let skipping = false;
  let lookBehind = from > 0;
  let finishing: { bytes: number; start: Buffer } | undefined;
  let damage: DamagedContent | undefined;
  try {
    for await (let chunk of content.chunks) {
      if (lookBehind) {
        lookBehind = false;
        if (chunk[0] !== 10) finishing = { bytes: 0, start: Buffer.alloc(0) };
        chunk = chunk.subarray(1);
      }
      if (finishing) {
        const newline = chunk.indexOf(10);
        const end = newline < 0 ? chunk.length : newline + 1;
        if (finishing.start.length < 1024)
          finishing.start = Buffer.concat([finishing.start, chunk.subarray(0, Math.min(end, 1024))]);
        finishing.bytes += end;
        offset += end;
        chunk = chunk.subarray(end);
        if (newline >= 0) {
          yield { kind: 'counted-rest', bytes: finishing.bytes, start: finishing.start.subarray(0, 1024) };
          finishing = undefined;
        }
      }
      if (chunk.length === 0) continue;
      // `carry` holds no newline, so the chunk's last newline ends the whole lines.
      const lastNewline = chunk.lastIndexOf(10);
      if (lastNewline < 0) {
        if (skipping && carry === undefined) {
          // More of a line already refused for its length: passed over, not held.
          offset += chunk.length;
          continue;
        }
        carry = carry ? Buffer.concat([carry, chunk]) : Buffer.from(chunk);
        if (carry.length > maxLineBytes) {
          // Only the line's start is kept (for the rejects file); it is counted when its newline arrives.
          if (!skipping) yield { kind: 'long-line', start: carry.subarray(0, 1024) };
          skipping = true;
          offset += carry.length;
          carry = undefined;
        }
        continue;
      }
      const held = carry;
      carry = lastNewline + 1 < chunk.length ? Buffer.from(chunk.subarray(lastNewline + 1)) : undefined;
      offset += (held?.length ?? 0) + lastNewline + 1;
      yield {
        kind: 'lines',
        carry: held,
        body: chunk.subarray(0, lastNewline),
        skipFirst: skipping,
        end: offset,
        position: content.fileBytesRead(),
      };
      skipping = false;
    }
  } catch (error) {
    if (!(error instanceof DamagedContent)) throw error;
    damage = error;
  }
  yield { kind: 'end', offset, tail: carry, damage };
}
