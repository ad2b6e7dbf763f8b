import { describe, expect, test } from 'vitest';
import { createLogClock } from './log-timezone.js';
import { isRejection, isSkip } from './raw-delivery.js';
import { parseFieldsHeader } from './w3c.js';
import { createWowzaParser, streamName, wowzaProtocol } from './wowza.js';

const fields = parseFieldsHeader(
  '#Fields: date time tz x-event x-category x-status x-app x-duration c-ip c-proto c-client-id cs-stream-bytes sc-stream-bytes x-sname',
);
const parse = createWowzaParser(createLogClock(undefined));
const line = (event: string, category: string, scBytes: string, proto = 'rtmp') =>
  [
    '2024-07-01',
    '10:00:00',
    'CEST',
    event,
    category,
    '200',
    'live',
    '12.5',
    '192.0.2.1',
    proto,
    '42',
    '0',
    scBytes,
    'mp4:show.mp4',
  ].join('\t');

describe('Wowza', () => {
  test.each([
    ['http (cupertino)', 'hls'],
    ['http (mpegdash)', 'dash'],
    ['rtmpt (HTTP-1.1)', 'rtmp'],
    ['rtsp', 'rtsp'],
    ['webrtc', 'webrtc'],
  ])('c-proto %j is %s', (proto, protocol) => {
    expect(wowzaProtocol(proto)).toBe(protocol);
  });

  test('stream type prefixes are not part of the name', () => {
    expect(streamName('mp4:folder/show.mp4')).toBe('folder/show.mp4');
    expect(streamName('smil:show.smil')).toBe('show.smil');
    expect(streamName('concert_720p')).toBe('concert_720p');
  });

  test('destroy carries the stream total; play is a start; session events are skipped', () => {
    expect(parse(line('destroy', 'stream', '5000'), { fields })).toMatchObject({
      time: Date.parse('2024-07-01T08:00:00Z'),
      bytesOut: 5000,
      extra: {
        app: 'live',
        resource: 'show.mp4',
        session: '42',
        seconds: 12.5,
        commands: 0,
        protocol: 'rtmp',
      },
    });
    // Intermediate counters are cumulative: a stop's bytes are never added.
    expect(parse(line('stop', 'stream', '4000'), { fields })).toMatchObject({
      bytesOut: 0,
      extra: { commands: 1 },
    });
    expect(parse(line('play', 'stream', '0'), { fields })).toMatchObject({
      extra: { commands: 1, starts: 1 },
    });
    expect(isSkip(parse(line('disconnect', 'session', '9000'), { fields }))).toBe(true);
    expect(isSkip(parse(line('publish', 'stream', '0'), { fields }))).toBe(true);
  });

  test('a line without tabs is refused, not split on spaces', () => {
    const parsed = parse(line('destroy', 'stream', '5000').replaceAll('\t', '  '), { fields });
    expect(isRejection(parsed) && parsed.reason).toContain('tabs expanded to spaces');
  });
});
