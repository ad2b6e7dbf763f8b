/** An imported log file as Tally knows it: its identity and progress. */

/** A log file's identity and progress (DESIGN section 4). */
export interface SourceState {
  id: string;
  /** Path the source was last imported from (informational: identity is the content). */
  path: string;
  /** Length and SHA-256 of the head the fingerprint covers (64 KiB, or the whole file if shorter). */
  headLength: number;
  headHash: string;
  /** Byte offset after the last committed complete line. */
  offset: number;
  lines: number;
  records: number;
  rejected: number;
  bytesOut: number;
  firstImported: number;
  lastImported: number;
  /** The format its lines were read as the last time any were (absent for sources imported before it was kept). */
  format?: string | undefined;
}

/** The source every event's usage is stored under (`tally sources forget events` removes it). */
export const EVENTS_SOURCE = 'events';
