import { describe, expect, test } from 'vitest';
import { isRejection, type RawDelivery } from './raw-delivery.js';
import { parseS3Line } from './s3.js';

const OWNER = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';
const line = (
  middle: string,
  tail = ' "-" "curl/8.0" - hostid= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader b.s3.amazonaws.com TLSv1.2 - -',
) =>
  `${OWNER} media-bucket [06/Feb/2019:00:00:38 +0000] 192.0.2.3 ${OWNER} 3E57427F3EXAMPLE ${middle}${tail}`;

const ok = (text: string): RawDelivery => {
  const parsed = parseS3Line(text);
  if (isRejection(parsed)) throw new Error(`rejected: ${parsed.reason}`);
  return parsed;
};

describe('parseS3Line', () => {
  test.each<[string, string, Partial<RawDelivery>]>([
    [
      'GET: bytes sent out, no bytes in, bucket and key as the path',
      line(
        'REST.GET.OBJECT videos/a%20b.mp4 "GET /media-bucket/videos/a%20b.mp4 HTTP/1.1" 200 - 2662992 3462992 70 10',
      ),
      {
        target: 'videos/a%20b.mp4',
        extra: { bucket: 'media-bucket', base: '/media-bucket/' },
        status: 200,
        bytesOut: 2662992,
        bytesIn: 0,
        client: '192.0.2.3',
      },
    ],
    [
      'PUT object: Object Size is bytes in',
      line('REST.PUT.OBJECT up/x.ts "PUT /media-bucket/up/x.ts HTTP/1.1" 200 - - 1048576 70 10'),
      { bytesOut: 0, bytesIn: 1048576 },
    ],
    [
      'PUT part: bytes in',
      line(
        'REST.PUT.PART up/x.ts "PUT /media-bucket/up/x.ts?partNumber=1&uploadId=u HTTP/1.1" 200 - - 5242880 70 10',
      ),
      { bytesIn: 5242880 },
    ],
    [
      'completing a multipart upload logs the whole size again: not counted twice',
      line(
        'REST.POST.UPLOAD up/x.ts "POST /media-bucket/up/x.ts?uploadId=u HTTP/1.1" 200 - 350 6291456 70 10',
      ),
      { bytesOut: 350, bytesIn: 0 },
    ],
    [
      'bucket operation: key `-`, request URI `-`',
      line('REST.GET.BUCKET - - 200 - 1200 - 7 -'),
      { target: '', bytesOut: 1200 },
    ],
    [
      'an 18-field layout from before 2017 ends after the user agent',
      `${OWNER} media-bucket [06/Feb/2014:00:00:38 +0000] 192.0.2.3 - 3E57 REST.GET.OBJECT k "GET /media-bucket/k HTTP/1.1" 304 - - 10 7 - "-" "UA" -`,
      { status: 304, bytesOut: 0, time: Date.parse('2014-02-06T00:00:38Z') },
    ],
    [
      'runs of spaces between fields (anonymised logs) count as one separator',
      `${OWNER} media-bucket [03/Aug/2022:20:26:41 +0000] 192.0.2.0  arn:aws:iam::123:user/u SAV9 REST.GET.OBJECT k "GET /media-bucket/k HTTP/1.1" 206 - - 199693197 45147 45088 "-" "Boto3"`,
      { status: 206, bytesOut: 0, bytesIn: 0, target: 'k' },
    ],
  ])('%s', (_name, text, expected) => {
    expect(ok(text)).toMatchObject(expected);
  });

  test('quotes inside the request URI do not end it: the closing quote is the one before the status', () => {
    const parsed = ok(
      line('REST.GET.OBJECT / "GET //?s=x&content=$p%20=%20"xinba";$ch HTTP/1.1" 404 NoSuchKey 272 - 9 -'),
    );
    expect(parsed).toMatchObject({ status: 404, bytesOut: 272, target: '/' });
  });

  test('access-denied error codes are auth failures even when the status is 400', () => {
    const expired = ok(line('REST.GET.OBJECT k "GET /media-bucket/k HTTP/1.1" 400 ExpiredToken 300 - 5 -'));
    expect(expired.extra?.authFailure).toBe(true);
    const missing = ok(line('REST.GET.OBJECT k "GET /media-bucket/k HTTP/1.1" 404 NoSuchKey 300 - 5 -'));
    expect(missing.extra?.authFailure).toBeUndefined();
    expect(missing.extra?.bucket).toBe('media-bucket');
  });

  test.each([
    ['', 'missing bucket owner or bucket'],
    [`${OWNER} b no-timestamp`, 'no [timestamp] field'],
    [
      `${OWNER} b [06/Feb/2019:00:00:38 +0000] 1.2.3.4 - id REST.GET.OBJECT k "GET /b/k HTTP/1.1`,
      'request URI is not closed',
    ],
    [`${OWNER} b [06/Feb/2019:00:00:38 +0000] 1.2.3.4 - id REST.GET.OBJECT k - 200 - 12`, 'missing status'],
    [`${OWNER} b [06/Feb/2019:00:00:38 +0000] 1.2.3.4 - id REST.GET.OBJECT k - 200 - 1x 0`, 'bad bytes sent'],
  ])('rejects %j', (text, reason) => {
    const parsed = parseS3Line(text);
    expect(isRejection(parsed) && parsed.reason).toContain(reason);
  });
});
