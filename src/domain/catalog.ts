/**
 * The catalog: what usage is reported per in Wowza's API, with the ids, names and flags logs do
 * not carry. Stream targets and VOD streams are found in usage by the `target` dimension (a path
 * rule's `target` group, or the entry's `match`); transcoders are the subjects of transcoder meters.
 */
import { randomBytes } from 'node:crypto';
import { badParameter } from './errors.js';

export const CATALOG_KINDS = ['stream_target', 'transcoder', 'vod_stream'] as const;
export type CatalogKind = (typeof CATALOG_KINDS)[number];

export const TRANSCODER_TYPES = ['transcoded', 'passthrough'] as const;
export const BILLING_MODES = ['pay_as_you_go', 'twentyfour_seven'] as const;

/** Which deliveries belong to a stream target or VOD stream when no path rule names it. */
export interface CatalogMatch {
  /** App names (first path segment by default). */
  apps?: string[] | undefined;
  /** Resource patterns: `*` matches any run of characters (`live/news*`). */
  resources?: string[] | undefined;
  /** Host names; `*.example.com` covers subdomains. */
  hosts?: string[] | undefined;
}

export interface CatalogEntry {
  kind: CatalogKind;
  /** 8 lowercase letters and digits, like Wowza's ids. */
  id: string;
  account: string;
  name: string;
  /** Stream targets and VOD streams: `fastly`, `ull`, ...; transcoders: `transcoded` or `passthrough`. */
  type: string;
  /** Transcoders only: `pay_as_you_go` or `twentyfour_seven`; '' otherwise. */
  billingMode: string;
  archived: boolean;
  /** Stream targets: deleted in the platform (it is archived too; its usage stays). */
  deleted: boolean;
  match?: CatalogMatch | undefined;
}

const ID = /^[a-z0-9]{8}$/;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function isCatalogKind(name: string): name is CatalogKind {
  return (CATALOG_KINDS as readonly string[]).includes(name);
}

export function isCatalogId(id: string): boolean {
  return ID.test(id);
}

/** A fresh id in Wowza's form. */
export function newCatalogId(): string {
  let id = '';
  for (const byte of randomBytes(16)) {
    if (byte < 252) id += ID_ALPHABET[byte % 36];
    if (id.length === 8) return id;
  }
  return newCatalogId();
}

/** Checks an entry's fields, naming the first bad one (`param` prefix, e.g. `catalog.transcoders[0]`). */
export function checkCatalogEntry(entry: CatalogEntry, param = entry.kind): CatalogEntry {
  if (!ID.test(entry.id))
    throw badParameter(`${param}.id`, `'${entry.id}' is not 8 lowercase letters or digits`);
  if (entry.name.length > 255) throw badParameter(`${param}.name`, 'at most 255 characters');
  if (entry.kind === 'transcoder') {
    if (!(TRANSCODER_TYPES as readonly string[]).includes(entry.type)) {
      throw badParameter(`${param}.transcoder_type`, `one of ${TRANSCODER_TYPES.join(', ')}`);
    }
    if (!(BILLING_MODES as readonly string[]).includes(entry.billingMode)) {
      throw badParameter(`${param}.billing_mode`, `one of ${BILLING_MODES.join(', ')}`);
    }
  } else if (!/^[a-z0-9_]{1,32}$/.test(entry.type)) {
    throw badParameter(`${param}.type`, `'${entry.type}' is not a type name such as fastly or ull`);
  }
  return entry;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  return p.startsWith('*.') ? host.endsWith(p.slice(1)) : host === p;
}

export interface TargetOrigin {
  account: string;
  host: string;
  app: string;
  resource: string;
}

/**
 * Builds the resolver from a delivery's origin to the stream target or VOD stream it belongs to
 * ('' when none): the first entry of the record's account whose every given condition holds.
 */
export function createTargetMatcher(entries: readonly CatalogEntry[]): (origin: TargetOrigin) => string {
  const compiled = entries
    .filter((e) => e.kind !== 'transcoder' && e.match !== undefined && !e.deleted)
    .map((e) => ({
      id: e.id,
      account: e.account,
      apps: e.match?.apps,
      resources: e.match?.resources?.map(globToRegExp),
      hosts: e.match?.hosts,
    }))
    .filter((e) => e.apps !== undefined || e.resources !== undefined || e.hosts !== undefined);
  if (compiled.length === 0) return () => '';
  return ({ account, host, app, resource }) => {
    for (const e of compiled) {
      if (e.account !== account) continue;
      if (e.apps !== undefined && !e.apps.includes(app)) continue;
      if (e.resources !== undefined && !e.resources.some((r) => r.test(resource))) continue;
      if (e.hosts !== undefined && !e.hosts.some((h) => hostMatches(h, host.toLowerCase()))) continue;
      return e.id;
    }
    return '';
  };
}
