import { DateTime } from 'luxon';
import { describe, expect, test } from 'vitest';
import { chartGranularity, periodRange, previousRange } from './period.js';

// 2026-03-29 is the day Europe/Berlin moves to summer time: a day of 23 hours.
const now = DateTime.fromISO('2026-03-29T12:00:00Z');

describe('periods in the account zone', () => {
  test('each period is whole days in the zone, today included where it says so', () => {
    const none = { from: '', to: '' };
    expect(periodRange('today', 'Europe/Berlin', none, now)).toEqual({
      from: '2026-03-29',
      to: '2026-03-30',
    });
    expect(periodRange('yesterday', 'Europe/Berlin', none, now)).toEqual({
      from: '2026-03-28',
      to: '2026-03-29',
    });
    expect(periodRange('last-7-days', 'Europe/Berlin', none, now)).toEqual({
      from: '2026-03-23',
      to: '2026-03-30',
    });
    expect(periodRange('last-30-days', 'Europe/Berlin', none, now)).toEqual({
      from: '2026-02-28',
      to: '2026-03-30',
    });
    expect(periodRange('this-month', 'Europe/Berlin', none, now)).toEqual({
      from: '2026-03-01',
      to: '2026-04-01',
    });
    expect(periodRange('last-month', 'Europe/Berlin', none, now)).toEqual({
      from: '2026-02-01',
      to: '2026-03-01',
    });
    // At 12:00 UTC it is already the next day in Tokyo (UTC+9 at 21:00) but not in Honolulu.
    expect(periodRange('today', 'Asia/Tokyo', none, DateTime.fromISO('2026-03-29T20:00:00Z'))).toEqual({
      from: '2026-03-30',
      to: '2026-03-31',
    });
    expect(periodRange('custom', 'UTC', { from: '2026-01-05', to: '2026-01-09' }, now)).toEqual({
      from: '2026-01-05',
      to: '2026-01-09',
    });
    // A custom range that ends before it starts falls back to the last 30 days.
    expect(periodRange('custom', 'UTC', { from: '2026-01-09', to: '2026-01-05' }, now).to).toBe('2026-03-30');
  });

  test('the period before is as long, or the month before for months', () => {
    expect(previousRange({ from: '2026-03-01', to: '2026-04-01' })).toEqual({
      from: '2026-02-01',
      to: '2026-03-01',
    });
    expect(previousRange({ from: '2026-01-01', to: '2026-04-01' })).toEqual({
      from: '2025-10-01',
      to: '2026-01-01',
    });
    expect(previousRange({ from: '2026-03-23', to: '2026-03-30' })).toEqual({
      from: '2026-03-16',
      to: '2026-03-23',
    });
    expect(previousRange({ from: '2026-03-29', to: '2026-03-30' })).toEqual({
      from: '2026-03-28',
      to: '2026-03-29',
    });
  });

  test('the chart granularity suits the length', () => {
    expect(chartGranularity({ from: '2026-03-29', to: '2026-03-30' })).toBe('15m');
    expect(chartGranularity({ from: '2026-03-27', to: '2026-03-30' })).toBe('hour');
    expect(chartGranularity({ from: '2026-03-01', to: '2026-04-01' })).toBe('day');
    expect(chartGranularity({ from: '2026-01-01', to: '2026-07-01' })).toBe('week');
    expect(chartGranularity({ from: '2024-01-01', to: '2026-01-01' })).toBe('month');
  });
});
