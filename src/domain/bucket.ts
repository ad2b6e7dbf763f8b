/** The storage bucket: 15 minutes, UTC (DESIGN section 3). Kept apart from time-window.ts so the import hot path does not load the calendar library. */

export const BUCKET_MS = 15 * 60 * 1000;

/** The start of the 15-minute UTC bucket holding `ms`. */
export function bucketStart(ms: number): number {
  return Math.floor(ms / BUCKET_MS) * BUCKET_MS;
}
