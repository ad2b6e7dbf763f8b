/**
 * Usage events (`POST /v1/events`, DESIGN section 4): deliveries and meters sent by the platform
 * itself. A batch is checked event by event (a bad event is rejected with its index and reason,
 * the others go on), de-duplicated by `id`, and written in one transaction; the caller answers
 * only after that commit.
 *
 * Kinds and what they store:
 * - `delivery`: a DeliveryRecord (as a JSON line), aggregated like a log line;
 * - `transcoder`: a session [start, end) of a transcoder: `transcode_seconds` and
 *   `transcode_egress_bytes`, split across the 15-minute buckets the session covers;
 * - `storage`: bytes stored at an instant: `storage_peak_bytes` (the window's largest sample);
 * - `transcoding`: VOD or live transcoding minutes and renditions;
 * - `packaging`: live packaging minutes.
 */

import { createHash } from 'node:crypto';
import { BUCKET_MS, bucketStart } from '../../domain/bucket.js';
import { type CatalogEntry, isCatalogId } from '../../domain/catalog.js';
import { AppError } from '../../domain/errors.js';
import type { EventId } from '../../domain/event-id.js';
import type { MeterMetric } from '../../domain/metrics.js';
import type { DeliveryRecord, Rejection } from '../../domain/record.js';
import type { Store } from '../../store/store.js';
import type { MeterRow } from '../../store/usage-store.js';
import { Aggregator } from '../aggregate.js';
import { deliveryFromObject } from '../formats/jsonl.js';
import { isRejection } from '../formats/raw-delivery.js';
import { zoneOf } from '../normalize/line-resolver.js';
import { createTargetMatcher, type TargetOrigin } from '../normalize/target-rules.js';
import { createViewerHasher } from '../viewer-hash.js';
import { checkEvent } from './event-schemas.js';

const DAY_MS = 86_400_000;

/** Limits, with DESIGN section 4's defaults. */
export interface EventLimits {
  /** Ids are remembered this long: a repeat within it is recognised. */
  dedupMs: number;
  /** Events older than this are refused. */
  latenessMs: number;
  /** Events further in the future than this are refused (clock skew allowance). */
  futureMs: number;
  /** Longest transcoder session one event may describe. */
  maxSessionMs: number;
}

export const DEFAULT_EVENT_LIMITS: EventLimits = {
  dedupMs: 35 * DAY_MS,
  latenessMs: 35 * DAY_MS,
  futureMs: 5 * 60_000,
  maxSessionMs: 35 * DAY_MS,
};

export interface EventContext {
  store: Store;
  /** The key's account; null for an admin key (each event then names its account). */
  keyAccount: string | null;
  zones: Readonly<Record<string, string>>;
  secret: Buffer;
  limits: EventLimits;
  now: number;
}

export interface EventError {
  index: number;
  reason: string;
}

export interface EventResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: EventError[];
}

/** What one valid event contributes, before de-duplication. */
interface Parsed {
  index: number;
  account: string;
  id: string | undefined;
  digest: string;
  delivery?: DeliveryRecord;
  meters: MeterRow[];
  /** A transcoder session's description, for the catalog (ids in the catalog's form only). */
  transcoder?: CatalogEntry;
}

class EventRejection extends Error {}

function fail(reason: string): never {
  throw new EventRejection(reason);
}

/** JSON with sorted keys: the same event always has the same digest, however its keys were ordered. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Splits `total` over [start, end) in proportion to each bucket's share of the interval, exactly:
 * the parts are integers (when `total` is) that add up to `total`.
 */
export function splitAcrossBuckets(
  start: number,
  end: number,
  total: number,
  integer: boolean,
): { bucket: number; value: number }[] {
  const parts: { bucket: number; value: number }[] = [];
  const span = BigInt(end - start);
  let done = 0n;
  let given = 0n;
  for (let bucket = bucketStart(start); bucket < end; bucket += BUCKET_MS) {
    const overlap = Math.min(end, bucket + BUCKET_MS) - Math.max(start, bucket);
    if (integer) {
      // Cumulative rounding: each part is floor(total x covered so far / span) minus what was given.
      done += BigInt(overlap);
      const upTo = (BigInt(total) * done) / span;
      parts.push({ bucket, value: Number(upTo - given) });
      given = upTo;
    } else {
      parts.push({ bucket, value: (total * overlap) / (end - start) });
    }
  }
  return parts;
}

