/** Parses the Common Log Format timestamp `10/Oct/2000:13:55:36 -0700` into UTC epoch milliseconds. */
import { ownString } from '../own-string.js';
import { decimalAt } from './decimal.js';

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

function digits(text: string, start: number, count: number): number {
  return decimalAt(text, start, start + count);
}

// Consecutive lines mostly share the day and the UTC offset (a log of interleaved sessions moves
// back and forth within the hour, so the minute is shared far less often): keep the UTC instant the
// last day began at, and read only the time of day from a line of the same day.
let lastText = '';
let lastDay = Number.NaN;

/** True when the timestamp at `text[start]` agrees with `lastText` on `dd/Mon/yyyy:` and on ` +hhmm`. */
function sameDay(text: string, start: number): boolean {
  if (lastText.length !== 26) return false;
  for (let i = 0; i < 12; i++) if (text.charCodeAt(start + i) !== lastText.charCodeAt(i)) return false;
  for (let i = 20; i < 26; i++) if (text.charCodeAt(start + i) !== lastText.charCodeAt(i)) return false;
  return true;
}

/**
 * The timestamp `text.slice(start, end)`, read in place (the import hot path: no slice per line).
 * Returns NaN for anything that is not a valid CLF timestamp.
 */
export function parseClfTime(text: string, start = 0, end = text.length): number {
  if (end - start !== 26) return Number.NaN;
  if (sameDay(text, start)) {
    const hour = digits(text, start + 12, 2);
    const minute = digits(text, start + 15, 2);
    const second = digits(text, start + 18, 2);
    // NaN fails every comparison: a non-digit is refused here as by parseFull.
    if (hour <= 23 && minute <= 59 && second <= 60)
      return lastDay + hour * 3_600_000 + minute * 60_000 + second * 1000;
    return Number.NaN;
  }
  const time = parseFull(text, start);
  if (!Number.isNaN(time)) {
    lastText = ownString(text.slice(start, end));
    lastDay =
      time -
      digits(text, start + 12, 2) * 3_600_000 -
      digits(text, start + 15, 2) * 60_000 -
      digits(text, start + 18, 2) * 1000;
  }
  return time;
}

/** `dd/Mon/yyyy:HH:MM:SS +hhmm`, 26 characters from `start`. */
function parseFull(text: string, s: number): number {
  if (text[s + 2] !== '/' || text[s + 6] !== '/' || text[s + 11] !== ':' || text[s + 20] !== ' ') {
    return Number.NaN;
  }
  const day = digits(text, s, 2);
  const month = MONTHS[text.slice(s + 3, s + 6)];
  const year = digits(text, s + 7, 4);
  const hour = digits(text, s + 12, 2);
  const minute = digits(text, s + 15, 2);
  const second = digits(text, s + 18, 2);
  const sign = text[s + 21] === '-' ? -1 : text[s + 21] === '+' ? 1 : 0;
  const offH = digits(text, s + 22, 2);
  const offM = digits(text, s + 24, 2);
  if (month === undefined || sign === 0 || Number.isNaN(day + year + hour + minute + second + offH + offM)) {
    return Number.NaN;
  }
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60 || offM > 59) return Number.NaN;
  // Date.UTC rolls 31 Feb over into March: refuse dates that do not exist. (The day alone: a leap
  // second, 23:59:60, is the next day's first instant, as on a line read through sameDay.)
  if (new Date(Date.UTC(year, month, day)).getUTCDate() !== day) return Number.NaN;
  return Date.UTC(year, month, day, hour, minute, second) - sign * (offH * 60 + offM) * 60_000;
}
