import { describe, expect, test } from 'vitest';
import { processorSettings } from '../../test-support/processor-settings.js';
import type { ChunkResult } from './chunk-processor.js';
import { createProcessor } from './processor-settings.js';

const settings = processorSettings;

const encode = (lines: readonly string[]) => new TextEncoder().encode(lines.join('\n'));

/** A combined-log line of `bytes` bytes sent; about 150 characters. */
const good = (i: number, bytes: number) =>
  `10.0.${(i >> 8) & 255}.${i & 255} - - [01/Mar/2026:10:${String(i % 60).padStart(2, '0')}:00 +0000] "GET /vod/film/720p/seg_${i}.ts HTTP/1.1" 200 ${bytes} "-" "player/1.0"`;

describe('ChunkProcessor', () => {
  // A chunk of several hundred kilobytes is decoded a piece at a time: the counts, the rejected
  // lines' numbers and texts, and the bytes must come out as if it were one string.
  test('a chunk many pieces long: every line counted once, rejects numbered within the chunk', () => {
    const lines: string[] = [];
    const bad = new Map<number, string>();
    let expectedBytes = 0;
    let blank = 0;
    for (let i = 0; i < 6000; i++) {
      if (i % 997 === 5) {
        const text = `garbage line ${i}`;
        bad.set(lines.length + 1, text);
        lines.push(text);
      } else if (i % 1499 === 7) {
        lines.push(i % 2 === 0 ? '' : '# a comment');
        blank += 1;
      } else {
        const bytes = i * 7 + 1;
        expectedBytes += bytes;
        lines.push(i % 5 === 0 ? `${good(i, bytes)}\r` : good(i, bytes));
      }
    }
    const chunk = encode(lines);
    expect(chunk.length).toBeGreaterThan(5 * 48 * 1024);

    const processor = createProcessor(settings('combined'));
    const result: ChunkResult = processor.process({ bytes: chunk, skipFirst: false });
    expect(result.lines).toBe(lines.length);
    expect(result.rejected).toBe(bad.size);
    expect(result.skipped).toBe(blank);
    expect(result.records).toBe(lines.length - bad.size - blank);
    expect(result.bytesOut).toBe(expectedBytes);
    expect(result.rejects.map((r) => [r.line, r.text])).toEqual([...bad]);
    const rows = processor.drain();
    expect(rows.reduce((sum, r) => sum + r.requests, 0)).toBe(result.records);
    expect(rows.reduce((sum, r) => sum + r.bytesOut, 0)).toBe(expectedBytes);
  });

  test('skipFirst refuses the first line only, and a chunk ending in a newline has an empty last line', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => good(i, 100));
    const result = createProcessor(settings('combined')).process({
      bytes: encode([...lines, '']),
      skipFirst: true,
    });
    expect(result.lines).toBe(2001);
    expect(result.rejected).toBe(1);
    expect(result.skipped).toBe(1);
    expect(result.records).toBe(1999);
    expect(result.bytesOut).toBe(1999 * 100);
  });

  test('a #Fields line far into the chunk names the columns of the lines below it', () => {
    const fields = (names: string) => `#Fields: ${names}`;
    const cf = (bytes: number, ip: string, more: string[] = []) =>
      [
        '2026-03-01',
        '10:00:00',
        'LAX1',
        String(bytes),
        ip,
        'GET',
        'd1.cloudfront.net',
        '/v/a.ts',
        '200',
        ...more,
      ].join('\t');
    const first = fields('date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status');
    // The second header moves sc-bytes: read with the first header's columns, these lines would fail.
    const second = fields('date time x-edge-location c-ip sc-bytes cs-method cs(Host) cs-uri-stem sc-status');
    const swapped = (bytes: number) =>
      [
        '2026-03-01',
        '10:00:00',
        'LAX1',
        '1.2.3.4',
        String(bytes),
        'GET',
        'd1.cloudfront.net',
        '/v/a.ts',
        '200',
      ].join('\t');
    const lines = [first, ...Array.from({ length: 3000 }, () => cf(10, '1.2.3.4')), second];
    lines.push(...Array.from({ length: 1000 }, () => swapped(3)));
    const result = createProcessor(settings('cloudfront')).process({
      bytes: encode(lines),
      skipFirst: false,
    });
    expect(result.rejected).toBe(0);
    expect(result.skipped).toBe(2);
    expect(result.records).toBe(4000);
    expect(result.bytesOut).toBe(3000 * 10 + 1000 * 3);
  });
});
