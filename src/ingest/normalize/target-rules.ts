/**
 * Target of a record when no path rule names one: the first catalog stream target or VOD stream
 * of the record's account whose `match` holds in every condition it gives (apps, `*` resource
 * patterns, hosts as in account rules). Built once per import; called once per new path.
 */
import type { CatalogEntry } from '../../domain/catalog.js';
import { compileGlob } from '../glob.js';
import { hostMatches } from './account-rules.js';

export interface TargetOrigin {
  account: string;
  host: string;
  app: string;
  resource: string;
}

/** The resolver from a delivery's origin to its stream target or VOD stream id ('' when none). */
export function createTargetMatcher(entries: readonly CatalogEntry[]): (origin: TargetOrigin) => string {
  const compiled = entries
    .filter((e) => e.kind !== 'transcoder' && e.match !== undefined && !e.deleted)
    .map((e) => ({
      id: e.id,
      account: e.account,
      apps: e.match?.apps,
      resources: e.match?.resources?.map(compileGlob),
      hosts: e.match?.hosts,
    }))
    .filter((e) => e.apps !== undefined || e.resources !== undefined || e.hosts !== undefined);
  if (compiled.length === 0) return () => '';
  return ({ account, host, app, resource }) => {
    const lowerHost = host.toLowerCase();
    for (const e of compiled) {
      if (e.account !== account) continue;
      if (e.apps !== undefined && !e.apps.includes(app)) continue;
      if (e.resources !== undefined && !e.resources.some((matches) => matches(resource))) continue;
      if (e.hosts !== undefined && !e.hosts.some((h) => hostMatches(h, lowerHost))) continue;
      return e.id;
    }
    return '';
  };
}
