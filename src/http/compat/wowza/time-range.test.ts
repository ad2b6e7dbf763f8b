import { describe, expect, test } from 'vitest';
import { lastBillingDate, resolveRange } from './time-range.js';

const NOW = Date.parse('2026-11-22T12:34:00Z');
const iso = (r: { from: number; to: number }) => [
  new Date(r.from).toISOString(),
  new Date(r.to).toISOString(),
];

describe('Wowza from/to', () => {
  test('defaults: the last billing date to the end of the current day', () => {
    expect(new Date(lastBillingDate(NOW, 5)).toISOString()).toBe('2026-11-05T00:00:00.000Z');
    expect(new Date(lastBillingDate(NOW, 28)).toISOString()).toBe('2026-10-28T00:00:00.000Z');
    expect(iso(resolveRange({}, { now: NOW, billingDay: 1, rounding: 'hour' }))).toEqual([
      '2026-11-01T00:00:00.000Z',
      '2026-11-23T00:00:00.000Z',
    ]);
  });

  test.each([
    // only from: up to the end of today, or 90 days, whichever is shorter
    [{ from: '2026-11-10 10:00:00' }, '2026-11-10T10:00:00.000Z', '2026-11-23T00:00:00.000Z'],
    [{ from: '2026-01-10 10:00:00' }, '2026-01-10T10:00:00.000Z', '2026-04-10T10:00:00.000Z'],
    // only to: 90 days before, or the last billing date, whichever is shorter
    [{ to: '2026-11-20 00:00:00' }, '2026-11-01T00:00:00.000Z', '2026-11-20T00:00:00.000Z'],
    [{ to: '2026-10-20 00:00:00' }, '2026-07-22T00:00:00.000Z', '2026-10-20T00:00:00.000Z'],
    // minutes round up to the hour; single digits and a T are accepted
    [
      { from: '2026-9-4 15:01:00', to: '2026-09-05T16:00:00' },
      '2026-09-04T16:00:00.000Z',
      '2026-09-05T16:00:00.000Z',
    ],
    [
      { from: 'last_bill_date', to: '2026-11-02 00:00:00' },
      '2026-11-01T00:00:00.000Z',
      '2026-11-02T00:00:00.000Z',
    ],
  ])('%o -> %s .. %s', (query, from, to) => {
    expect(iso(resolveRange(query, { now: NOW, billingDay: 1, rounding: 'hour' }))).toEqual([from, to]);
  });

  test('bucket rounding keeps the quarter hour', () => {
    const r = resolveRange(
      { from: '2026-11-01 10:10:00', to: '2026-11-01 11:00:00' },
      { now: NOW, billingDay: 1, rounding: 'bucket' },
    );
    expect(iso(r)).toEqual(['2026-11-01T10:15:00.000Z', '2026-11-01T11:00:00.000Z']);
  });

  test.each([
    [{ from: '2026-11-02 00:00:00', to: '2026-11-01 00:00:00' }, 'before'],
    [{ from: '2026-01-01 00:00:00', to: '2026-04-02 00:00:00' }, '90 days'],
    [{ from: 'yesterday' }, 'YYYY-MM-DD'],
    [{ from: '2026-11-01 24:00:00' }, 'not a valid'],
  ])('%o is refused (%s)', (query, words) => {
    expect(() => resolveRange(query, { now: NOW, billingDay: 1, rounding: 'hour' })).toThrow(words);
  });
});
