/**
 * A copy of a string that does not share memory with its source. V8 represents `slice()` results
 * as views into the parent string, so caching a slice of a 1 MiB chunk of log text would keep the
 * whole chunk alive for as long as the cache holds it; long-lived keys are copied with this.
 */

/**
 * V8 copies a slice shorter than this instead of viewing its parent (measured: 200 kept slices of
 * 12 characters from 1 MiB strings keep 5 MiB of heap, of 13 characters 204 MiB). Most dimensions
 * (`vod`, `hls`, `720p`, a country) are that short: a new cell per request then copies only the
 * long ones.
 */
const SHORTEST_VIEW = 13;

export function ownString(text: string): string {
  if (text.length < SHORTEST_VIEW) return text;
  // Slicing a concatenation makes V8 flatten it into a fresh string first; the result refers to
  // that copy, not to `text`'s parent (measured: 200 cached slices of 1 MB strings keep 4 MiB, not 197).
  return ` ${text}`.slice(1);
}
