/**
 * Amazon CloudFront standard (legacy) access logs and RTMP streaming distribution logs: W3C,
 * tab-separated, columns named by the `#Fields:` header. A header with `x-event` is an RTMP log.
 */
import type { Rejection } from '../../domain/record.js';
import {
  type FieldIndex,
  type ParseContext,
  type RawDelivery,
  type RawExtra,
  type Skip,
  streamTarget,
} from './raw-delivery.js';
import { columnResolver, count, TabColumns, wallClockMs, withoutZeroWidth } from './w3c.js';

function reject(reason: string): Rejection {
  return { reason };
}

const tabs = new TabColumns();

const webColumns = columnResolver([
  'date',
  'time',
  'x-edge-location',
  'sc-bytes',
  'c-ip',
  'cs(Host)',
  'cs-uri-stem',
  'sc-status',
  'x-host-header',
  'cs-bytes',
]);

function parseWebLine(line: string, fields: FieldIndex): RawDelivery | Rejection {
  const c = webColumns(fields);
  tabs.read(line, c.limit);
  const time = wallClockMs(tabs.text(c.date), tabs.text(c.time));
  if (Number.isNaN(time)) return reject('bad date or time');
  const statusText = tabs.text(c['sc-status']);
  // 000: the viewer closed the connection before CloudFront answered. Still a request.
  const status = statusText.length === 3 ? count(statusText) : Number.NaN;
  if (Number.isNaN(status)) return reject(`bad sc-status '${statusText.slice(0, 20)}'`);
  const bytesOut = tabs.count(c['sc-bytes']);
  const bytesIn = tabs.count(c['cs-bytes']);
  if (Number.isNaN(bytesOut) || Number.isNaN(bytesIn)) return reject('bad sc-bytes or cs-bytes');
  const stem = tabs.text(c['cs-uri-stem']);
  if (stem === '') return reject('no cs-uri-stem');
  const distribution = tabs.text(c['cs(Host)']).toLowerCase();
  const cname = tabs.text(c['x-host-header']).toLowerCase();
  const extra: RawExtra = { edge: tabs.text(c['x-edge-location']) };
  if (cname !== '' && distribution !== '') extra.altHost = distribution;
  return {
    time,
    client: tabs.text(c['c-ip']),
    host: cname || distribution,
    target: stem,
    status,
    bytesOut,
    bytesIn,
    extra,
  };
}

/** RTMP application of `rtmp://host/cfx/st`: the URL's path, `cfx/st` on every CloudFront distribution. */
function rtmpApp(stem: string): string {
  const scheme = stem.indexOf('://');
  const slash = stem.indexOf('/', scheme < 0 ? 0 : scheme + 3);
  return slash < 0 ? '' : stem.slice(slash + 1);
}

const rtmpColumns = columnResolver([
  'date',
  'time',
  'x-edge-location',
  'c-ip',
  'x-event',
  'sc-bytes',
  'x-cf-status',
  'x-cf-client-id',
  'cs-uri-stem',
  'x-sname',
]);

/**
 * RTMP events. `sc-bytes` counts up over the whole connection, so only `disconnect` carries bytes
 * (the connection's total, on no stream): adding play/stop counters would count bytes twice.
 */
function parseRtmpLine(line: string, fields: FieldIndex): RawDelivery | Rejection | Skip {
  const c = rtmpColumns(fields);
  tabs.read(line, c.limit);
  const time = wallClockMs(tabs.text(c.date), tabs.text(c.time));
  if (Number.isNaN(time)) return reject('bad date or time');
  const event = tabs.text(c['x-event']);
  let bytesOut = 0;
  let commands = 0;
  let starts = 0;
  switch (event) {
    case 'connect':
      return { skip: 'connect event' };
    case 'disconnect':
      bytesOut = tabs.count(c['sc-bytes']);
      if (Number.isNaN(bytesOut)) return reject('bad sc-bytes');
      break;
    case 'play':
      starts = 1;
      commands = 1;
      break;
    case 'stop':
    case 'pause':
    case 'unpause':
    case 'seek':
      commands = 1;
      break;
    default:
      return reject(`unknown x-event '${event.slice(0, 20)}'`);
  }
  const app = rtmpApp(withoutZeroWidth(tabs.text(c['cs-uri-stem'])));
  const name = event === 'disconnect' ? '' : withoutZeroWidth(tabs.text(c['x-sname']));
  const extra: RawExtra = {
    protocol: 'rtmp',
    app,
    resource: name,
    edge: tabs.text(c['x-edge-location']),
    commands,
    starts,
  };
  const session = tabs.text(c['x-cf-client-id']);
  if (session !== '') extra.session = session;
  return {
    time,
    client: tabs.text(c['c-ip']),
    host: '',
    target: streamTarget(app, name),
    // RTMP has no HTTP status: OK is counted as a success, anything else as neither success nor error.
    status: tabs.is(c['x-cf-status'], 'OK') ? 200 : 0,
    bytesOut,
    bytesIn: 0,
    extra,
  };
}

export function parseCloudFrontLine(line: string, context: ParseContext): RawDelivery | Rejection | Skip {
  const { fields } = context;
  if (fields === undefined) return reject('no #Fields header above this line');
  if (!line.includes('\t')) return reject('not tab-separated');
  return fields.has('x-event') ? parseRtmpLine(line, fields) : parseWebLine(line, fields);
}
