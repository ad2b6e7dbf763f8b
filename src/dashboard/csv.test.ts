import { describe, expect, test } from 'vitest';
import { csvLines, usageCsvLines } from '../query/usage-csv.js';
import { csvText } from './csv.js';

describe("the dashboard's CSV", () => {
  test('is the text the API writes for the same rows (quotes, commas, formulas, newlines)', () => {
    const columns = ['window_start', 'window_end', 'resource', 'bytes_out'];
    const rows = [
      {
        window_start: '2026-10-01T00:00:00+02:00',
        window_end: '2026-11-01T00:00:00+01:00',
        resource: 'plain',
        bytes_out: 12,
      },
      { window_start: 'a', window_end: 'b', resource: '=HYPERLINK("http://evil.example")', bytes_out: 0 },
      { window_start: 'a', window_end: 'b', resource: 'comma, "quote"\nline', bytes_out: 9007199254740991 },
      { window_start: 'a', window_end: 'b', resource: '-1+2', bytes_out: 3 },
      { window_start: 'a', window_end: 'b', resource: '', bytes_out: 1 },
    ];
    expect(csvText(columns, rows)).toBe(csvLines([columns]) + usageCsvLines(columns, rows));
  });
});
