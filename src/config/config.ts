/**
 * The configuration file (DESIGN section 5): its schema, and loading it with clear errors.
 * Everything is optional; a missing file is an empty configuration.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { BILLING_MODES, CATALOG_ID, TRANSCODER_TYPES } from '../domain/catalog.js';
import { AppError } from '../domain/errors.js';
import { isValidTimeZone } from '../domain/time-window.js';
import type { Account } from '../store/store.js';

const accountSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)'),
  name: z.string().optional(),
  timezone: z.string().refine(isValidTimeZone, 'unknown IANA time zone').optional(),
  parent: z.string().nullable().optional(),
  /** Day of the month (1-28) the billing period starts: Wowza's default `from`. Default 1. */
  billingDay: z.number().int().min(1).max(28).optional(),
  match: z
    .object({
      hosts: z.array(z.string()).optional(),
      buckets: z.array(z.string()).optional(),
      apps: z.array(z.string()).optional(),
    })
    .optional(),
});

const pathRuleSchema = z
  .object({
    regex: z.string().optional(),
    pattern: z.string().optional(),
    protocol: z.string().optional(),
    kind: z.enum(['live', 'vod', '']).optional(),
    target: z.string().optional(),
    segmentSeconds: z.number().nonnegative().optional(),
  })
  .refine(
    (r) => (r.regex === undefined) !== (r.pattern === undefined),
    'a rule has exactly one of regex or pattern',
  );

const catalogMatchSchema = z
  .object({
    apps: z.array(z.string()).optional(),
    resources: z.array(z.string()).optional(),
    hosts: z.array(z.string()).optional(),
  })
  .strict();

const catalogId = z.string().regex(CATALOG_ID, '8 lowercase letters or digits').optional();
const catalogName = z.string().max(255).optional();
const catalogType = z.string().regex(/^[a-z0-9_]{1,32}$/, 'a type name such as fastly or ull');

/** A stream target or VOD stream; `id` is generated when absent (API and CLI only). */
const streamTargetSchema = z
  .object({
    id: catalogId,
    account: z.string(),
    name: catalogName,
    type: catalogType.optional(),
    archived: z.boolean().optional(),
    deleted: z.boolean().optional(),
    match: catalogMatchSchema.optional(),
  })
  .strict();

const transcoderSchema = z
  .object({
    id: catalogId,
    account: z.string(),
    name: catalogName,
    transcoderType: z.enum(TRANSCODER_TYPES).optional(),
    billingMode: z.enum(BILLING_MODES).optional(),
    archived: z.boolean().optional(),
  })
  .strict();

export const configSchema = z.object({
  /** Stream targets, transcoders and VOD streams (docs/CONFIGURATION.md): written into the store at start. */
  catalog: z
    .object({
      streamTargets: z.array(streamTargetSchema).optional(),
      transcoders: z.array(transcoderSchema).optional(),
      vodStreams: z.array(streamTargetSchema).optional(),
    })
    .strict()
    .optional(),
  /** Billing snapshots (Wowza `bytes_billed`): taken by the server every `snapshotHours` (default 12). */
  billing: z.object({ snapshotHours: z.number().positive().optional() }).strict().optional(),
  accounts: z.array(accountSchema).optional(),
  pathRules: z.array(pathRuleSchema).optional(),
  zones: z.record(z.string(), z.string()).optional(),
  /** CloudFront edge location code (`SEA` of `SEA19-C1`) -> billing zone; wins over the country's zone. */
  edgeZones: z
    .record(z.string().regex(/^[A-Za-z]{3}$/, 'a three-letter edge location code'), z.string())
    .optional(),
  /** Country lookup: `mmdb` a MaxMind-format file (else the bundled DB-IP Lite); `enabled: false` switches it off. */
  geo: z.object({ mmdb: z.string().optional(), enabled: z.boolean().optional() }).optional(),
  retentionDays: z.number().int().positive().optional(),
  /**
   * Key sealing HMAC secrets of compatible-API keys (64 hex characters), instead of one derived
   * from the data dir's install.key: lets an operator keep it outside the data dir.
   */
  sealingKey: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, '64 hex characters')
    .optional(),
  /** HTTP: TLS-terminating proxies whose X-Forwarded-Proto is trusted (APIs that require HTTPS). */
  http: z.object({ trustedProxies: z.array(z.string()).optional() }).optional(),
  /** Per-key rate limits of the compatible APIs, by scheme: a burst of `capacity` per `windowSeconds`. */
  rateLimits: z
    .record(
      z.enum(['scaleengine', 'wowza', 'ooyala', 'zendrive']),
      z.object({ capacity: z.number().int().positive(), windowSeconds: z.number().positive() }),
    )
    .optional(),
  /** POST /v1/events limits (DESIGN section 4): see docs/api/events.md. */
  events: z
    .object({
      dedupDays: z.number().positive().optional(),
      latenessDays: z.number().positive().optional(),
      bodyLimitBytes: z.number().int().positive().optional(),
    })
    .optional(),
});

export type TallyConfig = z.infer<typeof configSchema>;
export type AccountConfig = z.infer<typeof accountSchema>;
export type PathRuleConfig = z.infer<typeof pathRuleSchema>;
export type StreamTargetConfig = z.infer<typeof streamTargetSchema>;
export type TranscoderConfig = z.infer<typeof transcoderSchema>;

/** Validates a parsed configuration object, naming the first offending field. */
export function validateConfig(value: unknown, origin: string): TallyConfig {
  const result = configSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') || '(top level)';
    throw new AppError('bad-config', `${origin}: ${where}: ${issue?.message ?? 'invalid'}`, {
      param: 'config',
    });
  }
  return result.data;
}

/** A validated account as the store keeps it: the name defaults to the id, the time zone to UTC. */
export function accountOfConfig(a: AccountConfig): Account {
  return {
    id: a.id,
    name: a.name ?? a.id,
    timezone: a.timezone ?? 'UTC',
    parent: a.parent ?? null,
    match: a.match,
    billingDay: a.billingDay,
  };
}

/**
 * True when `stored` already holds everything `wanted` (from accountOfConfig) sets, so putAccount
 * would change nothing. A billing day the config leaves out keeps the stored one.
 */
export function accountUpToDate(stored: Account, wanted: Account): boolean {
  return (
    stored.id === wanted.id &&
    stored.name === wanted.name &&
    stored.timezone === wanted.timezone &&
    stored.parent === wanted.parent &&
    JSON.stringify(stored.match ?? null) === JSON.stringify(wanted.match ?? null) &&
    (wanted.billingDay === undefined || stored.billingDay === wanted.billingDay)
  );
}

/** Validates one account given outside the config file (API body, CLI flags) with the config's schema. */
export function parseAccountInput(input: unknown, origin: string): Account {
  const [account] = validateConfig({ accounts: [input] }, origin).accounts ?? [];
  if (!account) throw new Error('unreachable: validated account missing');
  return accountOfConfig(account);
}

/** Loads `--config FILE`, else `DATA/tally.json` when present, else an empty configuration. */
export function loadConfig(dataDir: string, file?: string): TallyConfig {
  const path = file ?? join(dataDir, 'tally.json');
  if (!existsSync(path)) {
    if (file !== undefined)
      throw new AppError('bad-config', `--config: ${file} does not exist`, { param: 'config' });
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new AppError('bad-config', `${path}: not valid JSON (${(error as Error).message})`, {
      param: 'config',
    });
  }
  return validateConfig(parsed, path);
}
