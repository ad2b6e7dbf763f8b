/**
 * Normalisation: a parsed line -> the Cell (account + dimensions) its usage is counted under and
 * the viewing seconds it stands for. The meaning is line-resolver.ts's; this file composes it with
 * the caches that make it fast: path-cache.ts (per origin and path, or per directory the rules
 * decide), cell-interner.ts (one Cell object per cell) and, per cached path, one result per
 * client country seen.
 */
import type { RowDimensions } from '../../domain/cell.js';
import { isOk } from '../../domain/metrics.js';
import type { DeliveryRecord } from '../../domain/record.js';
import type { Cell } from '../cell.js';
import type { RawDelivery } from '../formats/raw-delivery.js';
import { CellInterner } from './cell-interner.js';
import { createLineResolver, type NormalizeOptions } from './line-resolver.js';
import { createPathCache } from './path-cache.js';

/** What normalisation decides for one (host, path): shared, never mutated. */
export interface Normalized {
  cell: Cell;
  /** Viewing seconds a successful request stands for (the rule's segmentSeconds), else 0. */
  segmentSeconds: number;
}

/** Paths, directories and cells held before a cache is cleared. */
const CACHE_LIMIT = 200_000;

/**
 * What an (origin, path) resolves to: its result for the first client country seen, and for
 * other countries as they come (a path is mostly fetched from a handful).
 */
interface PathEntry {
  account: string;
  edgeZone: string | undefined;
  first: Normalized;
  firstCountry: string;
  /** Further countries and their results, in parallel (small arrays: cheaper than a Map per path). */
  countries: string[] | undefined;
  results: Normalized[] | undefined;
}

/** Normalises a parsed line whose client is in `country` ('' when unknown). */
export type Normalizer = (raw: RawDelivery, country?: string) => Normalized;

export function createNormalizer(options: NormalizeOptions): Normalizer {
  const resolver = createLineResolver(options);
  const cells = new CellInterner(CACHE_LIMIT);

  const entryOf = createPathCache(
    (raw, urlPath, country): PathEntry => {
      const r = resolver.resolve(raw, urlPath, country);
      return {
        account: r.account,
        edgeZone: r.edgeZone,
        first: { cell: cells.cellFor(r.account, r.dims), segmentSeconds: r.segmentSeconds },
        firstCountry: country,
        countries: undefined,
        results: undefined,
      };
    },
    { pathRules: options.pathRules, withEdge: options.edgeZones !== undefined, limit: CACHE_LIMIT },
  );

  /** The entry's Normalized for a client from `country`, built once per (entry, country). */
  const forCountry = (entry: PathEntry, country: string): Normalized => {
    if (country === entry.firstCountry) return entry.first;
    const at = entry.countries?.indexOf(country) ?? -1;
    if (at >= 0) return entry.results?.[at] as Normalized;
    const c = entry.first.cell;
    // Built field by field from the first cell (owned strings): an object spread costs microseconds.
    const dims: RowDimensions = {
      app: c.app,
      resource: c.resource,
      kind: c.kind,
      target: c.target,
      rendition: c.rendition,
      protocol: c.protocol,
      zone: resolver.zoneFor(country, entry.edgeZone),
      country,
    };
    const found = { cell: cells.cellFor(entry.account, dims), segmentSeconds: entry.first.segmentSeconds };
    entry.countries ??= [];
    entry.countries.push(country);
    entry.results ??= [];
    entry.results.push(found);
    return found;
  };

  return (raw, country = '') => {
    const extra = raw.extra;
    if (extra?.dims !== undefined) {
      const { account, dims } = resolver.adopt(extra.dims, extra.account);
      return { cell: cells.cellFor(account, dims), segmentSeconds: 0 };
    }
    return forCountry(entryOf(raw, country), country);
  };
}

/** Viewing seconds a line stands for: what the log says, else the rule's segmentSeconds for a success. */
export function lineSeconds(raw: RawDelivery, normalized: Normalized): number {
  return raw.extra?.seconds ?? (isOk(raw.status) ? normalized.segmentSeconds : 0);
}

/** The full DeliveryRecord of a parsed line (for tests and tools; the importer uses the Cell directly). */
export function toRecord(raw: RawDelivery, normalized: Normalized): DeliveryRecord {
  const { cell } = normalized;
  return {
    time: raw.time,
    account: cell.account,
    app: cell.app,
    resource: cell.resource,
    kind: cell.kind as DeliveryRecord['kind'],
    target: cell.target,
    rendition: cell.rendition,
    protocol: cell.protocol,
    zone: cell.zone,
    country: cell.country,
    status: raw.status,
    bytesOut: raw.bytesOut,
    bytesIn: raw.bytesIn,
    viewer: raw.extra?.session ?? raw.client,
    seconds: lineSeconds(raw, normalized),
    commands: raw.extra?.commands ?? 0,
    starts: raw.extra?.starts ?? 0,
  };
}
