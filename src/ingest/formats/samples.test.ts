/**
 * Every sample log, imported end to end, against totals computed without Tally: by awk over the
 * files (commands in the comments) or by hand from the lines themselves.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, test } from 'vitest';
import { runUsageQuery } from '../../query/run-usage-query.js';
import type { Store } from '../../store/store.js';
import { useMemoryStore } from '../../test-support/memory-store.js';
import { sample } from '../../test-support/samples.js';
import { useTempDir } from '../../test-support/temp-dir.js';
import { type FileOutcome, type ImportOptions, type ImportSummary, importFiles } from '../import.js';
import type { ImportFormat } from './index.js';

const dir = useTempDir();
let store: Store;

const freshStore = useMemoryStore();
beforeEach(() => {
  store = freshStore();
});

const options = (format: ImportFormat, extra: Partial<ImportOptions> = {}): ImportOptions => ({
  store,
  config: {},
  format,
  secret: Buffer.alloc(32, 7),
  rejectsDir: join(dir, 'rejects'),
  // The samples are complete files, whatever their modification time after a fresh clone.
  lastLine: 'count',
  ...extra,
});

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

type Totals = Record<string, number>;

async function totals(): Promise<Totals> {
  const { body } = await runUsageQuery(store, { account: 'default', from: '2000-01-01', to: '2030-01-01' });
  const row = (body.rows[0] ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(row)
      .filter(([, v]) => typeof v === 'number')
      .map(([k, v]) => [k, v as number]),
  );
}

interface Case {
  file: string;
  format: ImportFormat;
  /** What `--format auto` must choose. */
  detected: string;
  summary: Partial<ImportSummary>;
  totals: Totals;
}

const CASES: Case[] = [
  {
    // awk -F'\t' '!/^#/ {n++; out+=$4; in+=$18}' -> 6 lines, 3876 out, 1866 in; statuses 200 x3, 502 x3
    file: sample('cloudfront_aws-log-parser_multiple.log'),
    format: 'cloudfront',
    detected: 'cloudfront',
    summary: { lines: 8, records: 6, rejected: 0, skipped_lines: 2, bytes_out: 3876 },
    totals: {
      requests: 6,
      ok_requests: 3,
      server_errors: 3,
      bytes_out: 3876,
      bytes_in: 1866,
      unique_viewers: 2,
    },
  },
  {
    // same awk: 18 lines, 8647930 out, 8387 in; statuses 200 x16, 404, 000 (neither success nor error)
    file: sample('cloudfront_scogs_CF.log'),
    format: 'cloudfront',
    detected: 'cloudfront',
    summary: { lines: 20, records: 18, rejected: 0, skipped_lines: 2, bytes_out: 8_647_930 },
    totals: {
      requests: 18,
      ok_requests: 16,
      client_errors: 1,
      server_errors: 0,
      bytes_out: 8_647_930,
      bytes_in: 8387,
      unique_viewers: 1,
    },
  },
  {
    // The last line (disconnect, the only one with bytes: sc-bytes 429824092 is the connection's
    // total) has no newline and counts: the file is complete. 2 headers + connect skipped; play,
    // stop, play, stop are commands, two of them starts.
    file: sample('cloudfront_rtmp_claygregory.log'),
    format: 'cloudfront',
    detected: 'cloudfront',
    summary: { lines: 8, records: 5, rejected: 0, skipped_lines: 3, bytes_out: 429_824_092 },
    totals: { requests: 5, commands: 4, starts: 2, bytes_out: 429_824_092, unique_viewers: 1 },
  },
  {
    // grep -oP '" - \K\d+ \d+' | awk '{i+=$1; o+=$2}' -> 816355055 in, 31161115 out;
    // PLAY durations 19s + 37s + 1m 4s + 11m 28s = 808 s; 5 distinct addresses
    file: sample('nginx_rtmp_obrienlabs_readme.log'),
    format: 'rtmp',
    detected: 'rtmp',
    summary: { lines: 11, records: 11, rejected: 0, bytes_out: 31_161_115 },
    totals: {
      requests: 11,
      bytes_out: 31_161_115,
      bytes_in: 816_355_055,
      view_seconds: 808,
      commands: 4,
      starts: 4,
      unique_viewers: 5,
    },
  },
  {
    // Bytes Sent by hand: 384 + 1409 + 6284696 + 12 + 272 + 1194552 (the four others are `-`);
    // statuses 206 200 200 200 404 304 200 304 200 206; one anonymised address
    file: sample('s3_dandi_s3-log-extraction.log'),
    format: 's3',
    detected: 's3',
    summary: { lines: 10, records: 10, rejected: 0, bytes_out: 7_481_325 },
    totals: {
      requests: 10,
      ok_requests: 7,
      client_errors: 1,
      bytes_out: 7_481_325,
      bytes_in: 0,
      unique_viewers: 1,
    },
  },
  {
    // 512 x4 + 1526223 x3 + 1443 x4 + 6616308 + 272 (+ `-` on the 304); statuses: 12 of 2xx, one 404
    file: sample('s3_dandi_s3-log-parser.log'),
    format: 's3',
    detected: 's3',
    summary: { lines: 14, records: 14, rejected: 0, bytes_out: 11_203_069 },
    totals: { requests: 14, ok_requests: 12, client_errors: 1, bytes_out: 11_203_069, unique_viewers: 1 },
  },
  {
    // Written for this test (see fixtures/README.md). Destroy events only: 90000123 + 40000777 out,
    // 700000000 in (the publisher); commands play/pause/unpause/seek/stop + play/stop = 7, 2 starts;
    // seconds 898.25 + 600 (the publisher's stream is not viewing time); 4 headers + 10 session or
    // non-usage stream events skipped; two viewers (the publisher is not one).
    file: fixture('wowza_access.log'),
    format: 'wowza',
    detected: 'wowza',
    summary: { lines: 24, records: 10, rejected: 0, skipped_lines: 14, bytes_out: 130_000_900 },
    totals: {
      requests: 10,
      bytes_out: 130_000_900,
      bytes_in: 700_000_000,
      view_seconds: 1498.25,
      commands: 7,
      starts: 2,
      unique_viewers: 2,
    },
  },
];

