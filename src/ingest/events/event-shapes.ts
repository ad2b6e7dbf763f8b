/**
 * The shapes log shippers send, brought to Tally's event fields before an event is checked, so
 * Vector, Fluent Bit and CloudEvents producers post without a remap step:
 * - CloudEvents (structured mode, one event or a batch): `type` is the kind (`delivery`, or a
 *   dotted name ending in it, `com.example.delivery`), `subject` the account, `id` and `time` as
 *   they are, `data` the fields; `specversion`, `source`, `datacontenttype`, `dataschema` are the
 *   envelope;
 * - Fluent Bit's `date` (epoch seconds, a float) and Vector's `timestamp` (ISO 8601) stand for
 *   `time` when the event has none; `host`, `source_type`, `file`, `tag`, `message`, `path` and
 *   `source` (metadata those shippers add) are set aside;
 * - snake_case field names (`bytes_out`) are read as Tally's (`bytesOut`);
 * - times may be ISO 8601, epoch milliseconds or epoch seconds (with or without a fraction: a
 *   number below 10^11 is seconds, since 10^11 ms is in 1973 and 10^11 s in the year 5138).
 * Any other field is refused by name for the whole request, never silently ignored: a misspelt
 * `bytes_out` would otherwise store 0 bytes.
 */
import { badParameter } from '../../domain/errors.js';
import { nearestName } from '../../domain/nearest-name.js';

const COMMON = ['kind', 'id', 'account'];
/** The fields each kind reads (DESIGN section 2 and docs/api/events.md). */
const FIELDS: Record<string, readonly string[]> = {
  delivery: [
    ...COMMON,
    'time',
    'type',
    'app',
    'resource',
    'target',
    'rendition',
    'protocol',
    'zone',
    'country',
    'status',
    'bytesOut',
    'bytesIn',
    'viewer',
    'seconds',
    'commands',
    'starts',
  ],
  transcoder: [
    ...COMMON,
    'transcoder_id',
    'name',
    'transcoder_type',
    'billing_mode',
    'start',
    'end',
    'egress_bytes',
  ],
  storage: [...COMMON, 'time', 'bytes', 'subject'],
  transcoding: [...COMMON, 'time', 'type', 'minutes', 'renditions', 'subject'],
  packaging: [...COMMON, 'time', 'minutes', 'subject'],
};
const TIME_FIELDS = new Set(['time', 'start', 'end']);
/** Added by Vector and Fluent Bit to every record they ship. */
const SHIPPER_METADATA = new Set(['host', 'source_type', 'file', 'tag', 'message', 'path', 'source']);
const CLOUDEVENT_ENVELOPE = new Set(['specversion', 'source', 'datacontenttype', 'dataschema']);

function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Epoch seconds (below 10^11, fractions allowed) as milliseconds; anything else as it is. */
function timeValue(value: unknown): unknown {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value;
  return Math.abs(value) < 1e11 ? Math.round(value * 1000) : value;
}

/** The CloudEvent's fields as a flat event; the envelope's own checks are the event's. */
function fromCloudEvent(e: Record<string, unknown>, index: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const data = e.data;
  if (data !== undefined && (typeof data !== 'object' || data === null || Array.isArray(data)))
    throw badParameter(`events[${index}].data`, 'must be a JSON object of the event fields');
  for (const [key, value] of Object.entries(e)) {
    if (key === 'data' || CLOUDEVENT_ENVELOPE.has(key)) continue;
    if (key === 'type') out.kind = typeof value === 'string' ? (value.split('.').at(-1) ?? value) : value;
    else if (key === 'subject') out.account = value;
    else out[key] = value;
  }
  return { ...(data as Record<string, unknown> | undefined), ...out };
}

/**
 * One event in Tally's own fields; `index` places an error. A value that is not an object is
 * returned as it is (the event check rejects it with its index).
 */
export function normalizeEvent(value: unknown, index: number): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  let e = value as Record<string, unknown>;
  if ('specversion' in e) e = fromCloudEvent(e, index);
  const kind = typeof e.kind === 'string' ? e.kind : undefined;
  const known = kind === undefined ? undefined : FIELDS[kind];
  if (known === undefined) return e; // the event check names the kind's problem
  const out: Record<string, unknown> = {};
  let shipperTime: unknown;
  for (const [key, raw] of Object.entries(e)) {
    if (key === 'date' || key === 'timestamp') {
      shipperTime = raw;
      continue;
    }
    const name = known.includes(key) ? key : camel(key);
    if (!known.includes(name)) {
      if (SHIPPER_METADATA.has(key)) continue;
      const near = nearestName(name, known);
      // Suggested in the sender's own style: snake_case to a snake_case sender.
      const shown = near && key.includes('_') ? near.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : near;
      const hint = shown ? `did you mean '${shown}'?` : `a ${kind} event has ${known.join(', ')}`;
      throw badParameter(`events[${index}].${key}`, `unknown field (${hint})`);
    }
    out[name] = TIME_FIELDS.has(name) ? timeValue(raw) : raw;
  }
  if (out.time === undefined && shipperTime !== undefined && known.includes('time'))
    out.time = timeValue(shipperTime);
  return out;
}
