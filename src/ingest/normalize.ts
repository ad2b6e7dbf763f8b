/**
 * Normalisation: path rules, account rules, the client's country and the country -> zone map turn
 * a parsed line into a Cell (account + dimensions) and the viewing seconds it stands for. Path
 * results are memoised per (origin, path without query), since a month of logs holds millions of
 * requests for far fewer distinct paths, and query strings (tokens, sessions) would otherwise
 * defeat the cache; each path result then keeps one Cell per country its clients came from.
 */
import type { CatalogEntry } from '../domain/catalog.js';
import type { RowDimensions } from '../domain/cell.js';
import { cellKey } from '../domain/cell-id.js';
import { isOk } from '../domain/metrics.js';
import type { DeliveryRecord } from '../domain/record.js';
import { type AccountMatch, createAccountResolver, DEFAULT_ACCOUNT } from './account-rules.js';
import { type Cell, makeCell } from './cell.js';
import type { RawDelivery, RawExtra } from './formats/raw-delivery.js';
import { ownString } from './own-string.js';
import {
  type CompiledPathRules,
  directoryDecides,
  nameClass,
  type PathDefaults,
  resolvePath,
} from './path-rules.js';
import { createTargetMatcher } from './target-rules.js';
import { cleanPath } from './url-path.js';

export interface NormalizeOptions {
  accounts: readonly AccountMatch[];
  pathRules: CompiledPathRules;
  zones: Readonly<Record<string, string>>;
  /** `--account`: every record of the import goes to this account. */
  forcedAccount?: string | undefined;
  /** Protocol when neither a rule nor the extension says (`http`, or `s3` for S3 logs). */
  defaultProtocol: string;
  /** False where the extension says nothing about the protocol (S3: every request is `s3`). */
  extensionProtocol?: boolean | undefined;
  /** CloudFront edge location code -> billing zone (config `edgeZones`). */
  edgeZones?: Readonly<Record<string, string>> | undefined;
  /** Catalog stream targets and VOD streams whose `match` claims records no path rule assigns a target. */
  targets?: readonly CatalogEntry[] | undefined;
}

/** What normalisation decides for one (host, path): shared, never mutated. */
export interface Normalized {
  cell: Cell;
  /** Viewing seconds a successful request stands for (the rule's segmentSeconds), else 0. */
  segmentSeconds: number;
}

const CACHE_LIMIT = 200_000;
const HIT_RATE_WINDOW = 65_536;
const LOW_HIT_RATE = 0.25;
const SPARSE = 16;
const CLASSES_PER_DIRECTORY = 8;

/** Billing zone of a country: the config's entry for it, else its `*` entry, else `global`. */
export function zoneOf(country: string, zones: Readonly<Record<string, string>>): string {
  if (Object.hasOwn(zones, country)) return zones[country] as string;
  return Object.hasOwn(zones, '*') ? (zones['*'] as string) : 'global';
}

/**
 * What an (origin, path) resolves to: its cell for the first client country seen, and for other
 * countries as they come (a path is mostly fetched from a handful). Holds only Cells, whose strings
 * are owned, so a cached path never pins the chunk of log text it was read from.
 */
interface PathEntry {
  account: string;
  /** The zone the log itself implies (CloudFront edge location), which wins over the country's. */
  edgeZone: string | undefined;
  first: Normalized;
  firstCountry: string;
  /** Further countries and their results, in parallel (small arrays: cheaper than a Map per path). */
  countries: string[] | undefined;
  results: Normalized[] | undefined;
}

/** A directory of plain paths: whether the rules decide it, and if so its entries per `nameClass`. */
interface DirectoryEntry {
  decided: boolean;
  classes: string[];
  entries: PathEntry[];
}

const SLASH = 47;

function hasPercent(text: string, end: number): boolean {
  const at = text.indexOf('%');
  return at >= 0 && at < end;
}