describe('sample logs import with independently computed totals', () => {
  test.each(CASES)('$format: $file', async ({ file, format, summary, totals: expected }) => {
    const result = await importFiles([file], options(format));
    expect(result).toMatchObject(summary);
    expect(await totals()).toMatchObject(expected);
  });

  test.each(CASES)('auto picks $detected for $file', async ({ file, detected, summary }) => {
    const outcomes: string[] = [];
    const result = await importFiles([file], {
      ...options('auto'),
      onFile: (o) => outcomes.push(`${o.format}:${o.detected}`),
    });
    expect(outcomes).toEqual([`${detected}:true`]);
    expect(result).toMatchObject(summary);
  });

  test('the Wowza sample whose tabs were expanded to spaces is refused, and nothing is imported', async () => {
    await expect(importFiles([sample('wowza_w3c_vidibus_access.log')], options('wowza'))).rejects.toThrow(
      /tabs expanded to spaces/,
    );
    await expect(importFiles([sample('wowza_w3c_vidibus_access.log')], options('auto'))).rejects.toThrow(
      /cannot detect the log format/,
    );
    expect(await store.registry.listSources()).toEqual([]);
  });
});

describe('compressed logs', () => {
  test('a damaged .gz: its clean lines count, the damage is a rejection, the next file is imported', async () => {
    const text = readFileSync(sample('apache_combined_elastic_examples.log'));
    const whole = gzipSync(text);
    const cut = whole.subarray(0, Math.floor(whole.length * 0.6));
    const damaged = join(dir, 'damaged.log.gz');
    writeFileSync(damaged, cut);
    // Independently: what zlib can decode of the cut file, up to its last whole line.
    const clean = gunzipSync(cut, { finishFlush: constants.Z_SYNC_FLUSH });
    const cleanLines =
      clean
        .subarray(0, clean.lastIndexOf(10) + 1)
        .toString('utf8')
        .split('\n').length - 1;
    expect(cleanLines).toBeGreaterThan(1000);
    const outcomes: FileOutcome[] = [];
    const first = await importFiles(
      [damaged, sample('s3_dandi_s3-log-parser.log')],
      options('auto', { onFile: (o) => outcomes.push(o) }),
    );
    expect(outcomes.map((o) => o.state)).toEqual(['new', 'new']);
    expect(outcomes[0]?.records).toBe(cleanLines);
    expect(outcomes[0]?.rejected).toBe(1);
    expect(outcomes[0]?.problem).toMatch(/^damaged gzip content at content byte \d+ \(compressed byte \d+\)/);
    expect(outcomes[1]?.problem).toBeUndefined();
    expect(outcomes[1]?.records).toBeGreaterThan(0);
    const rejects = readFileSync(first.rejects_file as string, 'utf8');
    expect(rejects).toMatch(
      new RegExp(`damaged.log.gz\t${cleanLines + 1}\tdamaged gzip content at content byte`),
    );
    const sources = await store.registry.listSources();
    expect(sources.find((s) => s.path === damaged)?.offset).toBe(clean.lastIndexOf(10) + 1);

    // Again: nothing new is counted, the damage is said again. Repaired: the rest, and nothing twice.
    const again = await importFiles([damaged], options('auto', { onFile: (o) => outcomes.push(o) }));
    expect(again).toMatchObject({ records: 0, rejected: 1 });
    writeFileSync(damaged, whole);
    const repaired = await importFiles([damaged], options('auto'));
    expect(repaired).toMatchObject({ records: 10_000 - cleanLines, rejected: 0 });
    const { body } = await runUsageQuery(store, {
      account: 'default',
      from: '2015-05-01',
      to: '2015-06-01',
      metrics: 'requests,bytes_out',
    });
    expect(body.rows[0]).toMatchObject({ requests: 10_000, bytes_out: 2_747_282_740 });
  });

  test('a .gz file is read as a stream, and its last line counts without a newline', async () => {
    const gz = join(dir, 'rtmp.log.gz');
    writeFileSync(gz, gzipSync(readFileSync(sample('cloudfront_rtmp_claygregory.log'))));
    const first = await importFiles([gz], options('auto'));
    // Now the disconnect is in: sc-bytes 429824092 is the connection's total.
    expect(first).toMatchObject({ lines: 8, records: 5, skipped_lines: 3, bytes_out: 429_824_092 });
    const again = await importFiles([gz], options('auto'));
    expect(again).toMatchObject({ lines: 0, records: 0 });
    expect(await totals()).toMatchObject({ requests: 5, bytes_out: 429_824_092 });
  });

  test('a plain file later compressed by rotation is the same source: nothing is counted twice', async () => {
    const plain = join(dir, 'access.log');
    copyFileSync(sample('s3_dandi_s3-log-parser.log'), plain);
    await importFiles([plain], options('s3'));
    const rotated = join(dir, 'access.log.1.gz');
    writeFileSync(rotated, gzipSync(readFileSync(plain)));
    const second = await importFiles([rotated], options('s3'));
    expect(second).toMatchObject({ records: 0 });
    expect(await totals()).toMatchObject({ requests: 14, bytes_out: 11_203_069 });
  });

  test('a .zst file is read through fzstd', async () => {
    // fixtures/s3_dandi_s3-log-parser.log.zst: `zstd -19` of the sample above
    const result = await importFiles([fixture('s3_dandi_s3-log-parser.log.zst')], options('auto'));
    expect(result).toMatchObject({ lines: 14, records: 14, bytes_out: 11_203_069 });
  });
});

