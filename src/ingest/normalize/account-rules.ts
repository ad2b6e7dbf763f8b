/**
 * Account of a record (DESIGN section 5): `--account` when given, else the first account whose
 * `match` fits the record's host, bucket or app, else `default`.
 */

import type { LineParser, RawDelivery } from '../formats/raw-delivery.js';

export const DEFAULT_ACCOUNT = 'default';

export interface AccountMatch {
  id: string;
  match?: { hosts?: string[]; buckets?: string[]; apps?: string[] } | undefined;
}

export interface RecordOrigin {
  host: string;
  bucket: string;
  app: string;
}

/** `host` against a configured host name; `*.acme.tv` covers subdomains. Shared with target rules. */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  // `*.acme.tv` covers every subdomain of acme.tv (but not acme.tv itself).
  return p.startsWith('*.') ? host.endsWith(p.slice(1)) : host === p;
}

/** Builds the account resolver once per import; it memoises by origin because few origins repeat millions of times. */
export function createAccountResolver(
  accounts: readonly AccountMatch[],
  forced?: string,
): (origin: RecordOrigin) => string {
  if (forced !== undefined) return () => forced;
  // With no account matching anything (no config), every record is the default account's: this
  // runs for every path the path cache misses, once per line of a log of distinct object keys.
  if (!accounts.some((a) => a.match)) return () => DEFAULT_ACCOUNT;
  const cache = new Map<string, string>();
  // Consecutive records mostly share their origin: compared before building a key to look up.
  let last = { host: '', bucket: '', app: '', id: '' };
  return ({ host, bucket, app }) => {
    if (last.id !== '' && host === last.host && bucket === last.bucket && app === last.app) return last.id;
    const key = `${host}\u0001${bucket}\u0001${app}`;
    let id = cache.get(key);
    if (id !== undefined) {
      last = { host, bucket, app, id };
      return id;
    }
    id = DEFAULT_ACCOUNT;
    for (const account of accounts) {
      const m = account.match;
      if (!m) continue;
      if (
        (host !== '' && m.hosts?.some((h) => hostMatches(h, host))) ||
        (bucket !== '' && m.buckets?.includes(bucket)) ||
        (app !== '' && m.apps?.includes(app))
      ) {
        id = account.id;
        break;
      }
    }
    if (cache.size > 100_000) cache.clear();
    cache.set(key, id);
    last = { host, bucket, app, id };
    return id;
  };
}

/**
 * Wraps the parser of a format whose records may name their account (JSON lines): a record naming
 * an account that does not exist is a rejection with the reason, never stored where no report can
 * reach it. Only such formats are wrapped; log lines never name an account.
 */
export function refuseUnknownAccounts(parse: LineParser, accounts: readonly AccountMatch[]): LineParser {
  const known = new Set(accounts.map((a) => a.id));
  return (text, context, start, end) => {
    const parsed = parse(text, context, start, end);
    const named = (parsed as RawDelivery).extra?.account;
    if (named === undefined || known.has(named)) return parsed;
    return { reason: `account: unknown account '${named}' (add it with: tally accounts add ${named})` };
  };
}
