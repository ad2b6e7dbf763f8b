/** Comparing a presented credential with the expected one without telling, by timing, where they differ. */
import { timingSafeEqual } from 'node:crypto';

/**
 * True when the two strings are byte for byte the same, compared in constant time. A length
 * mismatch answers at once: the expected lengths (hex digests, fixed-size signatures) are public.
 */
export function sameText(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
