/** The formats `tally import --format` knows, and detection for `auto`. */
import { AppError } from '../../domain/errors.js';
import { parseCloudFrontLine } from './cloudfront.js';
import { parseCombinedLine } from './combined.js';
import { parseJsonLine } from './jsonl.js';
import { createLogClock } from './log-timezone.js';
import { isRejection, type LineParser, NO_CONTEXT } from './raw-delivery.js';
import { parseRtmpLine } from './rtmp.js';
import { parseS3Line } from './s3.js';
import { parseFieldsHeader } from './w3c.js';
import { createWowzaParser } from './wowza.js';

export const IMPORT_FORMATS = [
  'auto',
  'combined',
  'common',
  's3',
  'cloudfront',
  'wowza',
  'rtmp',
  'jsonl',
] as const;

export type ImportFormat = (typeof IMPORT_FORMATS)[number];
export type FormatName = Exclude<ImportFormat, 'auto'>;

/** Import options that change how lines are read (plain data, so they can go to a worker thread). */
export interface ParserOptions {
  /** `--log-timezone`: IANA zone of wall-clock log times (Wowza). */
  logTimezone?: string | undefined;
}

export interface FormatSpec {
  name: FormatName;
  createParser: (options: ParserOptions) => LineParser;
  /** Protocol of a request when neither a path rule nor its extension says. */
  defaultProtocol: string;
  /** False when the protocol is always `defaultProtocol` unless a rule says otherwise (S3). */
  extensionProtocol: boolean;
  /** W3C formats: lines mean nothing without a `#Fields:` header above them. */
  needsHeader: boolean;
  /** The parser reads a line where it lies in a chunk (`start`, `end`), so none is sliced out. */
  inPlace: boolean;
}

const spec = (
  name: FormatName,
  createParser: (options: ParserOptions) => LineParser,
  defaultProtocol = 'http',
  more: Partial<FormatSpec> = {},
): FormatSpec => ({
  name,
  createParser,
  defaultProtocol,
  extensionProtocol: true,
  needsHeader: false,
  inPlace: false,
  ...more,
});

// `common` lines are `combined` lines without referer and user agent: one tolerant parser serves both.
const FORMATS: Record<FormatName, FormatSpec> = {
  combined: spec('combined', () => parseCombinedLine, 'http', { inPlace: true }),
  common: spec('common', () => parseCombinedLine, 'http', { inPlace: true }),
  s3: spec('s3', () => parseS3Line, 's3', { extensionProtocol: false }),
  cloudfront: spec('cloudfront', () => parseCloudFrontLine, 'http', { needsHeader: true }),
  wowza: spec('wowza', (o) => createWowzaParser(createLogClock(o.logTimezone)), 'rtmp', {
    needsHeader: true,
  }),
  rtmp: spec('rtmp', () => parseRtmpLine, 'rtmp'),
  jsonl: spec('jsonl', () => parseJsonLine),
};

/** `name` as an import format; `where` is how the user gave it (`--format`, or `format` over HTTP). */
export function checkFormat(name: string, where = '--format'): ImportFormat {
  if ((IMPORT_FORMATS as readonly string[]).includes(name)) return name as ImportFormat;
  throw new AppError(
    'bad-parameter',
    `${where}: unknown format '${name}' (one of ${IMPORT_FORMATS.join(', ')})`,
    { param: 'format' },
  );
}

export function formatSpec(name: FormatName): FormatSpec {
  return FORMATS[name];
}

/** Line formats tried on the first data lines, most specific first (ties go to the earlier one). */
const LINE_FORMATS: readonly FormatName[] = ['jsonl', 's3', 'rtmp', 'combined'];

/**
 * The format of a file from its first lines: a `#Fields:` header names CloudFront or Wowza;
 * otherwise the line format whose parser accepts most of the sample. Undefined when none fits.
 */
export function detectFormat(sample: readonly string[]): FormatSpec | undefined {
  const header = sample.find((l) => l.startsWith('#Fields:'));
  if (header !== undefined) {
    const fields = parseFieldsHeader(header);
    if (fields?.has('x-edge-location')) return FORMATS.cloudfront;
    if (fields?.has('x-category') || fields?.has('x-sname')) return FORMATS.wowza;
  }
  const lines = sample.filter((l) => l.trim() !== '' && !l.startsWith('#'));
  let best: FormatSpec | undefined;
  let bestCount = 0;
  for (const name of LINE_FORMATS) {
    const parse = FORMATS[name].createParser({});
    const accepted = lines.filter((l) => !isRejection(parse(l, NO_CONTEXT))).length;
    if (accepted > bestCount) {
      best = FORMATS[name];
      bestCount = accepted;
    }
  }
  return best;
}
