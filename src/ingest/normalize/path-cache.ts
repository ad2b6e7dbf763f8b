/**
 * The cache policy in front of the line resolver. Results are memoised per (origin, path without
 * query), since a month of logs holds millions of requests for far fewer distinct paths, and
 * query strings (tokens, sessions) would otherwise defeat the cache. When no path rule reads the
 * file names of a directory (path-rules.ts `directoryDecides`), its paths resolve once per name
 * without its sequence number (layout-inference.ts `sequenceRun`) instead of once per file:
 * segment URLs are mostly new paths in a few directories. When most lookups miss anyway
 * (tokenised URLs, object keys), only some misses are cached (sparse-keeping.ts), which still
 * catches the hot paths without paying copies and evictions.
 *
 * Cached values hold only owned strings (own-string.ts), so a cached path never pins the chunk of
 * log text it was read from.
 */
import type { RawDelivery, RawExtra } from '../formats/raw-delivery.js';
import { ownString } from '../own-string.js';
import { allDigits, sequenceRun } from './layout-inference.js';
import { type CompiledPathRules, directoryDecides } from './path-rules.js';
import { SparseKeeping } from './sparse-keeping.js';

const NAMES_PER_DIRECTORY = 8;
const SLASH = 47;

/**
 * A name without its sequence number, kept as the text before and after it (no string is built
 * per line): `seg_00012.ts` is head `seg_`, tail `.ts`; a name without one is all head, tail null.
 */
interface NameShape {
  head: string;
  tail: string | null;
}

/** A directory of plain paths: whether the rules leave its names alone, and if so its entries per name shape. */
interface DirectoryEntry<E> {
  decided: boolean;
  shapes: NameShape[];
  entries: E[];
}

export interface PathCacheOptions {
  pathRules: CompiledPathRules;
  /** Whether the CloudFront edge decides the zone (config `edgeZones`): then it is part of the origin. */
  withEdge: boolean;
  /** Paths and directories held before both caches are cleared. */
  limit: number;
}

/**
 * A lookup of `resolve`'s value for a line, cached. `resolve` gets the line, its request target
 * without the query string, and the client's country (the value may depend on it only through
 * what its caller does with it: cached values are shared by every country).
 */
export function createPathCache<E>(
  resolve: (raw: RawDelivery, urlPath: string, country: string) => E,
  options: PathCacheOptions,
): (raw: RawDelivery, country: string) => E {
  const { pathRules, withEdge, limit } = options;
  // origin -> path -> value. Two levels, because the parser hands back the same host string object
  // line after line (its hash is cached), while the path is a fresh string either way.
  const byHost = new Map<string, Map<string, E>>();
  // origin -> directory -> what the rules make of it.
  const byDirectory = new Map<string, Map<string, DirectoryEntry<E>>>();
  // An opaque first rule decides no directory (directoryDecides): then skip the directory lookup.
  const directoriesDecide = pathRules.length === 0 || pathRules[0]?.scope != null;
  let cached = 0;
  const clear = (): void => {
    byHost.clear();
    byDirectory.clear();
    cached = 0;
  };

  // Consecutive lines mostly come from the same origin: reusing the last key string (its hash is
  // cached) saves building and hashing a new one per line.
  let last: { host: string; extra: RawExtra; key: string } | undefined;
  const originOf = (host: string, extra: RawExtra): string => {
    if (last !== undefined && host === last.host && sameOrigin(extra, last.extra, withEdge)) return last.key;
    last = { host, extra, key: originKey(host, extra, withEdge) };
    return last.key;
  };

  const keeping = new SparseKeeping();
  // Names of a directory: a new object key per request is a new shape per line, each resolved
  // once and never matched again; keeping every one would fill each directory's few shapes with
  // them and make every later line of it test them all.
  const shapeKeeping = new SparseKeeping();

  /** A full-path entry: any path, and the directories the rules do not decide. */
  const byPath = (raw: RawDelivery, origin: string, t: string, end: number, country: string): E => {
    const target = end === t.length ? t : t.slice(0, end);
    let paths = byHost.get(origin);
    if (paths === undefined) {
      paths = new Map();
      byHost.set(ownString(origin), paths);
    }
    keeping.lookup();
    const found = paths.get(target);
    if (found !== undefined) {
      keeping.hit();
      return found;
    }
    const resolved = resolve(raw, target, country);
    if (keeping.keepMiss()) {
      if (cached >= limit) {
        clear();
        paths = new Map();
        byHost.set(ownString(origin), paths);
      }
      paths.set(ownString(target), resolved);
      cached += 1;
    }
    return resolved;
  };

  return (raw, country) => {
    const extra = raw.extra;
    const t = raw.target;
    const q = t.indexOf('?');
    const end = q < 0 ? t.length : q;
    // Facts other than the host that decide the line's meaning join the first-level key.
    const origin = extra === undefined ? raw.host : originOf(raw.host, extra);
    // Only plain paths: rooted (or continuing a base: S3 keys), nothing to decode, no facts from
    // the log that stand in for path defaults.
    if (
      !directoriesDecide ||
      (t.charCodeAt(0) !== SLASH && extra?.base === undefined) ||
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
      if (cached >= limit) {
        clear();
        directories = new Map();
        byDirectory.set(ownString(origin), directories);
      }
      const base = extra?.base ?? '';
      entry = { decided: directoryDecides(`${base}${dir}`, pathRules), shapes: [], entries: [] };
      directories.set(ownString(dir), entry);
      cached += 1;
    }
    if (!entry.decided) return byPath(raw, origin, t, end, country);
    const nameStart = slash + 1;
    const { shapes, entries } = entry;
    // A name of a shape seen is that shape's head, a run of digits and its tail: matched in place,
    // without reading the name for its sequence number first (a third of this lookup's cost).
    // sequenceRun would find that very run: the head ends and the tail starts with a non-digit,
    // and the tail holds no digit before the extension.
    shapeKeeping.lookup();
    for (let i = 0; i < shapes.length; i++) {
      const { head, tail } = shapes[i] as NameShape;
      if (!t.startsWith(head, nameStart)) continue;
      if (tail === null ? end - nameStart === head.length : hasShape(t, nameStart + head.length, tail, end)) {
        shapeKeeping.hit();
        return entries[i] as E;
      }
    }
    // A directory holds a handful of kinds of names; one with many more goes by path.
    if (shapes.length >= NAMES_PER_DIRECTORY) return byPath(raw, origin, t, end, country);
    const resolved = resolve(raw, t.slice(0, end), country);
    if (shapeKeeping.keepMiss()) {
      const run = sequenceRun(t, nameStart, end);
      shapes.push({
        head: ownString(t.slice(nameStart, run === undefined ? end : run[0])),
        tail: run === undefined ? null : ownString(t.slice(run[1], end)),
      });
      entries.push(resolved);
    }
    return resolved;
  };
}

/** Whether `text[digits, end)` is one or more ASCII digits followed by `tail`. */
function hasShape(text: string, digits: number, tail: string, end: number): boolean {
  const tailStart = end - tail.length;
  return text.startsWith(tail, tailStart) && allDigits(text, digits, tailStart);
}

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

/**
 * Everything besides the path that decides a line's meaning. The resource is not in it: stream
 * logs build their target from app and resource (`streamTarget`), so given the app the target names it.
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
