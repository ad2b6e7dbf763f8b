import { describe, expect, test } from 'vitest';
import { CommitSchedule } from './commit-schedule.js';

describe('CommitSchedule', () => {
  test('due by weight alone without a period', () => {
    const schedule = new CommitSchedule(100, undefined, () => 0);
    expect(schedule.due(99)).toBe(false);
    expect(schedule.due(100)).toBe(true);
    schedule.flushWeight = 25;
    expect(schedule.due(30)).toBe(true);
  });

  test('due by time once the period has passed since the last commit started', () => {
    let now = 1000;
    const schedule = new CommitSchedule(1_000_000, 500, () => now);
    now = 1499;
    expect(schedule.due(0)).toBe(false);
    now = 1500;
    expect(schedule.due(0)).toBe(true);
    schedule.committing();
    now = 1999;
    expect(schedule.due(0)).toBe(false);
    now = 2000;
    expect(schedule.due(0)).toBe(true);
  });
});
