/**
 * The fields of each event kind (DESIGN section 4, docs/api/events.md) as zod schemas: what an
 * event must hold and each field's refusal, in one place. `eventSchemaOf` checks one event and
 * answers the first problem as `field: reason`; the checks that depend on the moment (lateness,
 * the future) and on the key are the ingester's. The same schemas, as JSON Schema, describe the
 * events in the OpenAPI document (`eventJsonSchemas`).
 *
 * Delivery events are delivery records, checked by the JSON-lines reader they share with
 * `--format jsonl` (formats/jsonl.ts); here only their common fields are.
 */
import * as z from 'zod/mini';
import { BILLING_MODES, TRANSCODER_TYPES } from '../../domain/catalog.js';
import { instant } from '../formats/jsonl.js';

export const EVENT_KINDS = ['delivery', 'transcoder', 'storage', 'transcoding', 'packaging'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

const NOT_TEXT = 'not a string (at most 1024 characters)';
const absent = (input: unknown) => input === undefined || input === null;

/** Optional text: absent or null reads as ''. */
const text = z.pipe(
  z.nullish(z.string({ error: NOT_TEXT }).check(z.maxLength(1024, NOT_TEXT))),
  z.transform((v) => v ?? ''),
);
const requiredText = z
  .string({ error: (issue) => (absent(issue.input) ? 'required' : NOT_TEXT) })
  .check(z.maxLength(1024, NOT_TEXT));

function amount(integer: boolean, fallback?: number) {
  const reason = `not a non-negative ${integer ? 'integer' : 'number'}`;
  const number = z.number({ error: (issue) => (absent(issue.input) ? 'required' : reason) }).check(
    z.minimum(0, reason),
    z.refine((v: number) => !integer || Number.isSafeInteger(v), reason),
  );
  return fallback === undefined
    ? number
    : z.pipe(
        z.nullish(number),
        z.transform((v) => v ?? fallback),
      );
}

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `one of ${values.join(', ')}` });

/** An instant: ISO 8601 with a zone, or epoch milliseconds; as epoch milliseconds. */
const NOT_INSTANT = 'not an ISO 8601 instant with a zone, nor epoch milliseconds';
const time = z.pipe(
  z.union([z.string(), z.number()], { error: NOT_INSTANT }),
  // instant() answers NaN for what is not one, which the number check refuses.
  z.pipe(
    z.transform((v: string | number) => instant(v)),
    z.number({ error: NOT_INSTANT }),
  ),
);

const ID_RULE = 'a non-empty string of at most 256 characters';

/** Every kind: what it is, whose it is, and its id for de-duplication. */
const common = <K extends EventKind>(kind: K) => ({
  kind: z.literal(kind),
  account: text,
  id: z.optional(z.string({ error: ID_RULE }).check(z.minLength(1, ID_RULE), z.maxLength(256, ID_RULE))),
});

export const EVENT_SCHEMAS = {
  // A delivery's own fields are the JSON-lines record's (formats/jsonl.ts).
  delivery: z.looseObject(common('delivery')),
  transcoder: z.looseObject({
    ...common('transcoder'),
    transcoder_id: requiredText,
    name: text,
    transcoder_type: oneOf(TRANSCODER_TYPES),
    billing_mode: oneOf(BILLING_MODES),
    start: time,
    end: time,
    egress_bytes: amount(true, 0),
  }),
  storage: z.looseObject({ ...common('storage'), time, bytes: amount(true), subject: text }),
  transcoding: z.looseObject({
    ...common('transcoding'),
    time,
    type: oneOf(['vod', 'live'] as const),
    minutes: amount(false),
    renditions: z.pipe(amount(true, 1), z.number().check(z.minimum(1, 'at least 1'))),
    subject: text,
  }),
  packaging: z.looseObject({ ...common('packaging'), time, minutes: amount(false), subject: text }),
} as const;

export type EventOf<K extends EventKind> = z.output<(typeof EVENT_SCHEMAS)[K]>;
export type AnyEvent = { [K in EventKind]: EventOf<K> & { kind: K } }[EventKind];

/** One event checked against its kind's schema: the event, or the first problem as `field: reason`. */
export function checkEvent(value: unknown): { event: AnyEvent } | { problem: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { problem: 'not a JSON object' };
  const kind = (value as { kind?: unknown }).kind;
  if (!EVENT_KINDS.includes(kind as EventKind)) return { problem: `kind: one of ${EVENT_KINDS.join(', ')}` };
  const result = z.safeParse(EVENT_SCHEMAS[kind as EventKind], value);
  if (result.success) return { event: result.data as AnyEvent };
  const issue = result.error.issues[0];
  return { problem: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
}

/** The schemas as JSON Schema (their input side), for the OpenAPI document. */
export function eventJsonSchemas(): Record<string, unknown> {
  return Object.fromEntries(
    EVENT_KINDS.map((kind) => [
      `${kind[0]?.toUpperCase()}${kind.slice(1)}Event`,
      z.toJSONSchema(EVENT_SCHEMAS[kind], { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' }),
    ]),
  );
}
