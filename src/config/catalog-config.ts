/**
 * Catalog entries as the config file, the native API and the CLI give them (checked by the same
 * schema), turned into catalog entries: defaults filled, ids generated when absent. Saving them is
 * query/catalog-entries.ts's.
 */
import { type CatalogEntry, type CatalogKind, newCatalogId } from '../domain/catalog.js';
import { AppError } from '../domain/errors.js';
import {
  type StreamTargetConfig,
  type TallyConfig,
  type TranscoderConfig,
  validateConfig,
} from './config.js';

/** The config section each kind lives in. */
export const CATALOG_SECTIONS = {
  stream_target: 'streamTargets',
  transcoder: 'transcoders',
  vod_stream: 'vodStreams',
} as const satisfies Record<CatalogKind, string>;

export function catalogEntryOf(
  kind: CatalogKind,
  input: StreamTargetConfig | TranscoderConfig,
): CatalogEntry {
  const id = input.id ?? newCatalogId();
  if (kind === 'transcoder') {
    const t = input as TranscoderConfig;
    return {
      kind,
      id,
      account: t.account,
      name: t.name ?? id,
      type: t.transcoderType ?? 'transcoded',
      billingMode: t.billingMode ?? 'pay_as_you_go',
      archived: t.archived ?? false,
      deleted: false,
    };
  }
  const t = input as StreamTargetConfig;
  return {
    kind,
    id,
    account: t.account,
    name: t.name ?? id,
    type: t.type ?? 'fastly',
    billingMode: '',
    // A deleted target is archived too: its usage stays, reported as archived.
    archived: (t.archived ?? false) || (t.deleted ?? false),
    deleted: t.deleted ?? false,
    match: t.match,
  };
}

/** Every catalog entry of a configuration file, whose entries must name their ids (else each start would make new ones). */
export function catalogOfConfig(config: TallyConfig, origin = 'config'): CatalogEntry[] {
  const c = config.catalog ?? {};
  for (const section of Object.values(CATALOG_SECTIONS)) {
    const at = (c[section] ?? []).findIndex((e) => e.id === undefined);
    if (at >= 0) {
      throw new AppError('bad-config', `${origin}: catalog.${section}.${at}.id: required`, {
        param: 'config',
      });
    }
  }
  return entriesOf(c);
}

function entriesOf(c: NonNullable<TallyConfig['catalog']>): CatalogEntry[] {
  return [
    ...(c.streamTargets ?? []).map((t) => catalogEntryOf('stream_target', t)),
    ...(c.transcoders ?? []).map((t) => catalogEntryOf('transcoder', t)),
    ...(c.vodStreams ?? []).map((t) => catalogEntryOf('vod_stream', t)),
  ];
}

/** Validates one entry given outside the config file (API body, CLI flags) with the config's schema. */
export function parseCatalogInput(kind: CatalogKind, input: unknown, origin: string): CatalogEntry {
  const config = validateConfig({ catalog: { [CATALOG_SECTIONS[kind]]: [input] } }, origin);
  const [entry] = entriesOf(config.catalog ?? {});
  if (!entry) throw new Error('unreachable: validated catalog entry missing');
  return entry;
}