export class EventIngester {
  /** One batch at a time: de-duplication reads, then writes, the ids. */
  private queue: Promise<unknown> = Promise.resolve();

  ingest(events: readonly unknown[], ctx: EventContext): Promise<EventResult> {
    const run = this.queue.then(() => ingestBatch(events, ctx));
    this.queue = run.catch(() => undefined);
    return run;
  }
}

async function ingestBatch(events: readonly unknown[], ctx: EventContext): Promise<EventResult> {
  const errors: EventError[] = [];
  const parsed: Parsed[] = [];
  const accounts = new Map<string, boolean>();
  // A delivery event without a target is claimed by a catalog entry's `match`, as a log line is.
  const targetOf = createTargetMatcher(await ctx.store.registry.listCatalog());
  for (let index = 0; index < events.length; index++) {
    try {
      const event = parseEvent(events[index], index, ctx, targetOf);
      let known = accounts.get(event.account);
      if (known === undefined) {
        known = (await ctx.store.registry.getAccount(event.account)) !== undefined;
        accounts.set(event.account, known);
      }
      if (!known) fail(`account: unknown account '${event.account}'`);
      parsed.push(event);
    } catch (error) {
      if (!(error instanceof EventRejection)) throw error;
      errors.push({ index, reason: error.message });
    }
  }

  // De-duplication: against ids already stored, and within the batch itself.
  const withIds = parsed.filter((p) => p.id !== undefined) as (Parsed & { id: string })[];
  const found = await ctx.store.registry.findEventIds(withIds.map((p) => ({ account: p.account, id: p.id })));
  const stored = new Map(found.map((e) => [idKey(e.account, e.id), e.digest]));
  const seen = new Map<string, string>();
  const accepted: Parsed[] = [];
  const ids: EventId[] = [];
  let duplicates = 0;
  for (const p of parsed) {
    if (p.id === undefined) {
      accepted.push(p);
      continue;
    }
    const key = idKey(p.account, p.id);
    const earlier = stored.get(key) ?? seen.get(key);
    if (earlier === undefined) {
      seen.set(key, p.digest);
      ids.push({ account: p.account, id: p.id, digest: p.digest });
      accepted.push(p);
    } else if (earlier === p.digest) {
      duplicates += 1;
    } else {
      throw new AppError(
        'conflict',
        `event ${p.index}: id '${p.id}' was already received with a different payload; nothing in this batch was stored`,
      );
    }
  }

  const aggregator = new Aggregator(createViewerHasher(ctx.secret));
  const meters: MeterRow[] = [];
  const transcoders = new Map<string, CatalogEntry>();
  for (const p of accepted) {
    if (p.delivery) aggregator.add(p.delivery);
    meters.push(...p.meters);
    // The last description of a transcoder in the batch wins.
    if (p.transcoder) transcoders.set(p.transcoder.id, p.transcoder);
  }
  const rollups = aggregator.drain();
  if (accepted.length > 0) {
    await ctx.store.usage.commitEvents({
      ids,
      rollups,
      meters,
      transcoders: [...transcoders.values()],
      accepted: accepted.length,
      receivedAt: ctx.now,
      forgetIdsBefore: ctx.now - ctx.limits.dedupMs,
    });
  }
  return { accepted: accepted.length, duplicates, rejected: errors.length, errors };
}

