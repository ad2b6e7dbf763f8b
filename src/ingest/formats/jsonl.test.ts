import { describe, expect, test } from 'vitest';
import { parseJsonLine } from './jsonl.js';
import { isRejection } from './raw-delivery.js';

describe('JSON lines', () => {
  test('a DeliveryRecord keeps its own dimensions', () => {
    const parsed = parseJsonLine(
      JSON.stringify({
        time: '2024-07-01T10:00:00+02:00',
        account: 'acme',
        app: 'vod',
        resource: 'film',
        kind: 'vod',
        rendition: '720p',
        protocol: 'hls',
        country: 'DE',
        status: 206,
        bytesOut: 1000,
        viewer: 'session-1',
        seconds: 6,
        commands: 1,
        starts: 1,
      }),
    );
    expect(parsed).toMatchObject({
      time: Date.parse('2024-07-01T08:00:00Z'),
      status: 206,
      bytesOut: 1000,
      extra: {
        account: 'acme',
        session: 'session-1',
        seconds: 6,
        commands: 1,
        starts: 1,
        dims: {
          app: 'vod',
          resource: 'film',
          kind: 'vod',
          rendition: '720p',
          protocol: 'hls',
          country: 'DE',
          zone: '',
        },
      },
    });
  });

  test('epoch milliseconds are accepted; missing counters are 0', () => {
    expect(parseJsonLine('{"time":1719820800000,"app":"a"}')).toMatchObject({
      time: 1719820800000,
      bytesOut: 0,
    });
  });

  test.each([
    ['{not json', 'not valid JSON'],
    ['[1,2]', 'not a JSON object'],
    ['{"time":"2024-07-01T10:00:00"}', 'time:'],
    ['{"time":1,"bytesOut":-5}', 'bytesOut:'],
    ['{"time":1,"bytesOut":1.5}', 'bytesOut:'],
    ['{"time":1,"kind":"radio"}', 'kind:'],
    ['{"time":1,"app":7}', 'app:'],
    ['{"time":1,"account":""}', 'account:'],
  ])('rejects %s', (line, reason) => {
    const parsed = parseJsonLine(line);
    expect(isRejection(parsed) && parsed.reason).toContain(reason);
  });
});
