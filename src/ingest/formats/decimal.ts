/**
 * The one decimal reader of the parsers: the digits of `text` in [start, end), read in place
 * (no slice). NaN for an empty run, any other character, or a value beyond 2^53 (which a double
 * could not hold exactly: a byte count is refused rather than rounded).
 */
export function decimalAt(text: string, start: number, end: number): number {
  if (end <= start) return Number.NaN;
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    value = value * 10 + d;
  }
  return end - start > 15 && !Number.isSafeInteger(value) ? Number.NaN : value;
}
