/** The formats `tally import --format` knows, and detection for `auto`. */
import { AppError } from '../../domain/errors.js';
import { parseCombinedLine } from './combined.js';
import { isRejection, type LineParser } from './raw-delivery.js';

export const IMPORT_FORMATS = ['auto', 'combined', 'common'] as const;
/** Named by DESIGN section 6 and built by the ingest-breadth work; refused with a clear message until then. */
export const PLANNED_FORMATS = ['s3', 'cloudfront', 'wowza', 'rtmp', 'jsonl'] as const;

export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface FormatSpec {
  name: Exclude<ImportFormat, 'auto'>;
  parse: LineParser;
  /** Protocol of a request when neither a path rule nor its extension says. */
  defaultProtocol: string;
}

// `common` lines are `combined` lines without referer and user agent: one tolerant parser serves both.
const FORMATS: Record<Exclude<ImportFormat, 'auto'>, FormatSpec> = {
  combined: { name: 'combined', parse: parseCombinedLine, defaultProtocol: 'http' },
  common: { name: 'common', parse: parseCombinedLine, defaultProtocol: 'http' },
};

export function checkFormat(name: string): ImportFormat {
  if ((IMPORT_FORMATS as readonly string[]).includes(name)) return name as ImportFormat;
  if ((PLANNED_FORMATS as readonly string[]).includes(name)) {
    throw new AppError(
      'unsupported-format',
      `--format: '${name}' is not supported yet (supported: ${IMPORT_FORMATS.join(', ')})`,
      {
        param: 'format',
      },
    );
  }
  throw new AppError(
    'bad-parameter',
    `--format: unknown format '${name}' (one of ${IMPORT_FORMATS.join(', ')})`,
    { param: 'format' },
  );
}

export function formatSpec(name: Exclude<ImportFormat, 'auto'>): FormatSpec {
  return FORMATS[name];
}

/** Picks the format whose parser accepts most of the sample lines; undefined when none accepts any. */
export function detectFormat(sample: readonly string[]): FormatSpec | undefined {
  const lines = sample.filter((l) => l.trim() !== '' && !l.startsWith('#'));
  if (lines.length === 0) return undefined;
  const accepted = lines.filter((l) => !isRejection(parseCombinedLine(l))).length;
  return accepted > 0 ? FORMATS.combined : undefined;
}
