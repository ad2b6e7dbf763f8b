import { describe, expect, test } from 'vitest';
import { parseCloudFrontLine } from './cloudfront.js';
import { isRejection, isSkip } from './raw-delivery.js';
import { parseFieldsHeader } from './w3c.js';

const web = parseFieldsHeader(
  '#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken',
);
const rtmp = parseFieldsHeader(
  '#Fields: date time x-edge-location c-ip x-event sc-bytes x-cf-status x-cf-client-id cs-uri-stem cs-uri-query c-referrer x-page-url\u200b c-user-agent x-sname x-sname-query x-file-ext x-sid',
);
const row = (...values: string[]) => values.join('\t');

describe('CloudFront', () => {
  test('web distribution: columns by header name, CNAME as host, distribution as the second host', () => {
    const parsed = parseCloudFrontLine(
      row(
        '2019-12-04',
        '21:02:31',
        'LAX1',
        '392',
        '128.92.136.19',
        'GET',
        'd111.cloudfront.net',
        '/v/a.m3u8',
        '200',
        '-',
        'UA',
        '-',
        '-',
        'Hit',
        'id',
        'www.Example.com',
        'https',
        '23',
        '0.001',
      ),
      { fields: web },
    );
    expect(parsed).toMatchObject({
      time: Date.parse('2019-12-04T21:02:31Z'),
      host: 'www.example.com',
      target: '/v/a.m3u8',
      bytesOut: 392,
      bytesIn: 23,
      extra: { altHost: 'd111.cloudfront.net', edge: 'LAX1' },
    });
  });

  test('status 000 is a request without a status class', () => {
    const parsed = parseCloudFrontLine(
      row(
        '2016-08-15',
        '06:04:30',
        'SIN2',
        '0',
        '1.2.3.4',
        'GET',
        'd.cloudfront.net',
        '/f.ico',
        '000',
        '-',
        'UA',
        '-',
        '-',
        'Error',
        'id',
        '-',
        'https',
        '381',
        '1.0',
      ),
      { fields: web },
    );
    expect(parsed).toMatchObject({ status: 0, bytesOut: 0, host: 'd.cloudfront.net' });
  });

  test('RTMP: zero-width characters are dropped; only disconnect carries (cumulative) bytes', () => {
    const base = ['2010-03-12', '23:51:20', 'SEA4', '192.0.2.147'];
    const tail = [
      'OK',
      'client1',
      'rtmp://s.cloudfront.net/cfx/st\u200b',
      'k=v',
      '-',
      '-',
      'UA',
      'dir/video',
      '-',
      'flv',
      '1',
    ];
    expect(isSkip(parseCloudFrontLine(row(...base, 'connect', '2014', ...tail), { fields: rtmp }))).toBe(
      true,
    );
    expect(parseCloudFrontLine(row(...base, 'play', '3914', ...tail), { fields: rtmp })).toMatchObject({
      bytesOut: 0,
      extra: {
        app: 'cfx/st',
        resource: 'dir/video',
        commands: 1,
        starts: 1,
        session: 'client1',
        protocol: 'rtmp',
      },
    });
    expect(
      parseCloudFrontLine(row(...base, 'disconnect', '429824092', ...tail), { fields: rtmp }),
    ).toMatchObject({
      bytesOut: 429824092,
      extra: { resource: '', commands: 0 },
    });
  });

  test.each([
    [undefined, 'a\tb', 'no #Fields header'],
    [web, 'no tabs here', 'not tab-separated'],
    [web, row('2019-13-04', '21:02:31', 'LAX1', '392'), 'bad date or time'],
  ])('rejects lines it cannot read', (fields, line, reason) => {
    const parsed = parseCloudFrontLine(line, { fields });
    expect(isRejection(parsed) && parsed.reason).toContain(reason);
  });
});
