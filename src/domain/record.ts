/** DeliveryRecord: one served request, session or event, after normalisation (DESIGN section 2). */
import type { Kind } from './dimensions.js';

export interface DeliveryRecord {
  /** Instant in epoch milliseconds, UTC. */
  time: number;
  account: string;
  app: string;
  resource: string;
  kind: Kind;
  target: string;
  rendition: string;
  protocol: string;
  zone: string;
  country: string;
  status: number;
  bytesOut: number;
  bytesIn: number;
  /** Session id when the source has one, else the client address; hashed before it is stored. */
  viewer: string;
  seconds: number;
  commands: number;
  starts: number;
}

/** A line that could not become a record: counted, and kept with its line number in the rejects file. */
export interface Rejection {
  reason: string;
}
