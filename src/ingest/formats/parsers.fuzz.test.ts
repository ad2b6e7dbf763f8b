/**
 * Property-based fuzzing of every parser (fast-check): whatever a line holds (random text, NUL
 * bytes, broken UTF-8 as decoded, stray quotes, real lines cut or mangled, megabyte lines), a
 * parser returns a record, a rejection or a skip, never throws, and takes under 10 ms; a record's
 * numbers are ones the store can hold.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/duckdb-store.js';
import { sample } from '../../test-support/samples.js';
import { useTempDir } from '../../test-support/temp-dir.js';
import { type FileOutcome, importFiles } from '../import.js';
import { type FormatName, formatSpec } from './index.js';
import { isRejection, isSkip, type ParseContext, type RawDelivery } from './raw-delivery.js';
import { parseFieldsHeader } from './w3c.js';

const FORMATS: FormatName[] = ['combined', 's3', 'cloudfront', 'wowza', 'rtmp', 'jsonl'];

/** Real lines to mangle, per format, with the header context they are read in. */
function seeds(format: FormatName): { lines: string[]; context: ParseContext } {
  const text = (name: string) => readFileSync(name, 'utf8').split('\n');
  const files: Record<FormatName, string[]> = {
    combined: text(sample('nginx_edgecases_elastic_beats_test.log')).concat(
      text(sample('apache_edgecases_elastic_beats_test.log')),
    ),
    common: [],
    s3: text(sample('s3_dandi_s3-log-extraction.log')),
    cloudfront: text(sample('cloudfront_scogs_CF.log')),
    wowza: text(new URL('./fixtures/wowza_access.log', import.meta.url).pathname),
    rtmp: text(sample('nginx_rtmp_obrienlabs_readme.log')),
    jsonl: [
      '{"time":"2024-07-01T10:00:00Z","app":"vod","resource":"film","bytesOut":100,"viewer":"v","status":200}',
    ],
  };
  const all = files[format];
  const header = all.find((l) => l.startsWith('#Fields:'));
  return {
    lines: all.filter((l) => l !== '' && !l.startsWith('#')),
    context: { fields: header === undefined ? undefined : parseFieldsHeader(header) },
  };
}

const NASTY = [
  '"',
  '\\',
  '\t',
  '\0',
  ' ',
  '[',
  ']',
  '-',
  '\ufffd',
  '\u200b',
  '%',
  '?',
  '#',
  '{',
  '}',
  ':',
  '\r',
];

/** A real line, cut, with characters inserted or replaced: close to valid, so parsers get deep. */
function mangled(lines: string[]): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...lines),
      fc.array(
        fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 3 })), fc.boolean()),
        { maxLength: 6 },
      ),
      fc.option(fc.nat(), { nil: undefined }),
    )
    .map(([line, edits, cut]) => {
      let text = line;
      for (const [at, insert, replace] of edits) {
        const i = text.length === 0 ? 0 : at % text.length;
        text = text.slice(0, i) + insert + text.slice(replace ? i + 1 : i);
      }
      return cut === undefined || text.length === 0 ? text : text.slice(0, cut % text.length);
    });
}

const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom(...NASTY, 'a', '1'), maxLength: 300 }),
  // Bytes decoded as a log chunk would be: invalid UTF-8 turns into U+FFFD, latin1 into anything.
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('utf8')),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
);

function checkResult(result: unknown): void {
  const r = result as RawDelivery;
  if (isRejection(r)) {
    expect(typeof r.reason).toBe('string');
    return;
  }
  if (isSkip(r)) return;
  expect(Number.isFinite(r.time)).toBe(true);
  for (const n of [r.bytesOut, r.bytesIn]) {
    expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
  }
  expect(Number.isInteger(r.status) && r.status >= 0 && r.status <= 999).toBe(true);
  expect(typeof r.target).toBe('string');
  const seconds = r.extra?.seconds ?? 0;
  expect(Number.isFinite(seconds) && seconds >= 0).toBe(true);
}

/** Runs `parse`, checking it takes under 10 ms; a slow run is retried twice, so a GC pause is not blamed on the line. */
function timed(parse: () => unknown): unknown {
  let best = Number.POSITIVE_INFINITY;
  let result: unknown;
  for (let attempt = 0; attempt < 3 && best >= 10; attempt++) {
    const started = performance.now();
    result = parse();
    best = Math.min(best, performance.now() - started);
  }
  expect(best).toBeLessThan(10);
  return result;
}

