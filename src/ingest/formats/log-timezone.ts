/**
 * Wall-clock log times with a zone abbreviation column (Wowza's `tz`, e.g. `CEST`) turned into
 * UTC. `--log-timezone ZONE` (an IANA zone) decides for every line; without it, the abbreviation
 * must be one of the unambiguous ones below. `CST` (US Central, China, Cuba) and its kind are
 * refused with a message that names the flag, rather than guessed.
 */
import { DateTime } from 'luxon';
import { wallClockMs } from './w3c.js';

/** Abbreviation -> UTC offset in minutes; one meaning each in common use (docs/ingest.md lists them). */
export const ZONE_ABBREVIATIONS: Readonly<Record<string, number>> = {
  UTC: 0,
  GMT: 0,
  Z: 0,
  WET: 0,
  WEST: 60,
  CET: 60,
  CEST: 120,
  MET: 60,
  MEST: 120,
  EET: 120,
  EEST: 180,
  MSK: 180,
  EST: -300,
  EDT: -240,
  MDT: -360,
  MST: -420,
  PDT: -420,
  PST: -480,
  AKST: -540,
  AKDT: -480,
  HST: -600,
  NZST: 720,
  NZDT: 780,
  AEST: 600,
  AEDT: 660,
  ACST: 570,
  ACDT: 630,
  AWST: 480,
  JST: 540,
  KST: 540,
  HKT: 480,
  SGT: 480,
  WIB: 420,
  SAST: 120,
};

/** Abbreviations with more than one meaning in common use. */
export const AMBIGUOUS_ABBREVIATIONS: ReadonlySet<string> = new Set([
  'CST',
  'CDT',
  'IST',
  'BST',
  'AST',
  'ADT',
  'GST',
  'SST',
  'ECT',
  'AMT',
]);

const OFFSETS: ReadonlyMap<string, number> = new Map(Object.entries(ZONE_ABBREVIATIONS));

export type ZoneResult = number | { reason: string };

/** Converts `date`, `time` and the zone column of one line into epoch milliseconds, or says why not. */
export type LogClock = (date: string, time: string, zone: string) => ZoneResult;

export function createLogClock(logTimezone: string | undefined): LogClock {
  if (logTimezone !== undefined) {
    // Offsets change on the hour or half hour, so one lookup per minute is exact and cheap.
    const offsets = new Map<string, number>();
    return (date, time) => {
      const wall = wallClockMs(date, time);
      if (Number.isNaN(wall)) return { reason: 'bad date or time' };
      const minute = `${date} ${time.slice(0, 5)}`;
      let offset = offsets.get(minute);
      if (offset === undefined) {
        const local = DateTime.fromMillis(wall - (wall % 60_000), { zone: 'UTC' }).setZone(logTimezone, {
          keepLocalTime: true,
        });
        offset = local.offset;
        if (offsets.size > 10_000) offsets.clear();
        offsets.set(minute, offset);
      }
      return wall - offset * 60_000;
    };
  }
  return (date, time, zone) => {
    const wall = wallClockMs(date, time);
    if (Number.isNaN(wall)) return { reason: 'bad date or time' };
    const abbreviation = zone.toUpperCase();
    const offset = OFFSETS.get(abbreviation);
    if (offset !== undefined) return wall - offset * 60_000;
    if (abbreviation === '') return { reason: 'no tz value: pass --log-timezone ZONE' };
    if (AMBIGUOUS_ABBREVIATIONS.has(abbreviation)) {
      return { reason: `time zone '${zone}' is ambiguous: pass --log-timezone ZONE (e.g. America/Chicago)` };
    }
    return { reason: `unknown time zone '${zone.slice(0, 20)}': pass --log-timezone ZONE` };
  };
}
