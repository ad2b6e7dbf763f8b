/** A stream target catalog entry for tests: `nlyjxjbc` of `acme`, claiming app `live`, resources `news*`. */
import type { CatalogEntry, CatalogMatch } from '../domain/catalog.js';

export function streamTarget(match: CatalogMatch = { apps: ['live'], resources: ['news*'] }): CatalogEntry {
  return {
    kind: 'stream_target',
    id: 'nlyjxjbc',
    account: 'acme',
    name: 'News',
    type: 'fastly',
    billingMode: '',
    archived: false,
    deleted: false,
    match,
  };
}
