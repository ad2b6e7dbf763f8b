import { appendFileSync, copyFileSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runUsageQuery } from '../query/run-usage-query.js';
import { DuckDbStore } from '../store/duckdb/duckdb-store.js';
import type { Store } from '../store/store.js';
import { sample } from '../test-support/samples.js';
import { streamTarget } from '../test-support/stream-target.js';
import { useTempDir } from '../test-support/temp-dir.js';
import { type FileOutcome, type ImportOptions, importFiles } from './import.js';

const dir = useTempDir();
let store: Store;
let n = 0;

beforeEach(async () => {
  store = await DuckDbStore.open(':memory:');
  await store.registry.putAccount({ id: 'default', name: 'd', timezone: 'UTC', parent: null });
});
afterEach(async () => {
  await store.close();
});

const options = (extra: Partial<ImportOptions> = {}): ImportOptions => ({
  store,
  config: {},
  format: 'auto',
  secret: Buffer.alloc(32, 7),
  rejectsDir: join(dir, 'rejects'),
  ...extra,
});

const line = (i: number, bytes = 100) =>
  `10.0.0.${i % 250} - - [01/Jul/2024:00:${String(i % 60).padStart(2, '0')}:00 +0000] "GET /vod/v${i % 3}.mp4 HTTP/1.1" 200 ${bytes} "-" "UA"\n`;

function file(name: string, content: string): string {
  const path = join(dir, `${n++}-${name}`);
  writeFileSync(path, content);
  return path;
}

async function totals(): Promise<{ requests: number; bytes_out: number; unique_viewers: number }> {
  const { body } = await runUsageQuery(store, {
    account: 'default',
    from: '2000-01-01',
    to: '2030-01-01',
    metrics: 'requests,bytes_out,unique_viewers',
  });
  const row = body.rows[0] ?? { requests: 0, bytes_out: 0, unique_viewers: 0 };
  return {
    requests: Number(row.requests),
    bytes_out: Number(row.bytes_out),
    unique_viewers: Number(row.unique_viewers),
  };
}