describe.each(FORMATS)('%s parser under fuzzing', (format) => {
  const parse = formatSpec(format).createParser({});
  const { lines, context } = seeds(format);

  test('mangled real lines: no throw, a sound result, under 10 ms each', () => {
    fc.assert(
      fc.property(mangled(lines), (line) => {
        checkResult(timed(() => parse(line, context)));
      }),
      { numRuns: 1500 },
    );
  });

  test('arbitrary text, with and without a header: no throw, a sound result, under 10 ms each', () => {
    fc.assert(
      fc.property(anyText, fc.boolean(), (line, withHeader) => {
        checkResult(timed(() => parse(line, withHeader ? context : { fields: undefined })));
      }),
      { numRuns: 1500 },
    );
  });

  test.each([
    ['quotes', '"'.repeat(1 << 20)],
    ['spaces then a bracket', `${' '.repeat(1 << 20)}[`],
    [
      'a host-like run before the client',
      `${'a'.repeat(1 << 20)}! 1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1`,
    ],
    ['tabs', '\t'.repeat(1 << 20)],
    ['backslashes in a request', `1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "${'\\'.repeat(1 << 20)}`],
    ['a real line padded to 1 MB', `${lines[0] ?? ''}${'x'.repeat(1 << 20)}`],
  ])('a 1 MB line of %s: under 10 ms', (_name, built) => {
    // Decoded from bytes, as the importer's lines are: a flat string, not a concatenation still to be copied.
    const line = Buffer.from(built, 'utf8').toString('utf8');
    checkResult(timed(() => parse(line, context)));
  });
});

// Formats whose parser reads a line where it lies in the chunk (FormatSpec `inPlace`).
describe.each(FORMATS.filter((f) => formatSpec(f).inPlace))('%s parser reading in place', (format) => {
  const parse = formatSpec(format).createParser({});
  const { lines, context } = seeds(format);

  test('a line read in place among others parses as the line alone', () => {
    // Real lines cut just before a space end in any field: `common` lines end after the bytes.
    const cutAtSpace = fc.tuple(fc.constantFrom(...lines), fc.nat()).map(([l, n]) => {
      const spaces = [...l.matchAll(/ /g)].map((m) => m.index);
      return spaces.length === 0 ? l : l.slice(0, spaces[n % spaces.length]);
    });
    const line = fc.oneof(mangled(lines), cutAtSpace, anyText).map((l) => l.replace(/\n/g, ' '));
    fc.assert(
      fc.property(line, anyText, anyText, (l, before, after) => {
        const text = `${before}\n${l}\n${after}`;
        const start = before.length + 1;
        // Timestamps are cached between lines: parse the line alone first, then in place.
        const alone = parse(l, context);
        expect(parse(text, context, start, start + l.length)).toEqual(alone);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('imports under fuzzing', () => {
  const dir = useTempDir();
  let n = 0;

  test('every line of a mangled file ends as a record, a rejection or a skip, and the import finishes', async () => {
    const { lines } = seeds('combined');
    const lineArb = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...lines) },
      { weight: 3, arbitrary: mangled(lines) },
      { weight: 1, arbitrary: anyText },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(lineArb, { minLength: 1, maxLength: 60 }), async (fileLines) => {
        // Newlines inside generated text make more lines than generated: count what is written.
        const text = `${fileLines.join('\n')}\n`;
        const path = join(dir, `${n++}.log`);
        // Written as latin1: any byte value occurs, invalid UTF-8 included.
        const bytes = Buffer.from(text, 'latin1');
        writeFileSync(path, bytes);
        const store = await DuckDbStore.open(':memory:');
        try {
          await store.registry.putAccount({ id: 'default', name: 'd', timezone: 'UTC', parent: null });
          const outcomes: FileOutcome[] = [];
          const summary = await importFiles([path], {
            store,
            config: {},
            format: 'combined',
            secret: Buffer.alloc(32, 3),
            rejectsDir: join(dir, 'rejects'),
            onFile: (o) => outcomes.push(o),
          });
          const written = bytes.filter((b) => b === 10).length;
          const [outcome] = outcomes;
          if (outcome?.state === 'refused') {
            // Nearly every line rejected: nothing taken from the file, every line still accounted for.
            expect(outcome.lines).toBe(written);
            expect(outcome.rejected).toBeGreaterThanOrEqual(0.9 * (outcome.records + outcome.rejected));
            expect(summary).toMatchObject({ lines: 0, records: 0, rejected: 0 });
            expect(await store.registry.listSources()).toEqual([]);
            return;
          }
          expect(summary.lines).toBe(written);
          expect(summary.records + summary.rejected + summary.skipped_lines).toBe(written);
        } finally {
          await store.close();
        }
      }),
      { numRuns: 25 },
    );
  }, 60_000);
});
