/** What a format parser extracts from one log line, before path, account and zone rules apply. */

import type { RowDimensions } from '../../domain/cell.js';
import type { Rejection } from '../../domain/record.js';

export interface RawDelivery {
  /** Epoch milliseconds, UTC. */
  time: number;
  /** Client address (the last one when the log holds an X-Forwarded-For list). */
  client: string;
  /** Virtual host from the log, '' when the format has none. */
  host: string;
  /**
   * Request target as logged: may hold a query string and percent-escapes. Formats without URLs
   * (S3 keys, stream names) build one, `/{app}/{name}`, so path rules apply to every format alike.
   */
  target: string;
  status: number;
  bytesOut: number;
  bytesIn: number;
  /** Optional facts only some formats carry; absent means "the format does not say". */
  extra?: RawExtra;
}

export interface RawExtra {
  /** Second host the account rules may match (CloudFront: `cs(Host)` beside `x-host-header`). */
  altHost?: string;
  /** S3 bucket, for account rules that match buckets. */
  bucket?: string;
  /**
   * Path the target continues (S3: `/{bucket}/`): rules see base + target. Kept apart so the
   * target alone, a slice of the line, keys the path cache without building a string per line.
   */
  base?: string;
  /** Protocol the log states (Wowza `c-proto`, RTMP formats); a path rule's protocol still wins. */
  protocol?: string;
  /** CloudFront edge location (`SEA19-C1`): config `edgeZones` may map it to a billing zone. */
  edge?: string;
  /** App and resource when no path rule sets them (stream logs name both; the default takes them from the path). */
  app?: string;
  resource?: string;
  /** Every dimension, for sources that are already normalised (JSON lines): no path rule applies. */
  dims?: RowDimensions;
  /** Account named by the source itself (JSON lines); `--account` still overrides it. */
  account?: string;
  /** Refused for its credentials although the status is not 401/403 (S3 `ExpiredToken` is a 400). */
  authFailure?: boolean;
  /** Session id when the source has one: counted as the viewer instead of the client address. */
  session?: string;
  /** Viewing seconds the line stands for (session and stream logs). */
  seconds?: number;
  commands?: number;
  starts?: number;
}

/**
 * A request target for sources that name an app and a stream instead of a URL: `/{app}/{name}`,
 * with `%`, `?` and `#` escaped so that decoding it once gives the names back exactly.
 */
export function streamTarget(app: string, name: string): string {
  const encode = (text: string) =>
    text.replace(/[%?#]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `/${encode(app)}/${encode(name)}`;
}

/** A line that carries no usage of its own (a Wowza `connect`, say): counted as skipped, not rejected. */
export interface Skip {
  skip: string;
}

/** What a W3C-style `#Fields:` header says: the column index of each field name. */
export type FieldIndex = ReadonlyMap<string, number>;

/** State a line is parsed in: the latest `#Fields:` header seen above it in the file, if any. */
export interface ParseContext {
  fields: FieldIndex | undefined;
}

/**
 * One pure function per format: never throws, never hangs, whatever the line holds. Formats whose
 * spec says `inPlace` also read one line `text[start, end)` of a larger text where it lies.
 */
export type LineParser = (
  text: string,
  context: ParseContext,
  start?: number,
  end?: number,
) => RawDelivery | Rejection | Skip;

export function isRejection(value: RawDelivery | Rejection | Skip): value is Rejection {
  return (value as Rejection).reason !== undefined;
}

export function isSkip(value: RawDelivery | Rejection | Skip): value is Skip {
  return (value as Skip).skip !== undefined;
}

export const NO_CONTEXT: ParseContext = { fields: undefined };