describe('importFiles', () => {
  test('the elastic sample imports with the GoAccess totals, and again adds nothing', async () => {
    const first = await importFiles([sample('apache_combined_elastic_examples.log')], options());
    expect(first).toMatchObject({
      files: 1,
      lines: 10_000,
      records: 10_000,
      rejected: 0,
      skipped_lines: 0,
      bytes_out: 2_747_282_740,
      rejects_file: null,
    });
    const again = await importFiles([sample('apache_combined_elastic_examples.log')], options());
    expect(again).toMatchObject({ files: 1, lines: 0, records: 0, bytes_out: 0 });
    expect(await totals()).toMatchObject({ requests: 10_000, bytes_out: 2_747_282_740 });
  });

  test('a file that grew adds only its new complete lines', async () => {
    const path = file('grow.log', line(1) + line(2) + line(3));
    expect((await importFiles([path], options())).records).toBe(3);
    const tail = line(6, 7);
    appendFileSync(path, line(4) + line(5) + tail.slice(0, 20)); // the last line is still being written
    const outcomes: boolean[] = [];
    const second = await importFiles([path], options({ onFile: (o) => outcomes.push(o.incompleteTail) }));
    expect(second.records).toBe(2);
    expect(outcomes).toEqual([true]);
    appendFileSync(path, tail.slice(20));
    expect((await importFiles([path], options())).records).toBe(1);
    expect(await totals()).toEqual({ requests: 6, bytes_out: 507, unique_viewers: 6 });
    const [source] = await store.registry.listSources();
    expect(source?.offset).toBe(readFileSync(path).length);
  });

  test("a complete file's last line counts without a newline, and never twice once the file grows", async () => {
    // The real CloudFront RTMP sample ends in the `disconnect` that carries the session's bytes.
    const text = readFileSync(sample('cloudfront_rtmp_claygregory.log'), 'utf8');
    expect(text.endsWith('\n')).toBe(false);
    const disconnectBytes = text
      .split('\n')
      .filter((l) => l.split('\t')[4] === 'disconnect')
      .reduce((sum, l) => sum + Number(l.split('\t')[5]), 0);
    expect(disconnectBytes).toBe(429_824_092);
    const path = file('rtmp.log', text);
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(path, anHourAgo, anHourAgo);
    const outcomes: FileOutcome[] = [];
    const first = await importFiles([path], options({ onFile: (o) => outcomes.push(o) }));
    expect(first.bytes_out).toBe(disconnectBytes);
    expect(outcomes[0]).toMatchObject({ countedTail: true, incompleteTail: false });
    expect((await store.registry.listSources())[0]?.offset).toBe(Buffer.byteLength(text));

    // The writer comes back: the newline that ended the counted line, then a new session's end.
    const more = text.split('\n').at(-1)?.replace('\t429824092\t', '\t1000\t') ?? '';
    appendFileSync(path, `\n${more}\n`);
    const second = await importFiles([path], options());
    expect(second).toMatchObject({ records: 1, rejected: 0, bytes_out: 1000 });
    expect((await totals()).bytes_out).toBe(disconnectBytes + 1000);
  });

  test('a last line counted early whose writer carries on: the rest is rejected, never counted', async () => {
    const path = file('early.log', line(1) + line(2, 250).slice(0, -10));
    const first = await importFiles([path], options({ lastLine: 'count' }));
    expect(first.records).toBe(2);
    appendFileSync(path, `${line(2, 250).slice(-10)}${line(3)}`);
    const second = await importFiles([path], options());
    expect(second).toMatchObject({ records: 1, rejected: 1, lines: 2 });
    expect(readFileSync(second.rejects_file ?? '', 'utf8')).toMatch(/rest of a line already counted/);
    expect((await totals()).requests).toBe(3);
  });

  test('a recently written file keeps its last line back; --complete counts it; neither when unchanged', async () => {
    const path = file('recent.log', line(1) + line(2).slice(0, -1));
    const outcomes: FileOutcome[] = [];
    expect((await importFiles([path], options({ onFile: (o) => outcomes.push(o) }))).records).toBe(1);
    expect(outcomes[0]?.incompleteTail).toBe(true);
    expect((await importFiles([path], options({ lastLine: 'wait' }))).records).toBe(0);
    expect((await importFiles([path], options({ lastLine: 'count' }))).records).toBe(1);
    expect((await importFiles([path], options({ lastLine: 'count' }))).records).toBe(0);
    expect((await totals()).requests).toBe(2);
  });

  test('JSON lines: a record naming an unknown account is rejected with the reason; a catalog match claims target-less records', async () => {
    await store.registry.putAccount({ id: 'acme', name: 'Acme', timezone: 'UTC', parent: null });
    // A pattern that makes a regular expression backtrack for minutes: matched in linear time.
    await store.registry.putCatalogEntry(
      streamTarget({ apps: ['live'], resources: ['*a*a*a*a*a*a*a*a*a*a*a*b', 'news*'] }),
    );
    const record = (extra: object) =>
      JSON.stringify({ time: '2024-07-01T10:00:00Z', app: 'live', bytesOut: 100, ...extra });
    const path = file(
      'records.jsonl',
      [
        record({ account: 'acme', resource: 'news/ch1' }),
        record({ account: 'acme', resource: `${'a'.repeat(5000)}c` }),
        record({ account: 'acme', resource: 'news/ch2', target: 'own' }),
        record({ account: 'nobody', resource: 'news/ch1' }),
        '',
      ].join('\n'),
    );
    const summary = await importFiles([path], options({ format: 'jsonl' }));
    expect(summary).toMatchObject({ records: 3, rejected: 1 });
    expect(readFileSync(summary.rejects_file ?? '', 'utf8')).toMatch(
      /\t4\taccount: unknown account 'nobody' \(add it with: tally accounts add nobody\)\t/,
    );
    const { body } = await runUsageQuery(store, {
      account: 'acme',
      from: '2024-07-01',
      to: '2024-07-02',
      group_by: 'target',
      metrics: 'bytes_out',
    });
    expect(body.rows.map((r) => [r.target, r.bytes_out])).toEqual([
      ['', 100],
      ['nlyjxjbc', 100],
      ['own', 100],
    ]);
  });

  test('a renamed copy is recognised by content', async () => {
    const path = file('a.log', line(1) + line(2));
    await importFiles([path], options());
    const renamed = join(dir, 'a.log.1');
    copyFileSync(path, renamed);
    expect((await importFiles([renamed], options())).records).toBe(0);
    expect(await store.registry.listSources()).toHaveLength(1);
  });

  test('a short file still recognised after it grows past 64 KiB', async () => {
    const path = file('short.log', line(1));
    await importFiles([path], options());
    let more = '';
    for (let i = 0; i < 1000; i++) more += line(i, 1);
    appendFileSync(path, more);
    const second = await importFiles([path], options());
    expect(second.records).toBe(1000);
    const sources = await store.registry.listSources();
    expect(sources).toHaveLength(1);
    expect(sources[0]?.headLength).toBe(64 * 1024);
    expect((await importFiles([path], options())).records).toBe(0);
  });

  test('bad lines are counted and kept with line number and reason; blank lines are skipped', async () => {
    const path = file(
      'bad.log',
      `${line(1)}garbage here\n\n${line(2).replace('200 100', '200 x')}${line(3)}`,
    );
    const summary = await importFiles([path], options());
    expect(summary).toMatchObject({ lines: 5, records: 2, rejected: 2, skipped_lines: 1 });
    const rejects = readFileSync(summary.rejects_file ?? '', 'utf8')
      .trim()
      .split('\n');
    expect(rejects[0]).toBe('file\tline\treason\ttext');
    expect(rejects.slice(1).map((r) => r.split('\t').slice(1, 3))).toEqual([
      ['2', 'no [timestamp] field'],
      ['4', 'bad byte count'],
    ]);
  });

  test('a line longer than the limit is rejected with its line number, and the next line still counts', async () => {
    const path = file('long.log', `${line(1)}${'x'.repeat(9 * 1024 * 1024)}\n${line(2)}`);
    const summary = await importFiles([path], options());
    expect(summary).toMatchObject({ lines: 3, records: 2, rejected: 1 });
    const rejects =
      readFileSync(summary.rejects_file ?? '', 'utf8')
        .split('\n')[1]
        ?.split('\t') ?? [];
    expect(rejects.slice(1, 3)).toEqual(['2', `line longer than ${8 * 1024 * 1024} bytes`]);
    expect(rejects[3]).toHaveLength(1024); // the line's start, not all of it
    expect(await totals()).toMatchObject({ requests: 2, bytes_out: 200 });
  });

  test('commits in several batches give the same totals as one', async () => {
    let content = '';
    let bytes = 0;
    for (let i = 0; i < 3000; i++) {
      content += line(i, i);
      bytes += i;
    }
    const path = file('batches.log', content);
    await importFiles([path], options({ flushWeight: 50 }));
    expect(await totals()).toEqual({ requests: 3000, bytes_out: bytes, unique_viewers: 250 });
  });

  test('an import that fails mid-way resumes from its last commit without double counting', async () => {
    let content = '';
    for (let i = 0; i < 2000; i++) content += line(i, 10);
    // Small chunks are not possible from outside, so make the file large enough for several 1 MiB chunks.
    for (let i = 0; i < 40_000; i++) content += line(i, 1);
    const path = file('crash.log', content);
    let commits = 0;
    const usage: Store['usage'] = Object.create(store.usage, {
      commitImport: {
        value: async (batch: Parameters<Store['usage']['commitImport']>[0]) => {
          if (++commits === 2) throw new Error('disk full');
          return store.usage.commitImport(batch);
        },
      },
    });
    const failing: Store = Object.create(store, { usage: { value: usage } });
    await expect(importFiles([path], options({ store: failing, flushWeight: 1 }))).rejects.toThrow(
      'disk full',
    );
    const partial = await totals();
    expect(partial.requests).toBeGreaterThan(0);
    expect(partial.requests).toBeLessThan(42_000);
    await importFiles([path], options());
    expect(await totals()).toMatchObject({ requests: 42_000, bytes_out: 2000 * 10 + 40_000 });
  });

  test('two imports of one file at once count it once: the later commits are replays or refused', async () => {
    let content = '';
    for (let i = 0; i < 30_000; i++) content += line(i, (i % 7) + 1);
    const path = file('twice.log', content);
    let bytes = 0;
    for (let i = 0; i < 30_000; i++) bytes += (i % 7) + 1;
    // Different commit sizes, so the two imports' batches end at different offsets.
    const results = await Promise.allSettled([
      importFiles([path], options({ flushWeight: 1 })),
      importFiles([path], options({ flushWeight: 3 })),
    ]);
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'conflict' });
    expect(await totals()).toMatchObject({ requests: 30_000, bytes_out: bytes });
    // Whatever either left undone, one more import finishes exactly.
    await importFiles([path], options());
    expect(await totals()).toMatchObject({ requests: 30_000, bytes_out: bytes });
  });

  test('forget then re-import gives the same totals', async () => {
    const path = file('forget.log', line(1) + line(2));
    await importFiles([path], options());
    const [source] = await store.registry.listSources();
    expect(await store.usage.forgetSource(source?.id ?? '')).toBe(true);
    expect(await totals()).toEqual({ requests: 0, bytes_out: 0, unique_viewers: 0 });
    await importFiles([path], options());
    expect(await totals()).toEqual({ requests: 2, bytes_out: 200, unique_viewers: 2 });
  });

  test('an unknown --account and a missing file are usage errors', async () => {
    await expect(importFiles([file('x.log', line(1))], options({ account: 'nobody' }))).rejects.toThrow(
      /--account: unknown account/,
    );
    await expect(importFiles([join(dir, 'missing.log')], options())).rejects.toThrow(/not a readable file/);
  });

  test('a file in no known format is refused, not miscounted', async () => {
    await expect(importFiles([file('x.csv', 'a,b,c\n1,2,3\n')], options())).rejects.toThrow(
      /cannot detect the log format/,
    );
  });
});
