/** Parses the Common Log Format timestamp `10/Oct/2000:13:55:36 -0700` into UTC epoch milliseconds. */
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

// Consecutive lines mostly share everything but the seconds: keep the last minute's UTC start.
let lastText = '';
let lastMinute = Number.NaN;

/** True when `a` and `b` agree on `dd/Mon/yyyy:HH:MM:` and on the UTC offset. */
function sameMinute(a: string, b: string): boolean {
  if (a.length !== 26 || b.length !== 26) return false;
  for (let i = 0; i < 18; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
  for (let i = 20; i < 26; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
  return true;
}

/** Returns NaN for anything that is not a valid CLF timestamp. */
export function parseClfTime(text: string): number {
  if (sameMinute(text, lastText)) {
    const second = digits(text, 18, 2);
    if (second >= 0 && second <= 60) return lastMinute + second * 1000;
  }
  const time = parseFull(text);
  if (!Number.isNaN(time)) {
    lastText = text;
    lastMinute = time - digits(text, 18, 2) * 1000;
  }
  return time;
}

function parseFull(text: string): number {
  // dd/Mon/yyyy:HH:MM:SS +hhmm  -> 26 characters exactly
  if (text.length !== 26 || text[2] !== '/' || text[6] !== '/' || text[11] !== ':' || text[20] !== ' ') {
    return Number.NaN;
  }
  const day = digits(text, 0, 2);
  const month = MONTHS[text.slice(3, 6)];
  const year = digits(text, 7, 4);
  const hour = digits(text, 12, 2);
  const minute = digits(text, 15, 2);
  const second = digits(text, 18, 2);
  const sign = text[21] === '-' ? -1 : text[21] === '+' ? 1 : 0;
  const offH = digits(text, 22, 2);
  const offM = digits(text, 24, 2);
  if (month === undefined || sign === 0 || Number.isNaN(day + year + hour + minute + second + offH + offM)) {
    return Number.NaN;
  }
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60 || offM > 59) return Number.NaN;
  const local = Date.UTC(year, month, day, hour, minute, second);
  // Date.UTC rolls 31 Feb over into March: refuse dates that do not exist.
  if (new Date(local).getUTCDate() !== day) return Number.NaN;
  return local - sign * (offH * 60 + offM) * 60_000;
}