function parseEvent(
  value: unknown,
  index: number,
  ctx: EventContext,
  targetOf: (origin: TargetOrigin) => string,
): Parsed {
  const checked = checkEvent(value);
  if ('problem' in checked) fail(checked.problem);
  const e = checked.event;
  const named = e.account;
  if (ctx.keyAccount !== null && named !== '' && named !== ctx.keyAccount) {
    fail(`account: this key may only send events for '${ctx.keyAccount}'`);
  }
  const account = named || ctx.keyAccount || fail('account: required with an admin key');
  const id = e.id;
  // The digest is of the event as sent (before defaults), so a repeat is recognised whatever it left out.
  const digest = createHash('sha256').update(canonical(value)).digest('hex');

  const checkTime = (name: string, time: number): number => {
    if (time < ctx.now - ctx.limits.latenessMs) {
      fail(`${name}: older than the lateness limit (${Math.round(ctx.limits.latenessMs / DAY_MS)} days)`);
    }
    if (time > ctx.now + ctx.limits.futureMs) fail(`${name}: more than 5 minutes in the future`);
    return time;
  };
  const meter = (bucket: number, name: MeterMetric, subject: string, v: number): MeterRow => ({
    account,
    bucket,
    meter: name,
    subject,
    value: v,
  });

  const base = { index, account, id, digest };
  switch (e.kind) {
    case 'delivery': {
      // `kind` names the event kind here, so the record's own kind (live/vod) comes as `type`,
      // as in transcoding events.
      const { kind: _kind, id: _id, account: _account, type, ...record } = value as Record<string, unknown>;
      const raw = deliveryFromObject({ ...record, kind: type ?? '' });
      if (isRejection(raw)) fail((raw as Rejection).reason);
      // Its time was checked as an instant by the JSON-lines reader; NaN never reaches here.
      checkTime('time', raw.time);
      const dims = raw.extra?.dims;
      if (!dims) fail('not a delivery record');
      const delivery: DeliveryRecord = {
        time: raw.time,
        account,
        app: dims.app,
        resource: dims.resource,
        kind: dims.kind as DeliveryRecord['kind'],
        target: dims.target || targetOf({ account, host: '', app: dims.app, resource: dims.resource }),
        rendition: dims.rendition,
        protocol: dims.protocol,
        zone: dims.zone || zoneOf(dims.country, ctx.zones),
        country: dims.country,
        status: raw.status,
        bytesOut: raw.bytesOut,
        bytesIn: raw.bytesIn,
        viewer: raw.extra?.session ?? '',
        seconds: raw.extra?.seconds ?? 0,
        commands: raw.extra?.commands ?? 0,
        starts: raw.extra?.starts ?? 0,
      };
      return { ...base, delivery, meters: [] };
    }
    case 'transcoder': {
      const { transcoder_id: transcoder, name, transcoder_type: type, billing_mode: billingMode } = e;
      const start = checkTime('start', e.start);
      const end = checkTime('end', e.end);
      if (!(end > start)) fail('end: must be after start');
      if (end - start > ctx.limits.maxSessionMs) fail('end: a session may cover at most 35 days');
      const egress = e.egress_bytes;
      const meters = [
        ...splitAcrossBuckets(start, end, end - start, true).map((p) =>
          meter(p.bucket, 'transcode_seconds', transcoder, p.value / 1000),
        ),
        ...splitAcrossBuckets(start, end, egress, true)
          .filter((p) => p.value > 0)
          .map((p) => meter(p.bucket, 'transcode_egress_bytes', transcoder, p.value)),
      ];
      if (!isCatalogId(transcoder)) return { ...base, meters };
      const entry: CatalogEntry = {
        kind: 'transcoder',
        id: transcoder,
        account,
        name: name || transcoder,
        type,
        billingMode,
        archived: false,
        deleted: false,
      };
      return { ...base, meters, transcoder: entry };
    }
    case 'storage': {
      const time = checkTime('time', e.time);
      return { ...base, meters: [meter(bucketStart(time), 'storage_peak_bytes', e.subject, e.bytes)] };
    }
    case 'transcoding': {
      const { type, minutes, renditions, subject } = e;
      const bucket = bucketStart(checkTime('time', e.time));
      const meters =
        type === 'vod'
          ? [
              meter(bucket, 'vod_transcoding_minutes', subject, minutes * renditions),
              meter(bucket, 'vod_transcoded_minutes', subject, minutes),
            ]
          : [meter(bucket, 'live_transcoding_minutes', subject, minutes * renditions)];
      return { ...base, meters };
    }
    case 'packaging': {
      const time = checkTime('time', e.time);
      return { ...base, meters: [meter(bucketStart(time), 'live_packaging_minutes', e.subject, e.minutes)] };
    }
  }
}

/** One key for an (account, event id) pair, whatever characters either holds. */
function idKey(account: string, id: string): string {
  return JSON.stringify([account, id]);
}
