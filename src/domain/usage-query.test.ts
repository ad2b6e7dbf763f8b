import { describe, expect, test } from 'vitest';
import { encodeCursor, parseUsageQuery, type UsageRequest, usageQueryOf } from './usage-query.js';

const base = { account: 'acme', from: '2024-07-01', to: '2024-08-01' };

describe('parseUsageQuery', () => {
  test('defaults: account zone, total, all metrics', () => {
    const q = parseUsageQuery(base, 'Asia/Kolkata');
    expect(q.tz).toBe('Asia/Kolkata');
    expect(new Date(q.from).toISOString()).toBe('2024-06-30T18:30:00.000Z');
    expect(q.granularity).toBe('total');
    expect(q.metrics).toContain('unique_viewers');
    expect(q.limit).toBe(1000);
  });

  test.each<[Record<string, string>, RegExp]>([
    [{ metrics: 'bytes_out,bogus' }, /^metrics: unknown metric 'bogus'/],
    [{ group_by: 'planet' }, /^group_by: unknown dimension 'planet'/],
    [{ tz: 'Mars/Olympus' }, /^tz: unknown time zone/],
    [{ from: '2024-07-01T00:07:00Z' }, /^from: .* not on a 15-minute boundary/],
    [{ to: '2024-07-01' }, /^from: must be before to/],
    [{ granularity: 'fortnight' }, /^granularity: unknown granularity/],
    [{ planet: 'x' }, /^planet: unknown parameter/],
    [{ order_by: '-bytes_in', metrics: 'bytes_out' }, /^order_by:/],
    [{ limit: '0' }, /^limit:/],
    [{ account: '' }, /^account: is required/],
    [{ cursor: 'garbage' }, /^cursor:/],
  ])('%o is refused', (override, message) => {
    expect(() => parseUsageQuery({ ...base, ...override }, 'UTC')).toThrow(message);
  });

  test('filters keep empty values and cursors round-trip', () => {
    const q = parseUsageQuery({ ...base, country: ',US', group_by: 'app', order_by: '-bytes_out' }, 'UTC');
    expect(q.filters).toEqual({ country: ['', 'US'] });
    expect(q.orderBy).toEqual([{ field: 'bytes_out', descending: true }]);
    const next = parseUsageQuery(
      { ...base, country: ',US', group_by: 'app', order_by: '-bytes_out', cursor: encodeCursor(q, 40) },
      'UTC',
    );
    expect(next.offset).toBe(40);
    expect(() => parseUsageQuery({ ...base, cursor: encodeCursor(q, 40) }, 'UTC')).toThrow(/different query/);
  });
});

describe('usageQueryOf', () => {
  const from = Date.parse('2024-07-01T00:00:00Z');
  const to = Date.parse('2024-08-01T00:00:00Z');
  const typed = {
    account: 'acme',
    from,
    to,
    tz: 'UTC',
    granularity: 'day' as const,
    metrics: ['bytes_out' as const],
  };

  test('a typed request is the query its parameters parse to', () => {
    const parsed = parseUsageQuery(
      {
        ...base,
        granularity: 'day',
        metrics: 'bytes_out',
        group_by: 'app',
        resource: 'a,b',
        order_by: '-bytes_out',
      },
      'UTC',
    );
    const built = usageQueryOf({
      ...typed,
      groupBy: ['app'],
      filters: { resource: ['a', 'b'] },
      orderBy: [{ field: 'bytes_out', descending: true }],
    });
    expect(built).toEqual(parsed);
    // Both are this query, written out by hand.
    expect(built).toEqual({
      account: 'acme',
      alsoAccounts: [],
      from: Date.parse('2024-07-01T00:00:00Z'),
      to: Date.parse('2024-08-01T00:00:00Z'),
      tz: 'UTC',
      granularity: 'day',
      groupBy: ['app'],
      metrics: ['bytes_out'],
      filters: { resource: ['a', 'b'] },
      orderBy: [{ field: 'bytes_out', descending: true }],
      limit: 1000,
      offset: 0,
    });
  });

  test.each<[Partial<UsageRequest>, RegExp]>([
    [{ from: from + 60_000 }, /^from: .* 15-minute boundary/],
    [{ to: from }, /^from: must be before to/],
    [{ tz: 'Mars/Olympus' }, /^tz: unknown time zone/],
    [{ metrics: [] }, /^metrics: at least one/],
    [{ metrics: ['transcode_seconds'], groupBy: ['app'] }, /^group_by: meter metric/],
    [{ metrics: ['billed_bytes_out'], filters: { source: ['s'] } }, /^source: billed metric/],
    [{ orderBy: [{ field: 'bytes_in', descending: false }] }, /^order_by:/],
  ])('%o is refused', (override, message) => {
    expect(() => usageQueryOf({ ...typed, ...override })).toThrow(message);
  });
});
