/**
 * W3C extended log helpers shared by CloudFront and Wowza: the `#Fields:` header, tab splitting and
 * `date time` columns. Fields are found by name, never by position, because both services add
 * columns over the years (CloudFront logs occur with 24 and 33 fields).
 */
import type { FieldIndex } from './raw-delivery.js';

const ZERO_WIDTH = /[\u200b\u200c\u200d\ufeff]/g;

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

/** The value of a field, with W3C's `-` (no value) and zero-width characters turned into ''. */
export function fieldValue(values: readonly string[], fields: FieldIndex, name: string): string {
  const index = fields.get(name);
  if (index === undefined) return '';
  const value = values[index];
  if (value === undefined || value === '-') return '';
  return value.includes('\u200b') ? value.replace(ZERO_WIDTH, '') : value;
}

/** A non-negative integer field; '' and `-` are 0, anything else that is not all digits is NaN. */
export function countField(values: readonly string[], fields: FieldIndex, name: string): number {
  const text = fieldValue(values, fields, name);
  if (text === '') return 0;
  return /^\d+$/.test(text) ? Number(text) : Number.NaN;
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
  const t = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(time);
  if (!t) return Number.NaN;
  const [h, min, s] = [Number(t[1]), Number(t[2]), Number(t[3])];
  if (h > 23 || min > 59 || s > 60) return Number.NaN;
  const ms = t[4] === undefined ? 0 : Number(t[4].padEnd(3, '0'));
  return day + ((h * 60 + min) * 60 + s) * 1000 + ms;
}
