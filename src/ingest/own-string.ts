/**
 * A copy of a string that does not share memory with its source. V8 represents `slice()` results
 * as views into the parent string, so caching a slice of a 1 MiB chunk of log text would keep the
 * whole chunk alive for as long as the cache holds it; long-lived keys are copied with this.
 */
export function ownString(text: string): string {
  // Concatenation followed by a flattening read produces a fresh sequential string.
  const copy = ` ${text}`.slice(1);
  return copy.length > 12 ? Buffer.from(copy, 'utf8').toString('utf8') : copy;
}
