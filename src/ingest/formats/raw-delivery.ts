/** What a format parser extracts from one log line, before path, account and zone rules apply. */
import type { Rejection } from '../../domain/record.js';

export interface RawDelivery {
  /** Epoch milliseconds, UTC. */
  time: number;
  /** Client address (the last one when the log holds an X-Forwarded-For list). */
  client: string;
  /** Virtual host from the log, '' when the format has none. */
  host: string;
  /** Request target as logged: may hold a query string and percent-escapes. */
  target: string;
  status: number;
  bytesOut: number;
  bytesIn: number;
}

/** One pure function per format: never throws, never hangs, whatever the line holds. */
export type LineParser = (line: string) => RawDelivery | Rejection;

export function isRejection(value: RawDelivery | Rejection): value is Rejection {
  return (value as Rejection).reason !== undefined;
}
