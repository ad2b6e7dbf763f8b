/**
 * What a file holds before its lines are read: its format (for `--format auto`), and for W3C
 * formats the `#Fields:` header in force at the offset an import resumes from.
 */
import { AppError } from '../domain/errors.js';
import { detectFormat, type FormatSpec } from './formats/index.js';
import { parseFieldsHeader } from './formats/w3c.js';
import { type Compression, openContent } from './source-file.js';

/** One read of a file while looking back for its `#Fields:` line. */
const READ_BYTES = 1 << 20;

function firstLines(head: Buffer): string[] {
  const lines = head.toString('utf8').split('\n').slice(0, 20);
  return lines.length > 1 ? lines.slice(0, -1) : lines;
}

/** The name of the format `--format auto` would pick from these first bytes, if any. */
export function likelyFormat(head: Buffer): string | undefined {
  return detectFormat(firstLines(head))?.name;
}

/** The format `--format auto` picks for a file, from the first lines of its head. */
export function detectFileFormat(path: string, head: Buffer): FormatSpec {
  const format = detectFormat(firstLines(head));
  if (format === undefined) {
    throw new AppError(
      'unsupported-format',
      `${path}: cannot detect the log format from its first lines (use --format)`,
      {
        param: 'format',
      },
    );
  }
  return format;
}

/**
 * The `#Fields:` line in force at content offset `offset`. At the start of a file the first line
 * must be a directive: W3C data without its header cannot be split into named columns, and a file
 * whose tabs were expanded to spaces (a copy pasted through an editor) looks exactly like that.
 */
export async function headerAt(
  path: string,
  format: FormatSpec,
  offset: number,
  head: Buffer,
  compression: Compression,
): Promise<string | undefined> {
  if (offset === 0) {
    if (head[0] !== 35 /* # */) {
      throw new AppError(
        'unsupported-format',
        `${path}: ${format.name} logs start with #Version/#Fields header lines, and this file does not (was it cut, or were its tabs expanded to spaces?); nothing was imported`,
        { param: 'format' },
      );
    }
    return undefined;
  }
  let found: string | undefined;
  let carry = Buffer.alloc(0);
  const { chunks } = openContent(path, compression, 0, READ_BYTES);
  let read = 0;
  for await (const chunk of chunks) {
    const part = chunk.subarray(0, Math.max(0, Math.min(chunk.length, offset - read)));
    read += chunk.length;
    const buffer = Buffer.concat([carry, part]);
    const lastNewline = buffer.lastIndexOf(10);
    if (lastNewline >= 0) {
      found = lastFieldsLine(buffer.subarray(0, lastNewline)) ?? found;
      carry = Buffer.from(buffer.subarray(lastNewline + 1));
    } else carry = buffer;
    if (read >= offset) break;
  }
  return found;
}

const FIELDS = Buffer.from('#Fields:');

/** The last `#Fields:` line among whole lines, as text. */
export function lastFieldsLine(bytes: Uint8Array): string | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (
    let at = buffer.lastIndexOf(FIELDS);
    at >= 0;
    at = at === 0 ? -1 : buffer.lastIndexOf(FIELDS, at - 1)
  ) {
    if (at === 0 || buffer[at - 1] === 10) {
      const end = buffer.indexOf(10, at);
      const line = buffer.toString('utf8', at, end < 0 ? buffer.length : end).replace(/\r$/, '');
      return parseFieldsHeader(line) ? line : undefined;
    }
  }
  return undefined;
}
