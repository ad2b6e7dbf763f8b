/**
 * What a line means, without any caching: path rules, account rules, the client's country and the
 * country -> zone map (or the CloudFront edge's zone) turn a parsed line into an account and the
 * dimensions its usage is counted under. Pure: the same line always resolves the same way, so the
 * caches around it (path-cache.ts, cell-interner.ts) can only make it faster, never different.
 */
import type { CatalogEntry } from '../../domain/catalog.js';
import type { RowDimensions } from '../../domain/cell.js';
import type { RawDelivery, RawExtra } from '../formats/raw-delivery.js';
import { type AccountMatch, createAccountResolver, DEFAULT_ACCOUNT } from './account-rules.js';
import { type CompiledPathRules, type PathDefaults, resolvePath } from './path-rules.js';
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

/** What a line resolves to. */
export interface Resolution {
  account: string;
  /** The zone the log itself implies (CloudFront edge location), which wins over the country's. */
  edgeZone: string | undefined;
  dims: RowDimensions;
  /** Viewing seconds a successful request stands for (the rule's segmentSeconds). */
  segmentSeconds: number;
}

export interface LineResolver {
  /** A log line whose request target without its query string is `urlPath`, from a client in `country`. */
  resolve(raw: RawDelivery, urlPath: string, country: string): Resolution;
  /**
   * An already-normalised record (JSON lines) keeps its dimensions: only account, zone and, when
   * it names none, the target (a catalog entry's `match`, as for log lines) are filled in.
   */
  adopt(dims: RowDimensions, named: string | undefined): { account: string; dims: RowDimensions };
  /** The billing zone of a client country: the edge's zone when the log gives one. */
  zoneFor(country: string, edgeZone: string | undefined): string;
}

/** Billing zone of a country: the config's entry for it, else its `*` entry, else `global`. */
export function zoneOf(country: string, zones: Readonly<Record<string, string>>): string {
  if (Object.hasOwn(zones, country)) return zones[country] as string;
  return Object.hasOwn(zones, '*') ? (zones['*'] as string) : 'global';
}

export function createLineResolver(options: NormalizeOptions): LineResolver {
  const accountOf = createAccountResolver(options.accounts, options.forcedAccount);
  const targetOf = createTargetMatcher(options.targets ?? []);

  const edgeZoneOf = (extra: RawExtra | undefined): string | undefined => {
    const edge = extra?.edge;
    if (edge === undefined || edge === '' || options.edgeZones === undefined) return undefined;
    const code = edge.slice(0, 3).toUpperCase();
    return Object.hasOwn(options.edgeZones, code) ? options.edgeZones[code] : undefined;
  };
  const zoneFor = (country: string, edgeZone: string | undefined): string =>
    edgeZone ?? zoneOf(country, options.zones);

  return {
    zoneFor,
    resolve(raw, urlPath, country) {
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
        zone: zoneFor(country, edgeZone),
        country,
      };
      return { account, edgeZone, dims, segmentSeconds: facts.segmentSeconds };
    },
    adopt(dims, named) {
      const account = options.forcedAccount ?? named ?? accountOf({ host: '', bucket: '', app: dims.app });
      const zone = dims.zone === '' ? zoneOf(dims.country, options.zones) : dims.zone;
      const target =
        dims.target === ''
          ? targetOf({ account, host: '', app: dims.app, resource: dims.resource })
          : dims.target;
      const filled = zone === dims.zone && target === dims.target ? dims : { ...dims, zone, target };
      return { account, dims: filled };
    },
  };
}
