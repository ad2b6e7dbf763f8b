/** Everything needed to build a ChunkProcessor, in a form that can be sent to a worker thread. */
import type { TallyConfig } from '../../config/config.js';
import type { CatalogEntry } from '../../domain/catalog.js';
import { ClientTable } from '../clients.js';
import { type FormatName, formatSpec, type ParserOptions } from '../formats/index.js';
import { createCountryLookup } from '../geo.js';
import { type AccountMatch, refuseUnknownAccounts } from '../normalize/account-rules.js';
import { createNormalizer } from '../normalize/normalizer.js';
import { compilePathRules } from '../normalize/path-rules.js';
import { createViewerHasher } from '../viewer-hash.js';
import { ChunkProcessor } from './chunk-processor.js';

export interface ProcessorSettings {
  format: FormatName;
  parser: ParserOptions;
  pathRules: NonNullable<TallyConfig['pathRules']> | undefined;
  zones: Record<string, string>;
  edgeZones: Record<string, string> | undefined;
  accounts: AccountMatch[];
  forcedAccount: string | undefined;
  /** Catalog entries whose `match` assigns a stream target or VOD stream. */
  targets: CatalogEntry[];
  /** The install secret keying viewer hashes. */
  secret: Uint8Array;
  /** mmdb file for client countries; null: countries unknown. */
  geoDatabase: string | null;
}

export function createProcessor(settings: ProcessorSettings): ChunkProcessor {
  const format = formatSpec(settings.format);
  const normalize = createNormalizer({
    accounts: settings.accounts,
    pathRules: compilePathRules(settings.pathRules),
    zones: settings.zones,
    edgeZones: settings.edgeZones,
    forcedAccount: settings.forcedAccount,
    targets: settings.targets,
    defaultProtocol: format.defaultProtocol,
    extensionProtocol: format.extensionProtocol,
  });
  const parse = format.createParser(settings.parser);
  return new ChunkProcessor(
    // Records that name their account (JSON lines) must name one that exists, unless --account overrides it.
    format.name === 'jsonl' && settings.forcedAccount === undefined
      ? refuseUnknownAccounts(parse, settings.accounts)
      : parse,
    format.inPlace,
    normalize,
    createViewerHasher(Buffer.from(settings.secret)),
    new ClientTable(settings.geoDatabase === null ? undefined : createCountryLookup(settings.geoDatabase)),
  );
}
