/**
 * The catalog: what usage is reported per in Wowza's API, with the ids, names and flags logs do
 * not carry. Stream targets and VOD streams are found in usage by the `target` dimension (a path
 * rule's `target` group, or the entry's `match`); transcoders are the subjects of transcoder meters.
 */
import { randomBytes } from 'node:crypto';

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

/** Catalog ids: 8 lowercase letters or digits, like Wowza's. */
export const CATALOG_ID = /^[a-z0-9]{8}$/;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function isCatalogKind(name: string): name is CatalogKind {
  return (CATALOG_KINDS as readonly string[]).includes(name);
}

export function isCatalogId(id: string): boolean {
  return CATALOG_ID.test(id);
}

/**
 * What the Wowza API lists for an id seen in usage that no catalog entry names: named by its id,
 * with the kind's default type.
 */
export function uncataloguedEntry(kind: CatalogKind, account: string, id: string): CatalogEntry {
  const transcoder = kind === 'transcoder';
  return {
    kind,
    id,
    account,
    name: id,
    type: transcoder ? 'transcoded' : 'fastly',
    billingMode: transcoder ? 'pay_as_you_go' : '',
    archived: false,
    deleted: false,
  };
}

/** Whether two entries say the same (an absent match equals no match). */
export function sameCatalogEntry(a: CatalogEntry, b: CatalogEntry): boolean {
  return (
    a.kind === b.kind &&
    a.id === b.id &&
    a.account === b.account &&
    a.name === b.name &&
    a.type === b.type &&
    a.billingMode === b.billingMode &&
    a.archived === b.archived &&
    a.deleted === b.deleted &&
    JSON.stringify(a.match ?? null) === JSON.stringify(b.match ?? null)
  );
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