/** Characters a regex `.` refuses (`\n` cannot occur inside a line). */
function hasLineTerminator(text: string, from: number, end: number): boolean {
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 || c === 10 || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

/** Normalises a parsed line whose client is in `country` ('' when unknown). */
export type Normalizer = (raw: RawDelivery, country?: string) => Normalized;

export function createNormalizer(options: NormalizeOptions): Normalizer {
  const accountOf = createAccountResolver(options.accounts, options.forcedAccount);
  const targetOf = createTargetMatcher(options.targets ?? []);
  // origin -> path -> entry. Two levels, because the parser hands back the same host string object
  // line after line (its hash is cached), while the path is a fresh string either way.
  const byHost = new Map<string, Map<string, PathEntry>>();
  // One Cell object per distinct cell, however many paths lead to it: the aggregator keys by identity.
  const cells = new Map<string, Cell>();
  let cached = 0;

  /** The one Cell object for (account, dims), so the aggregator can key rows by identity. */
  const cellFor = (account: string, dims: RowDimensions): Cell => {
    // Most new paths lead to a cell already seen (another segment of the same stream): look it up
    // by key before paying for a new cell and its hash.
    const key = cellKey(account, dims);
    let cell = cells.get(key);
    if (cell === undefined) {
      cell = makeCell(account, dims, key);
      // After an eviction a cell seen before gets a new object, so one batch may hold two rows for
      // the same (cell, bucket). That stays exact: stored rows are summed and viewers counted
      // distinct at query time.
      if (cells.size >= CACHE_LIMIT) cells.clear();
      cells.set(cell.key, cell);
    }
    return cell;
  };

  const edgeZoneOf = (extra: RawExtra | undefined): string | undefined => {
    const edge = extra?.edge;
    if (edge === undefined || edge === '' || options.edgeZones === undefined) return undefined;
    const code = edge.slice(0, 3).toUpperCase();
    return Object.hasOwn(options.edgeZones, code) ? options.edgeZones[code] : undefined;
  };

  /** `urlPath`: the request target without its query string. */
  const resolve = (raw: RawDelivery, urlPath: string, country: string): PathEntry => {
    const extra = raw.extra;
    const defaults: PathDefaults = {
      protocol:
        extra?.protocol ?? (options.extensionProtocol === false ? options.defaultProtocol : undefined),
      app: extra?.app,
      resource: extra?.resource,
    };
    const path = extra?.base === undefined ? urlPath : `${extra.base}${urlPath}`;
    const facts = resolvePath(cleanPath(path), options.pathRules, options.defaultProtocol, defaults);
    let account = accountOf({ host: raw.host, bucket: extra?.bucket ?? '', app: facts.app });
    if (account === DEFAULT_ACCOUNT && extra?.altHost !== undefined) {
      account = accountOf({ host: extra.altHost, bucket: extra.bucket ?? '', app: facts.app });
    }
    const edgeZone = edgeZoneOf(extra);
    // A path rule's target wins; else a catalog entry's match may claim the record.
    const target =
      facts.target !== ''
        ? facts.target
        : targetOf({ account, host: raw.host, app: facts.app, resource: facts.resource });
    const dims: RowDimensions = {
      app: facts.app,
      resource: facts.resource,
      kind: facts.kind,
      target,
      rendition: facts.rendition,
      protocol: facts.protocol,
      zone: edgeZone ?? zoneOf(country, options.zones),
      country,
    };
    return {
      account,
      edgeZone,
      first: { cell: cellFor(account, dims), segmentSeconds: facts.segmentSeconds },
      firstCountry: country,
      countries: undefined,
      results: undefined,
    };
  };

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
      zone: entry.edgeZone ?? zoneOf(country, options.zones),
      country,
    };
    const found = { cell: cellFor(entry.account, dims), segmentSeconds: entry.first.segmentSeconds };
    entry.countries ??= [];
    entry.countries.push(country);
    entry.results ??= [];
    entry.results.push(found);
    return found;
  };

  /**
   * Already-normalised records (JSON lines) keep their dimensions: only account, zone and, when the
   * record names none, the target (a catalog entry's `match`, as for log lines) are filled in.
   */
  const adopt = (dims: RowDimensions, named: string | undefined): Normalized => {
    const account = options.forcedAccount ?? named ?? accountOf({ host: '', bucket: '', app: dims.app });
    const zone = dims.zone === '' ? zoneOf(dims.country, options.zones) : dims.zone;
    const target =
      dims.target === ''
        ? targetOf({ account, host: '', app: dims.app, resource: dims.resource })
        : dims.target;
    const filled = zone === dims.zone && target === dims.target ? dims : { ...dims, zone, target };
    return { cell: cellFor(account, filled), segmentSeconds: 0 };
  };

  // Consecutive lines mostly come from the same origin: reusing the last key string (its hash is
  // cached) saves building and hashing a new one per line.
  const withEdge = options.edgeZones !== undefined;
  let last: { host: string; extra: RawExtra; key: string } | undefined;
  const originOf = (host: string, extra: RawExtra): string => {
    if (last !== undefined && host === last.host && sameOrigin(extra, last.extra, withEdge)) return last.key;
    last = { host, extra, key: originKey(host, extra, withEdge) };
    return last.key;
  };

  // When most paths are new (tokenised or per-segment URLs without rules), caching them only costs
  // copies and evictions: then only every SPARSE-th miss is cached, which still catches hot paths.
  let lookups = 0;
  let hits = 0;
  let insertEvery = 1;
  let misses = 0;

  /** A full-path cache entry: any path, and the directories the rules do not decide. */
  const byPath = (raw: RawDelivery, origin: string, t: string, end: number, country: string): PathEntry => {
    const target = end === t.length ? t : t.slice(0, end);
    let paths = byHost.get(origin);
    if (paths === undefined) {
      paths = new Map();
      byHost.set(ownString(origin), paths);
    }
    if (++lookups === HIT_RATE_WINDOW) {
      insertEvery = hits < HIT_RATE_WINDOW * LOW_HIT_RATE ? SPARSE : 1;
      lookups = 0;
      hits = 0;
    }
    const found = paths.get(target);
    if (found !== undefined) {
      hits += 1;
      return found;
    }
    const resolved = resolve(raw, target, country);
    if (++misses % insertEvery === 0) {
      if (cached >= CACHE_LIMIT) {
        clearCaches();
        paths = new Map();
        byHost.set(ownString(origin), paths);
      }
      paths.set(ownString(target), resolved);
      cached += 1;
    }
    return resolved;
  };

  // origin -> directory -> what the rules make of it. Segment URLs are mostly new paths in a few
  // directories; when the rules decide a directory (path-rules.ts `directoryDecides`), its paths
  // resolve once per file extension instead of once per file.
  const byDirectory = new Map<string, Map<string, DirectoryEntry>>();
  // An opaque first rule decides no directory (directoryDecides): then skip the directory lookup.
  const directoriesDecide = options.pathRules[0]?.scope != null;
  const clearCaches = (): void => {
    byHost.clear();
    byDirectory.clear();
    cached = 0;
  };

  const entryOf = (raw: RawDelivery, country: string): PathEntry => {
    const extra = raw.extra;
    const t = raw.target;
    const q = t.indexOf('?');
    const end = q < 0 ? t.length : q;
    // Facts other than the host that decide the cell join the first-level key.
    const origin = extra === undefined ? raw.host : originOf(raw.host, extra);
    // Only plain paths: rooted, nothing to decode, no facts from the log that stand in for path defaults.
    if (
      !directoriesDecide ||
      t.charCodeAt(0) !== SLASH ||
      extra?.app !== undefined ||
      extra?.resource !== undefined ||
      hasPercent(t, end)
    ) {
      return byPath(raw, origin, t, end, country);
    }
    const slash = t.lastIndexOf('/', end - 1);
    if (hasLineTerminator(t, slash + 1, end)) return byPath(raw, origin, t, end, country);
    let directories = byDirectory.get(origin);
    if (directories === undefined) {
      directories = new Map();
      byDirectory.set(ownString(origin), directories);
    }
    const dir = t.slice(0, slash + 1);
    let entry = directories.get(dir);
    if (entry === undefined) {
      if (cached >= CACHE_LIMIT) {
        clearCaches();
        directories = new Map();
        byDirectory.set(ownString(origin), directories);
      }
      const base = extra?.base ?? '';
      entry = { decided: directoryDecides(`${base}${dir}`, options.pathRules), classes: [], entries: [] };
      directories.set(ownString(dir), entry);
      cached += 1;
    }
    if (!entry.decided) return byPath(raw, origin, t, end, country);
    const kind = nameClass(t, slash + 1, end);
    const at = entry.classes.indexOf(kind);
    if (at >= 0) return entry.entries[at] as PathEntry;
    // A directory holds a handful of extensions; one with many more goes by path.
    if (entry.classes.length >= CLASSES_PER_DIRECTORY) return byPath(raw, origin, t, end, country);
    const resolved = resolve(raw, t.slice(0, end), country);
    entry.classes.push(ownString(kind));
    entry.entries.push(resolved);
    return resolved;
  };

  return (raw, country = '') => {
    const extra = raw.extra;
    if (extra?.dims !== undefined) return adopt(extra.dims, extra.account);
    return forCountry(entryOf(raw, country), country);
  };
}

/**
 * Everything besides the path that decides a line's cell. The resource is not in it: stream logs
 * build their target from app and resource (`streamTarget`), so given the app the target names it.
 */
function originKey(host: string, extra: RawExtra, edgeZones: boolean): string {
  const edge = edgeZones ? (extra.edge ?? '') : '';
  return `${host}\u0001${extra.altHost ?? ''}\u0001${extra.bucket ?? ''}\u0001${extra.base ?? ''}\u0001${extra.protocol ?? ''}\u0001${edge}\u0001${extra.app ?? ''}`;
}

function sameOrigin(a: RawExtra, b: RawExtra, withEdge: boolean): boolean {
  return (
    a.altHost === b.altHost &&
    a.bucket === b.bucket &&
    a.base === b.base &&
    a.protocol === b.protocol &&
    a.app === b.app &&
    (!withEdge || a.edge === b.edge)
  );
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
