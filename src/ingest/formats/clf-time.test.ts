import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseClfTime } from './clf-time.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The definition, read the plain way with a regular expression and Date.UTC. */
function reference(text: string): number {
  const m = /^(\d\d)\/([A-Z][a-z][a-z])\/(\d{4}):(\d\d).(\d\d).(\d\d) ([+-])(\d\d)(\d\d)$/.exec(text);
  if (m === null) return Number.NaN;
  const n = (i: number) => Number(m[i]);
  const [day, year, hour, minute, second, offH, offM] = [n(1), n(3), n(4), n(5), n(6), n(8), n(9)];
  const month = MONTHS.indexOf(m[2] as string);
  if (month === -1 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60 || offM > 59)
    return Number.NaN;
  if (new Date(Date.UTC(year, month, day)).getUTCDate() !== day) return Number.NaN;
  const local = Date.UTC(year, month, day, hour, minute, second);
  return local - (m[7] === '-' ? -1 : 1) * (offH * 60 + offM) * 60_000;
}

const two = (n: number) => String(n).padStart(2, '0');

describe('parseClfTime', () => {
  it('reads a timestamp with its offset', () => {
    expect(parseClfTime('10/Oct/2000:13:55:36 -0700')).toBe(Date.parse('2000-10-10T20:55:36Z'));
    // A leap second is the next second, whether or not the line before was of the same day.
    expect(parseClfTime('31/Dec/2026:23:59:60 +0000')).toBe(Date.parse('2027-01-01T00:00:00Z'));
    expect(parseClfTime('31/Dec/2026:23:59:60 +0000')).toBe(Date.parse('2027-01-01T00:00:00Z'));
    expect(parseClfTime('31/Feb/2026:00:00:00 +0000')).toBeNaN();
  });

  it('equals the plain reading on any sequence of timestamps, valid or not, same day or not', () => {
    // Few days and offsets, so that consecutive timestamps often share a day (the remembered one).
    const timestamp = fc
      .record({
        day: fc.constantFrom(1, 9, 29, 30, 31),
        month: fc.constantFrom('Jan', 'Feb', 'Oct', 'oct', 'Foo'),
        year: fc.constantFrom(2024, 2026),
        hour: fc.constantFrom(0, 9, 23, 24),
        minute: fc.constantFrom(0, 30, 59, 60),
        second: fc.constantFrom(0, 1, 59, 60, 61),
        offset: fc.constantFrom('+0000', '-0700', '+0530', '+0545', '+0540', '+0060', '*0000'),
        glitch: fc.constantFrom('', '', '', 'x', '1'),
        at: fc.integer({ min: 0, max: 25 }),
      })
      .map((t) => {
        const text = `${two(t.day)}/${t.month}/${t.year}:${two(t.hour)}:${two(t.minute)}:${two(t.second)} ${t.offset}`;
        return t.glitch === '' ? text : `${text.slice(0, t.at)}${t.glitch}${text.slice(t.at + 1)}`;
      });
    fc.assert(
      fc.property(fc.array(timestamp, { minLength: 1, maxLength: 30 }), (texts) => {
        for (const text of texts) expect(parseClfTime(text)).toBe(reference(text));
      }),
      { numRuns: 3000 },
    );
  });
});
