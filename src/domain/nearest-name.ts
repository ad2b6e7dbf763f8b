/**
 * "Did you mean": the known name nearest to a misspelt one (case aside, a letter or two off), or
 * undefined when none is near enough to be the likely intent. Used wherever unknown names are
 * refused: config keys, event fields.
 */
import { closest, distance } from 'fastest-levenshtein';

export function nearestName(name: string, known: readonly string[]): string | undefined {
  const lower = known.map((k) => k.toLowerCase());
  const near = closest(name.toLowerCase(), lower);
  const at = lower.indexOf(near);
  const candidate = known[at];
  if (candidate === undefined) return undefined;
  return distance(name.toLowerCase(), near) <= Math.max(2, Math.floor(candidate.length / 3))
    ? candidate
    : undefined;
}
