/**
 * The configuration file (DESIGN section 5): its schema, and loading it with clear errors.
 * Everything is optional; a missing file is an empty configuration.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import type { Account } from '../domain/account.js';
import { BILLING_MODES, CATALOG_ID, TRANSCODER_TYPES } from '../domain/catalog.js';
import { AppError } from '../domain/errors.js';
import { nearestName } from '../domain/nearest-name.js';
import { isValidTimeZone } from '../domain/time-window.js';

// zod's "mini" build: the same checks and messages as the classic API in a twentieth of the code,
// which every command loads before it does anything (about 25 ms less start-up, docs/PERFORMANCE.md).
z.config(en());

const accountSchema = z.strictObject({
  id: z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)')),
  name: z.optional(z.string()),
  timezone: z.optional(z.string().check(z.refine(isValidTimeZone, 'unknown IANA time zone'))),
  parent: z.optional(z.nullable(z.string())),
  /** Day of the month (1-28) the billing period starts: Wowza's default `from`. Default 1. */
  billingDay: z.optional(z.int().check(z.minimum(1), z.maximum(28))),
  /**
   * ScaleEngine `cdn_id` / ZenDRIVE `service_id`: unique among accounts. The store assigns the next
   * free one when absent; set it to keep the number customers already use.
   */
  number: z.optional(z.int().check(z.minimum(1), z.maximum(2_147_483_647))),
  match: z.optional(
    z.strictObject({
      hosts: z.optional(z.array(z.string())),
      buckets: z.optional(z.array(z.string())),
      apps: z.optional(z.array(z.string())),
    }),
  ),
});

const pathRuleSchema = z
  .strictObject({
    regex: z.optional(z.string()),
    pattern: z.optional(z.string()),
    protocol: z.optional(z.string()),
    kind: z.optional(z.enum(['live', 'vod', ''])),
    target: z.optional(z.string()),
    segmentSeconds: z.optional(z.number().check(z.nonnegative())),
  })
  .check(
    z.refine(
      (r) => (r.regex === undefined) !== (r.pattern === undefined),
      'a rule has exactly one of regex or pattern',
    ),
  );

const catalogMatchSchema = z.strictObject({
  apps: z.optional(z.array(z.string())),
  resources: z.optional(z.array(z.string())),
  hosts: z.optional(z.array(z.string())),
});

const catalogId = z.optional(z.string().check(z.regex(CATALOG_ID, '8 lowercase letters or digits')));
const catalogName = z.optional(z.string().check(z.maxLength(255)));
const catalogType = z.string().check(z.regex(/^[a-z0-9_]{1,32}$/, 'a type name such as fastly or ull'));

/** A stream target or VOD stream; `id` is generated when absent (API and CLI only). */
const streamTargetSchema = z.strictObject({
  id: catalogId,
  account: z.string(),
  name: catalogName,
  type: z.optional(catalogType),
  archived: z.optional(z.boolean()),
  deleted: z.optional(z.boolean()),
  match: z.optional(catalogMatchSchema),
});

const transcoderSchema = z.strictObject({
  id: catalogId,
  account: z.string(),
  name: catalogName,
  transcoderType: z.optional(z.enum(TRANSCODER_TYPES)),
  billingMode: z.optional(z.enum(BILLING_MODES)),
  archived: z.optional(z.boolean()),
});

const positive = () => z.number().check(z.positive());
const positiveInt = () => z.int().check(z.positive());

