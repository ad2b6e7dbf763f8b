import { query } from 'chdb';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  arrayLiteral,
  float64Literal,
  int64Literal,
  LiteralError,
  stringLiteral,
  uint64Literal,
} from './sql-literal.js';

/** What a current ClickHouse (embedded, chdb) reads a SELECT list as: one JSON row. */
function select(list: string): Record<string, unknown> {
  const out = query(`SELECT ${list} SETTINGS output_format_json_quote_64bit_integers = 1`, 'JSONEachRow');
  return JSON.parse(out) as Record<string, unknown>;
}

const AWKWARD = [
  '',
  "it's",
  "''",
  '\\',
  "\\'",
  'C:\\path\\n',
  'a\u0000b',
  'line\nbreak\r\n',
  '\t\b\f\u0007\u000b\u001b\u007f',
  "'); DROP TABLE usage; --",
  'ünïcödé ✓ 日本語',
  'emoji 🎬📺 and a flag 🇫🇷',
  '\u2028\u2029',
  '%_*?',
  '$$ {x:String} ?',
];

describe('stringLiteral', () => {
  test.each([
    ["it's", "'it\\'s'"],
    ['a\\b', "'a\\\\b'"],
    ['a\u0000b', "'a\\x00b'"],
    ['\n\t\u007f', "'\\x0a\\x09\\x7f'"],
    ['日本🎬', "'日本🎬'"],
  ])('%j is written as %s', (text, literal) => {
    expect(stringLiteral(text)).toBe(literal);
  });

  test('a lone surrogate is refused, a pair is kept', () => {
    expect(() => stringLiteral('a\uD800b')).toThrow(LiteralError);
    expect(() => stringLiteral('\uDC00')).toThrow(LiteralError);
    expect(() => stringLiteral('end\uD83C')).toThrow(LiteralError);
    expect(stringLiteral('\uD83C\uDFAC')).toBe("'🎬'");
  });

  test.each(AWKWARD)('ClickHouse reads %j back exactly', (text) => {
    expect(select(`${stringLiteral(text)} AS s, length(s) AS bytes`)).toEqual({
      s: text,
      // UInt64, which JSON output quotes.
      bytes: String(Buffer.byteLength(text)),
    });
  });

  test('any string ClickHouse is given reads back exactly (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const row = select(`${stringLiteral(text)} AS s, length(s) AS bytes`);
        expect(row.s).toBe(text);
        expect(Number(row.bytes)).toBe(Buffer.byteLength(text));
      }),
      { numRuns: 300 },
    );
  });
});

describe('numbers', () => {
  test('Int64 and UInt64 at and past their ends', () => {
    expect(int64Literal(2n ** 63n - 1n)).toBe('9223372036854775807');
    expect(int64Literal(-(2n ** 63n))).toBe('-9223372036854775808');
    expect(() => int64Literal(2n ** 63n)).toThrow(LiteralError);
    expect(() => int64Literal(-(2n ** 63n) - 1n)).toThrow(LiteralError);
    expect(uint64Literal(2n ** 64n - 1n)).toBe('18446744073709551615');
    expect(() => uint64Literal(-1)).toThrow(LiteralError);
    expect(() => uint64Literal(2n ** 64n)).toThrow(LiteralError);
  });

  test('a number that is not exactly an integer is refused, never rounded', () => {
    expect(() => int64Literal(1.5)).toThrow(LiteralError);
    expect(() => int64Literal(2 ** 53)).toThrow(LiteralError);
    expect(() => int64Literal(Number.NaN)).toThrow(LiteralError);
    expect(int64Literal(2 ** 53 - 1)).toBe('9007199254740991');
  });

  test('doubles: finite only, read back as the same double', () => {
    expect(() => float64Literal(Number.NaN)).toThrow(LiteralError);
    expect(() => float64Literal(Number.POSITIVE_INFINITY)).toThrow(LiteralError);
    expect(float64Literal(-0)).toBe('0');
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const row = select(`toFloat64(${float64Literal(v)}) AS v`);
        expect(row.v).toBe(Object.is(v, -0) ? 0 : v);
      }),
      { numRuns: 200 },
    );
  });

  test('ClickHouse reads the 64-bit ends exactly', () => {
    const row = select(
      `toInt64(${int64Literal(-(2n ** 63n))}) AS lo, toInt64(${int64Literal(2n ** 63n - 1n)}) AS hi, toUInt64(${uint64Literal(2n ** 64n - 1n)}) AS u`,
    );
    expect(row).toEqual({ lo: '-9223372036854775808', hi: '9223372036854775807', u: '18446744073709551615' });
  });

  test('arrays of literals', () => {
    const list = arrayLiteral(AWKWARD.map(stringLiteral));
    expect(select(`${list} AS a`)).toEqual({ a: AWKWARD });
  });
});
