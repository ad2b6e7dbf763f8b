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
import { countField, fieldValue, wallClockMs } from './w3c.js';

function reject(reason: string): Rejection {
  return { reason };
}

function lineTime(values: readonly string[], fields: FieldIndex): number {
  return wallClockMs(fieldValue(values, fields, 'date'), fieldValue(values, fields, 'time'));
}

function parseWebLine(values: readonly string[], fields: FieldIndex): RawDelivery | Rejection {
  const time = lineTime(values, fields);
  if (Number.isNaN(time)) return reject('bad date or time');
  const statusText = fieldValue(values, fields, 'sc-status');
  // 000: the viewer closed the connection before CloudFront answered. Still a request.
  const status = /^\d{3}$/.test(statusText) ? Number(statusText) : Number.NaN;
  if (Number.isNaN(status)) return reject(`bad sc-status '${statusText.slice(0, 20)}'`);
  const bytesOut = countField(values, fields, 'sc-bytes');
  const bytesIn = countField(values, fields, 'cs-bytes');
  if (Number.isNaN(bytesOut) || Number.isNaN(bytesIn)) return reject('bad sc-bytes or cs-bytes');
  const stem = fieldValue(values, fields, 'cs-uri-stem');
  if (stem === '') return reject('no cs-uri-stem');
  const distribution = fieldValue(values, fields, 'cs(Host)').toLowerCase();
  const cname = fieldValue(values, fields, 'x-host-header').toLowerCase();
  const extra: RawExtra = { edge: fieldValue(values, fields, 'x-edge-location') };
  if (cname !== '' && distribution !== '') extra.altHost = distribution;
  return {
    time,
    client: fieldValue(values, fields, 'c-ip'),
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

/**
 * RTMP events. `sc-bytes` counts up over the whole connection, so only `disconnect` carries bytes
 * (the connection's total, on no stream): adding play/stop counters would count bytes twice.
 */
function parseRtmpLine(values: readonly string[], fields: FieldIndex): RawDelivery | Rejection | Skip {
  const time = lineTime(values, fields);
  if (Number.isNaN(time)) return reject('bad date or time');
  const event = fieldValue(values, fields, 'x-event');
  let bytesOut = 0;
  let commands = 0;
  let starts = 0;
  switch (event) {
    case 'connect':
      return { skip: 'connect event' };
    case 'disconnect':
      bytesOut = countField(values, fields, 'sc-bytes');
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
  const stem = fieldValue(values, fields, 'cs-uri-stem');
  const app = rtmpApp(stem);
  const name = event === 'disconnect' ? '' : fieldValue(values, fields, 'x-sname');
  const extra: RawExtra = {
    protocol: 'rtmp',
    app,
    resource: name,
    edge: fieldValue(values, fields, 'x-edge-location'),
    commands,
    starts,
  };
  const session = fieldValue(values, fields, 'x-cf-client-id');
  if (session !== '') extra.session = session;
  return {
    time,
    client: fieldValue(values, fields, 'c-ip'),
    host: '',
    target: streamTarget(app, name),
    // RTMP has no HTTP status: OK is counted as a success, anything else as neither success nor error.
    status: fieldValue(values, fields, 'x-cf-status') === 'OK' ? 200 : 0,
    bytesOut,
    bytesIn: 0,
    extra,
  };
}

export function parseCloudFrontLine(line: string, context: ParseContext): RawDelivery | Rejection | Skip {
  const { fields } = context;
  if (fields === undefined) return reject('no #Fields header above this line');
  if (!line.includes('\t')) return reject('not tab-separated');
  const values = line.split('\t');
  return fields.has('x-event') ? parseRtmpLine(values, fields) : parseWebLine(values, fields);
}
