import { IANAZone } from 'luxon';
import { describe, expect, test } from 'vitest';
import {
  bucketStart,
  formatInstant,
  type Granularity,
  isValidTimeZone,
  parseInstant,
  splitWindows,
  sundayWeekOfYear,
  sundayWeekWindow,
} from './time-window.js';

const utc = (iso: string) => Date.parse(iso);
const asIso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

describe('splitWindows', () => {
  // Expected instants are worked out from each zone's published offsets, not from the code.
  test.each<[string, string, string, string, Granularity, string[]]>([
    [
      'New York spring-forward day is 23 h',
      'America/New_York',
      '2024-03-10',
      '2024-03-11',
      'day',
      ['2024-03-10T05:00:00Z', '2024-03-11T04:00:00Z'],
    ],
    [
      'New York fall-back day is 25 h',
      'America/New_York',
      '2024-11-03',
      '2024-11-04',
      'day',
      ['2024-11-03T04:00:00Z', '2024-11-04T05:00:00Z'],
    ],
    [
      'Berlin spring-forward day is 23 h',
      'Europe/Berlin',
      '2024-03-31',
      '2024-04-01',
      'day',
      ['2024-03-30T23:00:00Z', '2024-03-31T22:00:00Z'],
    ],
    [
      'Berlin fall-back day is 25 h',
      'Europe/Berlin',
      '2024-10-27',
      '2024-10-28',
      'day',
      ['2024-10-26T22:00:00Z', '2024-10-27T23:00:00Z'],
    ],
    [
      'Kolkata day starts at 18:30 UTC',
      'Asia/Kolkata',
      '2024-07-01',
      '2024-07-02',
      'day',
      ['2024-06-30T18:30:00Z', '2024-07-01T18:30:00Z'],
    ],
    [
      'Kathmandu day starts at 18:15 UTC',
      'Asia/Kathmandu',
      '2024-07-01',
      '2024-07-02',
      'day',
      ['2024-06-30T18:15:00Z', '2024-07-01T18:15:00Z'],
    ],
    [
      'leap February has 29 days',
      'UTC',
      '2024-02-01',
      '2024-03-01',
      'month',
      ['2024-02-01T00:00:00Z', '2024-03-01T00:00:00Z'],
    ],
    [
      'Berlin year starts at 23:00 UTC the day before',
      'Europe/Berlin',
      '2024-01-01',
      '2025-01-01',
      'year',
      ['2023-12-31T23:00:00Z', '2024-12-31T23:00:00Z'],
    ],
  ])('%s', (_name, zone, from, to, granularity, [start, end]) => {
    const windows = splitWindows(
      parseInstant(from, zone, 'from'),
      parseInstant(to, zone, 'to'),
      granularity,
      zone,
    );
    expect(windows.map((w) => [asIso(w.start), asIso(w.end)])).toEqual([[start, end]]);
  });

  test('quarters of 2024 in UTC', () => {
    const w = splitWindows(utc('2024-01-01T00:00:00Z'), utc('2025-01-01T00:00:00Z'), 'quarter', 'UTC');
    expect(w.map((x) => asIso(x.start))).toEqual([
      '2024-01-01T00:00:00Z',
      '2024-04-01T00:00:00Z',
      '2024-07-01T00:00:00Z',
      '2024-10-01T00:00:00Z',
    ]);
    expect(asIso(w[3]?.end ?? 0)).toBe('2025-01-01T00:00:00Z');
  });

  test('a quarter in Kolkata starts at 18:30 UTC of the previous day', () => {
    const w = splitWindows(
      utc('2024-03-31T18:30:00Z'),
      utc('2024-09-30T18:30:00Z'),
      'quarter',
      'Asia/Kolkata',
    );
    expect(w.map((x) => asIso(x.start))).toEqual(['2024-03-31T18:30:00Z', '2024-06-30T18:30:00Z']);
  });

  test('month windows of a leap and a common year', () => {
    const days = (year: number) =>
      splitWindows(utc(`${year}-01-01T00:00:00Z`), utc(`${year + 1}-01-01T00:00:00Z`), 'month', 'UTC').map(
        (w) => (w.end - w.start) / 86_400_000,
      );
    expect(days(2024)).toEqual([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
    expect(days(2023)[1]).toBe(28);
    expect(days(1900)[1]).toBe(28); // divisible by 100, not by 400
    expect(days(2000)[1]).toBe(29);
  });

  test('the New York fall-back day has 25 hourly windows, the spring-forward day 23', () => {
    const count = (from: string, to: string) =>
      splitWindows(
        parseInstant(from, 'America/New_York', 'from'),
        parseInstant(to, 'America/New_York', 'to'),
        'hour',
        'America/New_York',
      ).length;
    expect(count('2024-11-03', '2024-11-04')).toBe(25);
    expect(count('2024-03-10', '2024-03-11')).toBe(23);
  });

  test('Kathmandu hours start at a quarter past the UTC hour', () => {
    const w = splitWindows(
      utc('2024-07-01T00:15:00Z'),
      utc('2024-07-01T02:15:00Z'),
      'hour',
      'Asia/Kathmandu',
    );
    expect(w.map((x) => asIso(x.start))).toEqual(['2024-07-01T00:15:00Z', '2024-07-01T01:15:00Z']);
  });

  test('%U weeks break at 1 January as well as on Sundays', () => {
    const w = splitWindows(utc('2024-12-29T00:00:00Z'), utc('2025-01-12T00:00:00Z'), 'week', 'UTC');
    expect(w.map((x) => [asIso(x.start), asIso(x.end)])).toEqual([
      ['2024-12-29T00:00:00Z', '2025-01-01T00:00:00Z'],
      ['2025-01-01T00:00:00Z', '2025-01-05T00:00:00Z'],
      ['2025-01-05T00:00:00Z', '2025-01-12T00:00:00Z'],
    ]);
  });

  test('ISO weeks start on Monday and run across the new year', () => {
    const w = splitWindows(utc('2024-12-30T00:00:00Z'), utc('2025-01-13T00:00:00Z'), 'isoweek', 'UTC');
    expect(w.map((x) => asIso(x.start))).toEqual(['2024-12-30T00:00:00Z', '2025-01-06T00:00:00Z']);
  });

  test('windows are clipped to the query range', () => {
    const w = splitWindows(utc('2024-07-01T10:00:00Z'), utc('2024-07-02T06:00:00Z'), 'day', 'UTC');
    expect(w.map((x) => [asIso(x.start), asIso(x.end)])).toEqual([
      ['2024-07-01T10:00:00Z', '2024-07-02T00:00:00Z'],
      ['2024-07-02T00:00:00Z', '2024-07-02T06:00:00Z'],
    ]);
  });

  test('15m windows and total', () => {
    expect(splitWindows(utc('2024-07-01T00:00:00Z'), utc('2024-07-01T01:00:00Z'), '15m', 'UTC')).toHaveLength(
      4,
    );
    expect(splitWindows(1, 5, 'total', 'UTC')).toEqual([{ start: 1, end: 5 }]);
  });

  test('refuses absurd window counts', () => {
    expect(() =>
      splitWindows(utc('2000-01-01T00:00:00Z'), utc('2030-01-01T00:00:00Z'), '15m', 'UTC'),
    ).toThrow(/granularity/);
  });
});

describe('week numbers (%U)', () => {
  test.each([
    ['2000-01-01T12:00:00Z', 0], // Saturday before the first Sunday
    ['2000-01-02T12:00:00Z', 1],
    ['2000-12-31T12:00:00Z', 53], // leap year starting on Saturday: its last day is a Sunday in week 53
    ['2023-01-01T12:00:00Z', 1], // year starting on Sunday has no week 0
    ['2024-12-31T12:00:00Z', 52],
  ])('%s is week %i', (iso, week) => {
    expect(sundayWeekOfYear(utc(iso), 'UTC')).toBe(week);
  });

  test('week windows', () => {
    const w53 = sundayWeekWindow(2000, 53, 'UTC');
    expect([asIso(w53.start), asIso(w53.end)]).toEqual(['2000-12-31T00:00:00Z', '2001-01-01T00:00:00Z']);
    const w0 = sundayWeekWindow(2000, 0, 'UTC');
    expect([asIso(w0.start), asIso(w0.end)]).toEqual(['2000-01-01T00:00:00Z', '2000-01-02T00:00:00Z']);
    const empty = sundayWeekWindow(2023, 0, 'UTC');
    expect(empty.start).toBe(empty.end);
  });
});

describe('instants', () => {
  test.each([
    ['2024-07-01', 'Europe/Berlin', '2024-06-30T22:00:00Z'],
    ['2024-07-01T00:00:00Z', 'Europe/Berlin', '2024-07-01T00:00:00Z'],
    ['2024-07-01T00:00:00+05:30', 'UTC', '2024-06-30T18:30:00Z'],
    ['2024-07-01T08:00', 'Asia/Kathmandu', '2024-07-01T02:15:00Z'],
  ])('%s in %s', (text, zone, expected) => {
    expect(asIso(parseInstant(text, zone, 'from'))).toBe(expected);
  });

  test('bad input names the parameter', () => {
    expect(() => parseInstant('yesterday', 'UTC', 'from')).toThrow(/^from:/);
  });

  test('formatting keeps the local offset', () => {
    expect(formatInstant(utc('2024-06-30T18:15:00Z'), 'Asia/Kathmandu')).toBe('2024-07-01T00:00:00+05:45');
  });

  test('buckets are 15 minutes', () => {
    expect(asIso(bucketStart(utc('2024-07-01T10:29:59.999Z')))).toBe('2024-07-01T10:15:00Z');
  });
});

describe('isValidTimeZone', () => {
  test.each([
    'Europe/Berlin',
    'Asia/Kathmandu',
    'Asia/Kolkata',
    'Asia/Calcutta',
    'UTC',
    'Etc/GMT+5',
    'US/Eastern',
  ])('accepts %s', (zone) => expect(isValidTimeZone(zone)).toBe(true));

  test.each(['Mars/Base', '', 'Europe', 'Europe/Berlin/x', '+02:00'])('refuses %j', (zone) =>
    expect(isValidTimeZone(zone)).toBe(false),
  );

  test('the canonical list it answers from holds only zones a formatter accepts', () => {
    const refused = Intl.supportedValuesOf('timeZone').filter((zone) => !IANAZone.isValidZone(zone));
    expect(refused).toEqual([]);
  });
});
