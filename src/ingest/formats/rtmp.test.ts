import { describe, expect, test } from 'vitest';
import { isRejection } from './raw-delivery.js';
import { parseRtmpLine, readableDuration } from './rtmp.js';

describe('nginx-rtmp access log', () => {
  test.each([
    ['19s', 19],
    ['11m 47s', 707],
    ['1h 0m 5s', 3605],
    ['2d 1h 1m 1s', 176461],
    ['', Number.NaN],
    ['5 minutes', Number.NaN],
  ])('duration %j is %d seconds', (text, seconds) => {
    expect(readableDuration(text)).toBe(seconds);
  });

  test('a PLAY is a start, a command and viewing time; bytes both ways', () => {
    const parsed = parseRtmpLine(
      '24.114.94.29 [01/Apr/2023:21:39:53 +0000] PLAY "live" "drone" "" - 492 18003597 "" "LNX 9,0,124,2" (11m 28s)',
    );
    expect(parsed).toMatchObject({
      client: '24.114.94.29',
      target: '/live/drone',
      bytesOut: 18003597,
      bytesIn: 492,
      time: Date.parse('2023-04-01T21:39:53Z'),
      extra: { protocol: 'rtmp', app: 'live', resource: 'drone', seconds: 688, commands: 1, starts: 1 },
    });
  });

  test('a PUBLISH brings bytes in and no viewing', () => {
    const parsed = parseRtmpLine(
      '192.168.0.19 [01/Apr/2023:14:24:52 +0000] PUBLISH "live" "drone" "" - 372055726 529 "" "" (11m 47s)',
    );
    expect(parsed).toMatchObject({ bytesIn: 372055726, extra: { seconds: 0, commands: 0, starts: 0 } });
  });

  test('stream names with ? and % stay exact through the path', () => {
    const parsed = parseRtmpLine(
      '1.2.3.4 [01/Apr/2023:14:24:52 +0000] PLAY "live" "a?b%c" "" - 1 2 "" "" (1s)',
    );
    expect(parsed).toMatchObject({ target: '/live/a%3Fb%25c' });
  });

  test('anything else is rejected', () => {
    const parsed = parseRtmpLine('1.2.3.4 [01/Apr/2023:14:24:52 +0000] PLAY "live"');
    expect(isRejection(parsed)).toBe(true);
  });
});
