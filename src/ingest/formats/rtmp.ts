/**
 * nginx-rtmp access log, default `combined` format, one line per finished session:
 * `$remote_addr [$time_local] $command "$app" "$name" "$args" - $bytes_received $bytes_sent
 * "$pageurl" "$flashver" ($session_readable_time)`. A PLAY is a start and a command, with its
 * duration as viewing seconds; a PUBLISH brings bytes in.
 */
import type { Rejection } from '../../domain/record.js';
import { parseClfTime } from './clf-time.js';
import { type RawDelivery, streamTarget } from './raw-delivery.js';

const LINE =
  /^(\S+) \[([^\]]+)\] (PLAY|PUBLISH) "([^"]*)" "([^"]*)" "(?:[^"]*)" \S+ (\d+) (\d+) "(?:[^"]*)" "(?:[^"]*)" \(([^)]*)\)\s*$/;

/** `(1d 2h 11m 47s)` -> seconds; NaN for anything else. */
export function readableDuration(text: string): number {
  const parts = text.trim().split(/\s+/);
  let seconds = 0;
  for (const part of parts) {
    const m = /^(\d+)([dhms])$/.exec(part);
    if (!m) return Number.NaN;
    const value = Number(m[1]);
    seconds += m[2] === 'd' ? value * 86400 : m[2] === 'h' ? value * 3600 : m[2] === 'm' ? value * 60 : value;
  }
  return seconds;
}

export function parseRtmpLine(line: string): RawDelivery | Rejection {
  const m = LINE.exec(line);
  if (!m) return { reason: 'not an nginx-rtmp access log line' };
  const [, client, timeText, command, app, name, received, sent, duration] = m as unknown as string[];
  const time = parseClfTime(timeText as string);
  if (Number.isNaN(time)) return { reason: `bad timestamp '${(timeText as string).slice(0, 40)}'` };
  const seconds = readableDuration(duration as string);
  if (Number.isNaN(seconds)) return { reason: `bad session duration '${(duration as string).slice(0, 20)}'` };
  const play = command === 'PLAY';
  return {
    time,
    client: client as string,
    host: '',
    target: streamTarget(app as string, name as string),
    status: 200,
    bytesOut: Number(sent),
    bytesIn: Number(received),
    extra: {
      protocol: 'rtmp',
      app: app as string,
      resource: name as string,
      seconds: play ? seconds : 0,
      commands: play ? 1 : 0,
      starts: play ? 1 : 0,
    },
  };
}
