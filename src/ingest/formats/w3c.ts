/**
 * W3C extended log helpers shared by CloudFront and Wowza: the `#Fields:` header, tab splitting and
 * `date time` columns. Fields are found by name, never by position, because both services add
 * columns over the years (CloudFront logs occur with 24 and 33 fields).
 */
import { decimalAt } from './decimal.js';
import type { FieldIndex } from './raw-delivery.js';

const ZERO_WIDTH = /\u200b|\u200c|\u200d|\ufeff/g;

/**
 * The field index of a `#Fields:` line, or undefined when the line is another directive.
 * Zero-width characters are dropped: some published logs carry U+200B inside field names.
 */
export function parseFieldsHeader(line: string): FieldIndex | undefined {
  if (!line.startsWith('#Fields:')) return undefined;
  const names = line
    .slice('#Fields:'.length)
    .replace(ZERO_WIDTH, '')
    .trim()
    .split(/\s+/)
    .filter((n) => n !== '');
  return new Map(names.map((name, index) => [name, index]));
}

/** Column indexes of the fields a parser reads (-1 for a field the header lacks), resolved once per header. */
export type Columns<N extends string> = Readonly<Record<N, number>> & { readonly limit: number };

/** Memoises `Columns` per header, so a parser resolves names once and indexes arrays per line. */
export function columnResolver<N extends string>(names: readonly N[]): (fields: FieldIndex) => Columns<N> {
  const resolved = new WeakMap<FieldIndex, Columns<N>>();
  return (fields) => {
    let columns = resolved.get(fields);
    if (columns === undefined) {
      const entries = names.map((name) => [name, fields.get(name) ?? -1] as const);
      const limit = Math.max(...entries.map(([, i]) => i)) + 1;
      columns = { ...(Object.fromEntries(entries) as Record<N, number>), limit };
      resolved.set(fields, columns);
    }
    return columns;
  };
}

/**
 * One tab-separated line, split lazily: `read` records where the first `limit` columns start and
 * end, and values are sliced or parsed in place only when asked for. A W3C line has 20 to 40
 * columns of which a parser reads a handful, so this saves most of the per-line allocation.
 * One instance per parser; not re-entrant.
 */
export class TabColumns {
  private line = '';
  private found = 0;
  private readonly starts = new Int32Array(128);
  private readonly ends = new Int32Array(128);

  /** Splits `line` up to `limit` columns (at most 128); returns how many columns it has up to there. */
  read(line: string, limit: number): number {
    this.line = line;
    const max = Math.min(limit, 128);
    let start = 0;
    let n = 0;
    while (n < max) {
      const tab = line.indexOf('\t', start);
      this.starts[n] = start;
      this.ends[n] = tab < 0 ? line.length : tab;
      n += 1;
      if (tab < 0) break;
      start = tab + 1;
    }
    this.found = n;
    return n;
  }

  /** The value of column `index` ('' for `-`, a missing column, or index -1). */
  text(index: number): string {
    if (index < 0 || index >= this.found) return '';
    const start = this.starts[index] as number;
    const end = this.ends[index] as number;
    if (end - start === 1 && this.line.charCodeAt(start) === 45 /* - */) return '';
    return this.line.slice(start, end);
  }

  /** Column `index` as a non-negative integer, read in place: '' or `-` is 0, anything else NaN. */
  count(index: number): number {
    if (index < 0 || index >= this.found) return 0;
    const start = this.starts[index] as number;
    const end = this.ends[index] as number;
    if (end === start || (end - start === 1 && this.line.charCodeAt(start) === 45) /* - */) return 0;
    return decimalAt(this.line, start, end);
  }

  /** True when column `index` holds exactly `text`. */
  is(index: number, text: string): boolean {
    if (index < 0 || index >= this.found) return text === '';
    const start = this.starts[index] as number;
    return (this.ends[index] as number) - start === text.length && this.line.startsWith(text, start);
  }
}

/** Drops zero-width characters, which some published logs carry inside values. */
export function withoutZeroWidth(text: string): string {
  return text.replace(ZERO_WIDTH, '');
}

/** A non-negative integer; '' is 0, anything that is not all digits is NaN. */
export function count(text: string): number {
  return text === '' ? 0 : decimalAt(text, 0, text.length);
}

let lastDate = '';
let lastDateMs = Number.NaN;

/**
 * `2019-12-04` + `21:02:31` (optionally `21:02:31.123`) read as wall-clock time at UTC, in epoch
 * milliseconds; NaN when either part is malformed or the date does not exist.
 */
export function wallClockMs(date: string, time: string): number {
  let day: number;
  if (date === lastDate) day = lastDateMs;
  else {
    const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
    if (!d) return Number.NaN;
    const [y, m, dd] = [Number(d[1]), Number(d[2]), Number(d[3])];
    day = Date.UTC(y, m - 1, dd);
    const check = new Date(day);
    if (check.getUTCMonth() !== m - 1 || check.getUTCDate() !== dd) return Number.NaN;
    lastDate = date;
    lastDateMs = day;
  }
  // HH:MM:SS with optional .f to .fff
  if (time.length < 8 || time.charCodeAt(2) !== 58 || time.charCodeAt(5) !== 58) return Number.NaN;
  const h = twoDigits(time, 0);
  const min = twoDigits(time, 3);
  const s = twoDigits(time, 6);
  if (!(h <= 23 && min <= 59 && s <= 60)) return Number.NaN;
  let ms = 0;
  if (time.length > 8) {
    const fraction = time.slice(9);
    if (time.charCodeAt(8) !== 46 || fraction.length === 0 || fraction.length > 3) return Number.NaN;
    ms = count(fraction.padEnd(3, '0'));
    if (Number.isNaN(ms)) return Number.NaN;
  }
  return day + ((h * 60 + min) * 60 + s) * 1000 + ms;
}

function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : Number.NaN;
}