describe('W3C headers', () => {
  test('a resumed CloudFront file finds its #Fields header above the checkpoint', async () => {
    const path = join(dir, 'cf.log');
    const lines = readFileSync(sample('cloudfront_scogs_CF.log'), 'utf8').split('\n');
    writeFileSync(path, `${lines.slice(0, 10).join('\n')}\n`);
    await importFiles([path], options('cloudfront'));
    writeFileSync(path, lines.join('\n'));
    const resumed = await importFiles([path], options('cloudfront'));
    expect(resumed).toMatchObject({ rejected: 0, records: 10 });
    expect(await totals()).toMatchObject({ requests: 18, bytes_out: 8_647_930 });
  });

  test('Wowza tz abbreviations: an ambiguous one is refused with the flag to use, which then resolves it', async () => {
    const path = join(dir, 'wowza-cst.log');
    writeFileSync(path, readFileSync(fixture('wowza_access.log'), 'utf8').replaceAll('\tCEST\t', '\tCST\t'));
    const outcomes: FileOutcome[] = [];
    const refused = await importFiles([path], options('wowza', { onFile: (o) => outcomes.push(o) }));
    // Every line rejected: the file is refused whole, so the next import still reads every line.
    expect(refused).toMatchObject({ lines: 0, records: 0, rejected: 0 });
    expect(outcomes[0]).toMatchObject({ state: 'refused', rejected: 10 });
    expect(outcomes[0]?.problem).toMatch(
      /10 of 10 lines rejected as wowza \(first: time zone 'CST' is ambiguous/,
    );
    const rejects = readFileSync(refused.rejects_file as string, 'utf8');
    expect(rejects).toContain("time zone 'CST' is ambiguous: pass --log-timezone ZONE");
    expect(await store.registry.listSources()).toEqual([]);

    const chicago = await importFiles([path], options('wowza', { logTimezone: 'America/Chicago' }));
    expect(chicago).toMatchObject({ records: 10, rejected: 0 });
    // 10:05:02 in Chicago on 1 July (CDT, UTC-5) is 15:05:02 UTC: the 15:00 bucket.
    const { body } = await runUsageQuery(store, {
      account: 'default',
      from: '2024-07-01T15:00:00Z',
      to: '2024-07-01T15:15:00Z',
      metrics: 'starts',
    });
    expect(body.rows[0]?.starts).toBe(1);
  });
});
