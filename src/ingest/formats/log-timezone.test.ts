import { describe, expect, test } from 'vitest';
import { createLogClock } from './log-timezone.js';

describe('log clocks', () => {
  const table = createLogClock(undefined);

  test.each([
    ['2013-09-17', '21:51:53', 'CEST', '2013-09-17T19:51:53Z'],
    ['2024-01-15', '08:00:00', 'CET', '2024-01-15T07:00:00Z'],
    ['2024-07-01', '00:30:00', 'EDT', '2024-07-01T04:30:00Z'],
    ['2024-07-01', '00:30:00', 'utc', '2024-07-01T00:30:00Z'],
    ['2024-07-01', '00:30:00', 'ACST', '2024-06-30T15:00:00Z'],
  ])('%s %s %s is %s', (date, time, zone, utc) => {
    expect(table(date, time, zone)).toBe(Date.parse(utc));
  });

  test.each([
    ['CST', 'ambiguous: pass --log-timezone ZONE'],
    ['IST', 'ambiguous'],
    ['XYZ', "unknown time zone 'XYZ'"],
    ['constructor', 'unknown time zone'],
    ['', 'no tz value'],
  ])('%j is refused', (zone, reason) => {
    const result = table('2024-07-01', '00:00:00', zone);
    expect(typeof result === 'object' && result.reason).toContain(reason);
  });

  test('--log-timezone follows the zone across DST, whatever the abbreviation says', () => {
    const chicago = createLogClock('America/Chicago');
    expect(chicago('2024-01-15', '10:00:00', 'CST')).toBe(Date.parse('2024-01-15T16:00:00Z'));
    expect(chicago('2024-07-15', '10:00:00', 'CST')).toBe(Date.parse('2024-07-15T15:00:00Z'));
    const kolkata = createLogClock('Asia/Kolkata');
    expect(kolkata('2024-07-15', '10:00:00', 'IST')).toBe(Date.parse('2024-07-15T04:30:00Z'));
  });

  test('bad dates are refused, not rolled over', () => {
    expect(table('2023-02-29', '00:00:00', 'UTC')).toEqual({ reason: 'bad date or time' });
    expect(table('2024-02-29', '24:00:00', 'UTC')).toEqual({ reason: 'bad date or time' });
  });
});
