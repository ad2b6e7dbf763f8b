/**
 * Wowza Streaming Engine access logs: W3C extended, split on tabs only (values such as `c-proto`
 * = `http (cupertino)` hold spaces), columns by the `#Fields:` header.
 *
 * Stream byte counters are cumulative, so a stream's bytes are those of its `destroy` event
 * (`sc-stream-bytes` sent, `cs-stream-bytes` received) and nothing else: intermediate events and
 * the session's `disconnect` are never added on top. Player commands (play, pause, unpause,
 * stop, seek) count as `commands`; `play` also counts as a start. Other events carry no usage
 * and are skipped.
 */
import type { Rejection } from '../../domain/record.js';
import type { LogClock } from './log-timezone.js';
import { type LineParser, type RawDelivery, type RawExtra, type Skip, streamTarget } from './raw-delivery.js';
import { columnResolver, count, TabColumns } from './w3c.js';

function reject(reason: string): Rejection {
  return { reason };
}

/** `c-proto` -> protocol: `http (cupertino)` is HLS, `http (mpegdash)` DASH, `rtmpt (HTTP-1.1)` RTMP. */
export function wowzaProtocol(proto: string): string {
  const lower = proto.toLowerCase();
  if (lower.includes('cupertino')) return 'hls';
  if (lower.includes('mpegdash')) return 'dash';
  if (lower.includes('smooth')) return 'mss';
  if (lower.includes('sanjose')) return 'hds';
  if (lower.startsWith('rtmp')) return 'rtmp';
  const word = /^[a-z0-9-]+/.exec(lower);
  return word ? word[0] : 'http';
}

/** `mp4:folder/video.mp4` -> `folder/video.mp4`: the stream type prefix is not part of the name. */
export function streamName(sname: string): string {
  return sname.replace(/^[a-z0-9]{2,6}:/i, '');
}

const COMMANDS = new Set(['play', 'pause', 'unpause', 'stop', 'seek']);

const columns = columnResolver([
  'date',
  'time',
  'tz',
  'x-event',
  'x-category',
  'x-status',
  'x-app',
  'x-duration',
  'c-ip',
  'c-proto',
  'c-client-id',
  'cs-stream-bytes',
  'sc-stream-bytes',
  'x-sname',
]);

export function createWowzaParser(clock: LogClock): LineParser {
  const tabs = new TabColumns();
  return (line, context): RawDelivery | Rejection | Skip => {
    const { fields } = context;
    if (fields === undefined) return reject('no #Fields header above this line');
    if (!line.includes('\t')) {
      return reject('no tab separators: fields cannot be split reliably (were tabs expanded to spaces?)');
    }
    const c = columns(fields);
    tabs.read(line, c.limit);
    const category = tabs.text(c['x-category']);
    const event = tabs.text(c['x-event']);
    if (category !== 'stream' || !(event === 'destroy' || COMMANDS.has(event))) {
      return { skip: `${category || '-'} ${event || '-'} event` };
    }
    const time = clock(tabs.text(c.date), tabs.text(c.time), tabs.text(c.tz));
    if (typeof time !== 'number') return reject(time.reason);
    const statusText = tabs.text(c['x-status']);
    const status = statusText.length === 3 ? count(statusText) : Number.NaN;
    if (Number.isNaN(status)) return reject(`bad x-status '${statusText.slice(0, 20)}'`);

    let bytesOut = 0;
    let bytesIn = 0;
    let seconds = 0;
    if (event === 'destroy') {
      bytesOut = tabs.count(c['sc-stream-bytes']);
      bytesIn = tabs.count(c['cs-stream-bytes']);
      if (Number.isNaN(bytesOut) || Number.isNaN(bytesIn))
        return reject('bad sc-stream-bytes or cs-stream-bytes');
      // x-duration of a destroy is the stream's lifetime: viewing time when it was played to someone.
      const duration = Number(tabs.text(c['x-duration']) || '0');
      if (!(duration >= 0)) return reject('bad x-duration');
      if (bytesOut > 0) seconds = Math.round(duration * 1000) / 1000;
    }
    const app = tabs.text(c['x-app']);
    const name = streamName(tabs.text(c['x-sname']));
    const extra: RawExtra = {
      app,
      resource: name,
      protocol: wowzaProtocol(tabs.text(c['c-proto'])),
      seconds,
      commands: COMMANDS.has(event) ? 1 : 0,
      starts: event === 'play' ? 1 : 0,
    };
    // A publisher's stream (bytes in, none out) is not watched by anyone: it names no viewer.
    const publisher = event === 'destroy' && bytesOut === 0 && bytesIn > 0;
    const session = tabs.text(c['c-client-id']);
    if (publisher) extra.session = '';
    else if (session !== '') extra.session = session;
    return {
      time,
      client: tabs.text(c['c-ip']),
      host: '',
      target: streamTarget(app, name),
      status,
      bytesOut,
      bytesIn,
      extra,
    };
  };
}
