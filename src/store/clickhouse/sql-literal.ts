/**
 * The one place values become ClickHouse SQL text. ClickHouse 18.16 (Debian's) has no server-side
 * query parameters, so the ClickHouse backend writes values into its statements; every value goes
 * through these functions, which refuse what they cannot encode exactly instead of changing it.
 * No other code builds SQL text from values (biome.json keeps the ClickHouse client inside
 * store/clickhouse/, and the backend's statements take only these literals).
 *
 * Strings: single-quoted; a backslash and a quote are escaped, every control character and DEL
 * are written as `\xHH`, the rest is the string's UTF-8 as it is. A lone UTF-16 surrogate has no
 * UTF-8 form (encoding would silently turn it into U+FFFD), so it is refused.
 */

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

export class LiteralError extends Error {}

/** Lone surrogates: a high one not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function stringLiteral(text: string): string {
  if (LONE_SURROGATE.test(text))
    throw new LiteralError('a string with a lone UTF-16 surrogate has no UTF-8 form');
  let out = "'";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) out += '\\\\';
    else if (c === 0x27) out += "\\'";
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += text[i];
  }
  return `${out}'`;
}

/** A signed 64-bit integer (a number must be a safe integer, so that it is exactly the value meant). */
export function int64Literal(value: number | bigint): string {
  const v = exactInteger(value);
  if (v < INT64_MIN || v > INT64_MAX) throw new LiteralError(`${v} is out of the Int64 range`);
  return v.toString();
}

/** An unsigned 64-bit integer. */
export function uint64Literal(value: number | bigint): string {
  const v = exactInteger(value);
  if (v < 0n || v > UINT64_MAX) throw new LiteralError(`${v} is out of the UInt64 range`);
  return v.toString();
}

/** A finite double, written so that it reads back as the same double. */
export function float64Literal(value: number): string {
  if (!Number.isFinite(value)) throw new LiteralError(`${value} is not a finite number`);
  // JavaScript's shortest round-trip form; -0 reads as 0, which sums and compares the same.
  return Object.is(value, -0) ? '0' : String(value);
}

/** An array of literals already encoded by the functions above. */
export function arrayLiteral(encoded: readonly string[]): string {
  return `[${encoded.join(', ')}]`;
}

function exactInteger(value: number | bigint): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new LiteralError(`${value} is not a safe integer`);
  return BigInt(value);
}
