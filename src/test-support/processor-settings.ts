/** ProcessorSettings for pipeline tests: one format, no rules, no geo, a fixed secret. */
import type { ProcessorSettings } from '../ingest/pipeline/processor-settings.js';

export function processorSettings(format: ProcessorSettings['format']): ProcessorSettings {
  return {
    format,
    parser: {},
    pathRules: undefined,
    zones: {},
    edgeZones: undefined,
    accounts: [],
    forcedAccount: undefined,
    targets: [],
    secret: new Uint8Array(32),
    geoDatabase: null,
  };
}
