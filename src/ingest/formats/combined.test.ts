import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { sample } from '../../test-support/samples.js';
import { parseCombinedLine } from './combined.js';
import { isRejection, type RawDelivery } from './raw-delivery.js';

const ok = (line: string): RawDelivery => {
  const parsed = parseCombinedLine(line);
  if (isRejection(parsed)) throw new Error(`rejected: ${parsed.reason}`);
  return parsed;
};

describe('parseCombinedLine', () => {
  test.each<[string, string, Partial<RawDelivery>]>([
    [
      'combined',
      '83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /presentations/a.png HTTP/1.1" 200 203023 "http://x/" "Mozilla/5.0"',
      {
        client: '83.149.9.216',
        host: '',
        target: '/presentations/a.png',
        status: 200,
        bytesOut: 203023,
        time: Date.parse('2015-05-17T10:05:03Z'),
      },
    ],
    [
      'common, positive offset converted to UTC',
      '::1 - - [26/Dec/2016:16:16:29 +0200] "GET /favicon.ico HTTP/1.1" 404 209',
      { client: '::1', time: Date.parse('2016-12-26T14:16:29Z'), bytesOut: 209 },
    ],
    [
      'negative half-hour offset',
      '1.2.3.4 - - [01/Jan/2024:00:00:00 -0930] "GET / HTTP/1.1" 200 1',
      { time: Date.parse('2024-01-01T09:30:00Z') },
    ],
    [
      '- bytes are 0',
      '::1 - - [26/Dec/2016:16:16:48 +0200] "-" 408 -',
      { bytesOut: 0, status: 408, target: '' },
    ],
    [
      'empty request',
      '127.0.0.1 - - [12/Apr/2018:09:48:40 +0200] "" 400 0 "-" "-"',
      { status: 400, target: '' },
    ],
    [
      'vhost prefix',
      'vhost1.domaine.fr 123.123.123.123 - - [04/Jul/2019:09:20:46 +0200] "GET / HTTP/1.1" 200 32953 "-" "UA"',
      { host: 'vhost1.domaine.fr', client: '123.123.123.123' },
    ],
    [
      'vhost with port',
      'Cdn.Example.com:443 10.0.0.1 - - [04/Jul/2019:09:20:46 +0200] "GET / HTTP/1.1" 200 1',
      { host: 'cdn.example.com', client: '10.0.0.1' },
    ],
    [
      'X-Forwarded-For list: last address',
      '10.0.0.2, 10.0.0.1, 85.181.35.98 - - [07/Dec/2016:11:05:07 +0100] "GET /ocelot HTTP/1.1" 200 571 "-" "UA"',
      { client: '85.181.35.98', host: '' },
    ],
    [
      'quoted list then client',
      '"10.5.102.222, 199.96.1.1, 204.246.1.1" 10.2.1.185 - - [22/Jan/2016:13:18:29 +0000] "GET /assets/x?q=100 HTTP/1.1" 200 25507 "-" "CF"',
      { client: '10.2.1.185', target: '/assets/x?q=100' },
    ],
    [
      'IPv6 list then client',
      '2a03:0000:10ff:f00f:0000:0000:0:8000, 10.225.192.17 10.2.2.121 - - [30/Dec/2016:06:47:09 +0000] "GET /test.html HTTP/1.1" 404 8571 "-" "F"',
      { client: '10.2.2.121', host: '' },
    ],
    [
      'hostname client',
      'monitoring-server - - [29/May/2017:19:02:48 +0000] "GET /status HTTP/1.1" 200 612 "-" "UA" "-"',
      { client: 'monitoring-server' },
    ],
    [
      'escaped quote in request',
      '1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET /a\\"b.ts HTTP/1.1" 200 5 "-" "UA"',
      { target: '/a\\"b.ts', bytesOut: 5 },
    ],
    [
      'truncated user agent',
      '46.118.127.106 - - [20/May/2015:12:05:17 +0000] "GET /x.py HTTP/1.1" 200 235 "-" "Mozilla/5.0 (compatible',
      { bytesOut: 235 },
    ],
    [
      'authenticated user',
      '1.2.3.4 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
      { client: '1.2.3.4', time: Date.parse('2000-10-10T20:55:36Z') },
    ],
  ])('%s', (_name, line, expected) => {
    expect(ok(line)).toMatchObject(expected);
  });

  test.each<[string, string, RegExp]>([
    ['no timestamp', '1.2.3.4 - - "GET / HTTP/1.1" 200 1', /timestamp/],
    ['bad date', '1.2.3.4 - - [31/Feb/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1', /bad timestamp/],
    ['bad month', '1.2.3.4 - - [01/Foo/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1', /bad timestamp/],
    ['missing client', '- - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1', /client/],
    ['unclosed request', '1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1 200 1', /not closed/],
    ['status not a number', '1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" abc 1', /status/],
    ['missing bytes', '1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200', /byte count/],
    ['bytes not a number', '1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 12x', /byte count/],
    ['garbage', '\u0000\u0001\u0002', /timestamp/],
    ['empty', '', /timestamp/],
  ])('rejects %s', (_name, line, reason) => {
    const parsed = parseCombinedLine(line);
    expect(isRejection(parsed) ? parsed.reason : 'accepted').toMatch(reason);
  });
});

describe('real-world samples', () => {
  const totals = (file: string) => {
    const lines = readFileSync(sample(file), 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    let requests = 0;
    let bytes = 0;
    const rejected: number[] = [];
    lines.forEach((line, i) => {
      const parsed = parseCombinedLine(line);
      if (isRejection(parsed)) rejected.push(i + 1);
      else {
        requests += 1;
        bytes += parsed.bytesOut;
      }
    });
    return { requests, bytes, rejected };
  };

  test('elastic apache_logs: the totals GoAccess 1.7 reports (10,000 requests, 2,747,282,740 bytes)', () => {
    expect(totals('apache_combined_elastic_examples.log')).toEqual({
      requests: 10_000,
      bytes: 2_747_282_740,
      rejected: [],
    });
  });

  // Byte sums below are added up by hand from the seven lines of each file.
  test('filebeat apache edge cases: 209 + 499 + 0 + 612 + 612 + 152 + 32953', () => {
    expect(totals('apache_edgecases_elastic_beats_test.log')).toEqual({
      requests: 7,
      bytes: 35_037,
      rejected: [],
    });
  });

  test('filebeat nginx edge cases: 571 + 612 + 571 + 571 + 25507 + 8571 + 0', () => {
    expect(totals('nginx_edgecases_elastic_beats_test.log')).toEqual({
      requests: 7,
      bytes: 36_403,
      rejected: [],
    });
  });
});
