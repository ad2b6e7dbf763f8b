/** Everything needed to build a ChunkProcessor, in a form that can be sent to a worker thread. */
import type { TallyConfig } from '../../config/config.js';
import type { AccountMatch } from '../account-rules.js';
import { type FormatSpec, formatSpec } from '../formats/index.js';
import { createNormalizer } from '../normalize.js';
import { BUILT_IN_PATH_RULES, compilePathRules } from '../path-rules.js';
import { createViewerHasher } from '../viewer-hash.js';
import { ChunkProcessor } from './chunk-processor.js';

export interface ProcessorSettings {
  format: FormatSpec['name'];
  pathRules: NonNullable<TallyConfig['pathRules']> | undefined;
  zones: Record<string, string>;
  accounts: AccountMatch[];
  forcedAccount: string | undefined;
  /** The install secret keying viewer hashes. */
  secret: Uint8Array;
}

export function createProcessor(settings: ProcessorSettings): ChunkProcessor {
  const format = formatSpec(settings.format);
  const normalize = createNormalizer({
    accounts: settings.accounts,
    pathRules: compilePathRules(settings.pathRules ?? BUILT_IN_PATH_RULES),
    zones: settings.zones,
    forcedAccount: settings.forcedAccount,
    defaultProtocol: format.defaultProtocol,
  });
  return new ChunkProcessor(format.parse, normalize, createViewerHasher(Buffer.from(settings.secret)));
}