export const configSchema = z.strictObject({
  /** Stream targets, transcoders and VOD streams (docs/CONFIGURATION.md): written into the store at start. */
  catalog: z.optional(
    z.strictObject({
      streamTargets: z.optional(z.array(streamTargetSchema)),
      transcoders: z.optional(z.array(transcoderSchema)),
      vodStreams: z.optional(z.array(streamTargetSchema)),
    }),
  ),
  /** Billing snapshots (Wowza `bytes_billed`): taken by the server every `snapshotHours` (default 12). */
  billing: z.optional(z.strictObject({ snapshotHours: z.optional(positive()) })),
  accounts: z.optional(z.array(accountSchema)),
  pathRules: z.optional(z.array(pathRuleSchema)),
  zones: z.optional(z.record(z.string(), z.string())),
  /** CloudFront edge location code (`SEA` of `SEA19-C1`) -> billing zone; wins over the country's zone. */
  edgeZones: z.optional(
    z.record(z.string().check(z.regex(/^[A-Za-z]{3}$/, 'a three-letter edge location code')), z.string()),
  ),
  /** Country lookup: `mmdb` a MaxMind-format file (else the bundled DB-IP Lite); `enabled: false` switches it off. */
  geo: z.optional(z.strictObject({ mmdb: z.optional(z.string()), enabled: z.optional(z.boolean()) })),
  retentionDays: z.optional(positiveInt()),
  /** Directories whose files an admin may import by path through the server (`POST /v1/imports`). */
  importDirs: z.optional(z.array(z.string())),
  /**
   * Key sealing HMAC secrets of compatible-API keys (64 hex characters), instead of one derived
   * from the data dir's install.key: lets an operator keep it outside the data dir.
   */
  sealingKey: z.optional(z.string().check(z.regex(/^[0-9a-fA-F]{64}$/, '64 hex characters'))),
  /**
   * Scale-out (docs/SCALE.md): usage in ClickHouse, the registry in PostgreSQL. Absent, the data
   * dir's DuckDB file holds everything. `--store URL` wins over it.
   */
  store: z.optional(
    z.strictObject({
      backend: z.literal('clickhouse'),
      url: z.url({ protocol: /^https?$/ }),
      database: z.optional(z.string()),
      cluster: z.optional(z.string()),
      registry: z.string(),
    }),
  ),
  /** HTTP: TLS-terminating proxies whose X-Forwarded-Proto is trusted (APIs that require HTTPS). */
  http: z.optional(z.strictObject({ trustedProxies: z.optional(z.array(z.string())) })),
  /** Per-key rate limits of the compatible APIs, by scheme: at most `capacity` in any window of `windowSeconds`. */
  rateLimits: z.optional(
    // Partial: a scheme left out keeps its default (zod's record over an enum requires every key).
    z.partialRecord(
      z.enum(['scaleengine', 'wowza', 'ooyala', 'zendrive']),
      z.strictObject({ capacity: positiveInt(), windowSeconds: positive() }),
    ),
  ),
  /** POST /v1/events limits (DESIGN section 4): see docs/api/events.md. */
  events: z.optional(
    z.strictObject({
      dedupDays: z.optional(positive()),
      latenessDays: z.optional(positive()),
      bodyLimitBytes: z.optional(positiveInt()),
    }),
  ),
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
    const message =
      issue?.code === 'unrecognized_keys'
        ? unknownKeys(issue.path, issue.keys)
        : `${where}: ${issue?.message ?? 'invalid'}`;
    throw new AppError('bad-config', `${origin}: ${message}`, { param: 'config' });
  }
  return result.data;
}

/**
 * `pathRule: unknown key (did you mean 'pathRules'?)`: every section refuses keys it does not
 * know, since a misspelt key would otherwise be ignored without a word (and its rules with it).
 */
function unknownKeys(path: readonly PropertyKey[], keys: readonly string[]): string {
  const known = keysAt(configSchema, path);
  return keys
    .map((key) => {
      const where = [...path, key].join('.');
      const near = nearestName(key, known);
      const hint = near
        ? `did you mean '${near}'?`
        : known.length > 0
          ? `one of ${known.join(', ')}`
          : 'not a setting';
      return `${where}: unknown key (${hint})`;
    })
    .join('; ');
}

/** The keys the schema allows at `path` (objects, through optional, nullable, arrays and records). */
function keysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const inner = (next: unknown, rest: readonly PropertyKey[]) => keysAt(next as z.core.$ZodType, rest);
  switch (def.type) {
    case 'optional':
    case 'nullable':
      return inner(def.innerType, path);
    case 'array':
      return path.length === 0 ? [] : inner(def.element, path.slice(1));
    case 'record': {
      if (path.length > 0) return inner(def.valueType, path.slice(1));
      const keyDef = (def.keyType as z.core.$ZodType)._zod.def as unknown as {
        type: string;
        entries?: object;
      };
      return keyDef.type === 'enum' && keyDef.entries ? Object.keys(keyDef.entries) : [];
    }
    case 'object': {
      const shape = def.shape as Record<string, z.core.$ZodType>;
      if (path.length === 0) return Object.keys(shape);
      const next = shape[String(path[0])];
      return next ? keysAt(next, path.slice(1)) : [];
    }
    default:
      return [];
  }
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
    ...(a.number === undefined ? {} : { number: a.number }),
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
    (wanted.billingDay === undefined || stored.billingDay === wanted.billingDay) &&
    (wanted.number === undefined || stored.number === wanted.number)
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
