/** JSON schemas shared by the native routes (they also generate /v1/openapi.json). */
import { DIMENSIONS } from '../../domain/dimensions.js';

export const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
} as const;

export const accountSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    timezone: { type: 'string' },
    parent: { type: ['string', 'null'] },
    billingDay: {
      type: 'integer',
      minimum: 1,
      maximum: 28,
      description: 'day the billing period starts (Wowza)',
    },
    number: {
      type: 'integer',
      minimum: 1,
      maximum: 2_147_483_647,
      description:
        'ScaleEngine cdn_id / ZenDRIVE service_id: unique; assigned (the next free) when not given, kept when left out',
    },
    match: {
      type: 'object',
      properties: {
        hosts: { type: 'array', items: { type: 'string' } },
        buckets: { type: 'array', items: { type: 'string' } },
        apps: { type: 'array', items: { type: 'string' } },
      },
      additionalProperties: false,
    },
  },
  required: ['id', 'name', 'timezone', 'parent'],
} as const;

/** An account as the API answers it: with the number the store assigned and its suspension. */
export const accountOutSchema = {
  ...accountSchema,
  properties: {
    ...accountSchema.properties,
    suspended: { type: 'boolean' },
  },
} as const;

const text = (description: string) => ({ type: 'string', description }) as const;

export const usageQuerySchema = {
  type: 'object',
  properties: {
    account: text("Account id (defaults to the key's account)"),
    from: text('Start, inclusive: ISO 8601 instant or date (midnight in tz); on a 15-minute boundary'),
    to: text('End, exclusive'),
    tz: text("IANA time zone for windows and bare dates; default the account's zone"),
    granularity: {
      type: 'string',
      enum: ['15m', 'hour', 'day', 'week', 'isoweek', 'month', 'quarter', 'year', 'total'],
    },
    group_by: text(`Comma-separated dimensions: ${DIMENSIONS.join(', ')}`),
    metrics: text('Comma-separated metrics (default: all)'),
    order_by: text('Comma-separated fields, "-" for descending (e.g. -bytes_out)'),
    limit: text('Rows per page, 1..100000 (default 1000)'),
    cursor: text('next_cursor of the previous page'),
    format: {
      type: 'string',
      enum: ['json', 'csv', 'ndjson'],
      description:
        'csv: every row as RFC 4180 text/csv, streamed (also chosen by Accept: text/csv); ndjson: the head, then every row, one object per line (Accept: application/x-ndjson); limit and cursor do not apply to either',
    },
    ...Object.fromEntries(DIMENSIONS.map((d) => [d, text(`Filter: ${d} in this comma-separated list`)])),
  },
  required: ['from', 'to'],
} as const;

export const usageBodySchema = {
  type: 'object',
  properties: {
    account: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    tz: { type: 'string' },
    granularity: { type: 'string' },
    rows: { type: 'array', items: { type: 'object', additionalProperties: { type: ['string', 'number'] } } },
    next_cursor: { type: ['string', 'null'] },
  },
} as const;
