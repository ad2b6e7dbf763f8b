import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { issueKey } from '../../../auth/keys.js';
import { phpJsonEncode } from '../../../auth/php-json.js';
import { withoutSignatureMember } from '../../../auth/scaleengine-signature.js';
import { createSealer } from '../../../auth/sealed-secret.js';
import { DuckDbStore } from '../../../store/duckdb/duckdb-store.js';
import type { Store } from '../../../store/store.js';
import { rollupRow } from '../../../test-support/rollup-row.js';
import { sourceState } from '../../../test-support/source-state.js';
import { createApp } from '../../app.js';

const sealer = createSealer(Buffer.alloc(32, 8));
let store: Store;
let app: FastifyInstance;
let apiKey: string;
let secret: string;
let cdn: number;

// 19 July 2024 in Europe/Berlin (the account's zone) starts at 22:00 UTC the day before.
const JULY_19 = Date.parse('2024-07-18T22:00:00Z');

beforeEach(async () => {
  store = await DuckDbStore.open(':memory:');
  await store.registry.putAccount({ id: 'acme', name: 'Acme', timezone: 'Europe/Berlin', parent: null });
  await store.registry.putAccount({ id: 'globex', name: 'Globex', timezone: 'UTC', parent: null });
  cdn = (await store.registry.getAccount('acme'))?.number as number;
  const key = issueKey('scaleengine', 'acme', { seal: sealer.seal });
  await store.registry.putKey(key.stored);
  [apiKey, secret] = [key.stored.id, key.secret];
  const row = (bucket: number, app: string, resource: string, bytesOut: number, commands: number) =>
    rollupRow({ account: 'acme', bucket, app, resource, bytesOut, commands, viewers: [] });
  await store.usage.commitImport({
    from: 0,
    source: sourceState('s'),
    rollups: [
      row(JULY_19, 'demo-origin', 'sestore/jb/my_video.mp4', 5_106_077, 0),
      row(JULY_19 + 3_600_000, 'demo-origin', 'sestore/jb/my_video.mp4', 1000, 3),
      row(JULY_19 + 7_200_000, 'demo-origin', 'live/stream1', 2_875_558, 5),
      row(JULY_19 + 7_200_000, 'other-app', 'x.mp4', 7, 0),
      // 20 July in Berlin: outside a day query for the 19th, inside the month.
      row(JULY_19 + 86_400_000, 'demo-origin', 'sestore/jb/my_video.mp4', 50, 1),
    ],
  });
  app = await createApp({ store, compat: { transport: { insecureHttp: true, trustedProxies: [] }, sealer } });
});
afterEach(async () => {
  await app.close();
  await store.close().catch(() => undefined);
});

/** A request signed as the seed's PHP example signs it: HMAC over json_encode of the request. */
function signed(fields: Record<string, unknown>, key = secret): Record<string, unknown> {
  const request = {
    command: 'usage.all',
    api_key: apiKey,
    timestamp: Math.floor(Date.now() / 1000),
    cdn,
    ...fields,
  };
  const signature = createHmac('sha256', key).update(phpJsonEncode(request)).digest('base64');
  return { ...request, signature };
}

function send(request: Record<string, unknown> | string) {
  const json = typeof request === 'string' ? request : phpJsonEncode(request);
  return app.inject({
    method: 'POST',
    url: '/api',
    payload: new URLSearchParams({ json }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

describe('PHP json_encode', () => {
  test.each([
    [{ a: 'x/y' }, '{"a":"x\\/y"}'],
    [{ é: '\u{1F600}' }, '{"\\u00e9":"\\ud83d\\ude00"}'],
    [{ n: 7, t: true, z: null, l: ['a', 1] }, '{"n":7,"t":true,"z":null,"l":["a",1]}'],
    [{ q: 'say "hi"\n\\' }, '{"q":"say \\"hi\\"\\n\\\\"}'],
  ])('%j -> %s', (value, text) => {
    expect(phpJsonEncode(value)).toBe(text);
  });

  test('the signature member is cut out of received text, with its comma', () => {
    expect(withoutSignatureMember('{"a":1,"signature":"x\\/y==","b":2}')).toBe('{"a":1,"b":2}');
    expect(withoutSignatureMember('{"a":1, "signature" : "s"}')).toBe('{"a":1}');
    expect(withoutSignatureMember('{"signature":"s","a":1}')).toBe('{"a":1}');
  });
});

describe('ScaleEngine usage.all', () => {
  test('one row per video URL for the day, numbers as strings, requests_total = player commands', async () => {
    const r = await send(signed({ app: 'demo-origin', year: 2024, month: 7, day: 19 }));
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({
      status: 'success',
      count: 2,
      message: 'Found Video Usage',
      usage: [
        { video_url: 'live/stream1', bytes_total: '2875558', requests_total: '5' },
        { video_url: 'sestore/jb/my_video.mp4', bytes_total: '5107077', requests_total: '3' },
      ],
    });
    expect(body.handle_time).toMatch(/^\d+\.\d{4} seconds$/);
  });

  test('a month, cdn_id, numeric strings, app and url as arrays, limit and offset with the full count', async () => {
    const r = await send(
      signed({
        cdn: undefined,
        cdn_id: String(cdn),
        year: '2024',
        month: '07',
        app: ['demo-origin', 'other-app'],
        limit: 1,
        offset: 1,
      }),
    );
    const body = r.json();
    expect(body.count).toBe(3);
    expect(body.usage).toEqual([
      { video_url: 'sestore/jb/my_video.mp4', bytes_total: '5107127', requests_total: '4' },
    ]);
    const one = (await send(signed({ year: 2024, month: 7, url: 'x.mp4' }))).json();
    expect(one.usage).toEqual([{ video_url: 'x.mp4', bytes_total: '7', requests_total: '0' }]);
  });

  test('a month of more videos than the native API pages (100,000 rows) counts and sums every one', async () => {
    // Video i delivers i + 1 bytes on 3 July: the month's total is 1 + 2 + ... + n, known in closed form.
    const n = 100_123;
    const rollups = Array.from({ length: n }, (_, i) =>
      rollupRow({
        account: 'globex',
        bucket: Date.parse('2024-07-03T10:00:00Z'),
        resource: `v${i}.mp4`,
        bytesOut: i + 1,
      }),
    );
    await store.usage.commitImport({ from: 0, source: sourceState('many'), rollups });
    const key = issueKey('scaleengine', 'globex', { seal: sealer.seal });
    await store.registry.putKey(key.stored);
    const number = (await store.registry.getAccount('globex'))?.number;
    const body = (
      await send(signed({ api_key: key.stored.id, cdn: number, year: 2024, month: 7 }, key.secret))
    ).json();
    expect(body.count).toBe(n);
    expect(body.usage).toHaveLength(n);
    const total = body.usage.reduce(
      (sum: number, u: { bytes_total: string }) => sum + Number(u.bytes_total),
      0,
    );
    expect(total).toBe((n * (n + 1)) / 2);
  });

  test("video.getapps lists the account's apps with stable ids", async () => {
    const body = (await send(signed({ command: 'video.getapps' }))).json();
    expect(body.status).toBe('success');
    expect(body.apps.map((a: { app_name: string }) => a.app_name)).toEqual(['demo-origin', 'other-app']);
    // A second, different request (the same one again in the same second would be a replay).
    const again = (await send(signed({ command: 'video.getapps', year: 2024 }))).json();
    expect(again.apps).toEqual(body.apps);
  });
});

describe('ScaleEngine failures', () => {
  const failure = async (request: Record<string, unknown> | string, status: number, message: RegExp) => {
    const r = await send(request);
    expect(r.statusCode).toBe(status);
    expect(r.json()).toMatchObject({ status: 'failure', message: expect.stringMatching(message) });
  };

  test('signatures: wrong, of another length, not base64, by another secret', async () => {
    const good = signed({ year: 2024, month: 7 });
    await failure(
      { ...good, signature: createHmac('sha256', 'x').update('y').digest('base64') },
      401,
      /bad signature/,
    );
    await failure({ ...good, signature: Buffer.alloc(16).toString('base64') }, 401, /bad signature/);
    await failure({ ...good, signature: 'not base64 at all!' }, 401, /bad signature/);
    await failure(signed({ year: 2024, month: 7 }, 'f'.repeat(64)), 401, /bad signature/);
  });

  test('timestamps over 300 s old or ahead, and replays inside the window', async () => {
    const now = Math.floor(Date.now() / 1000);
    await failure(
      signed({ year: 2024, month: 7, timestamp: now - 301 }),
      401,
      /timestamp expired: 30\d s old \(at most 300 s either way\)/,
    );
    // 305, not 301: a timestamp ahead gets closer as the test runs, and one second passing on a
    // busy machine made 301 ahead an accepted 300.
    await failure(
      signed({ year: 2024, month: 7, timestamp: now + 305 }),
      401,
      /timestamp expired: 30\d s in the future/,
    );
    const once = signed({ year: 2024, month: 7 });
    expect((await send(once)).statusCode).toBe(200);
    await failure(once, 401, /replayed request/);
  });

  test('a replay is refused after the server restarts too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-replay-'));
    try {
      const path = join(dir, 'tally.duckdb');
      let fileStore = await DuckDbStore.open(path);
      await fileStore.registry.putAccount({
        id: 'acme',
        name: 'Acme',
        timezone: 'Europe/Berlin',
        parent: null,
      });
      const key = issueKey('scaleengine', 'acme', { seal: sealer.seal });
      await fileStore.registry.putKey(key.stored);
      const number = (await fileStore.registry.getAccount('acme'))?.number;
      const request = signed({ api_key: key.stored.id, cdn: number, year: 2024, month: 7 }, key.secret);
      const serve = async () => {
        const server = await createApp({
          store: fileStore,
          compat: { transport: { insecureHttp: true, trustedProxies: [] }, sealer },
        });
        const r = await server.inject({
          method: 'POST',
          url: '/api',
          payload: new URLSearchParams({ json: phpJsonEncode(request) }).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        await server.close();
        await fileStore.close();
        return r.json();
      };
      expect(await serve()).toMatchObject({ status: 'success' });
      fileStore = await DuckDbStore.open(path);
      expect(await serve()).toMatchObject({
        status: 'failure',
        message: 'replayed request: this signature was already used',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a signature over the received text (another encoder) also passes', async () => {
    const request = {
      api_key: apiKey,
      command: 'usage.all',
      timestamp: Math.floor(Date.now() / 1000),
      cdn,
      year: 2024,
      month: 7,
    };
    // Spaces after colons: not PHP's encoding, but the client signed exactly this text.
    const text = JSON.stringify(request, null, 1);
    const signature = createHmac('sha256', secret).update(text).digest('base64');
    const sent = `${text.slice(0, -1)},"signature": "${signature}"}`;
    const r = await send(sent);
    expect(r.json()).toMatchObject({ status: 'success' });
  });

  test('keys, accounts and parameters', async () => {
    await failure(signed({ year: 2024, month: 7, api_key: 'NOSUCHKEY' }), 401, /invalid api_key/);
    await failure(signed({ year: 2024, month: 13 }), 400, /bad month 13/);
    await failure(signed({ month: 7 }), 400, /year is required/);
    await failure(signed({ year: 2024, month: 7, cdn: 999 }), 403, /unknown cdn 999/);
    await failure(signed({ command: 'video.delete' }), 400, /unknown command 'video.delete'/);
    await failure('not json', 400, /not valid JSON/);
    await store.registry.revokeKey(apiKey, Date.now());
    await failure(signed({ year: 2024, month: 7 }), 401, /invalid api_key/);
  });

  test('multipart bodies a client got wrong get a 4xx failure, never a 503', async () => {
    const json = phpJsonEncode(signed({ year: 2024, month: 7, day: 19 }));
    const multipart = (body: string, contentType = 'multipart/form-data; boundary=XyZ') =>
      app.inject({ method: 'POST', url: '/api', payload: body, headers: { 'content-type': contentType } });
    const field = `--XyZ\r\nContent-Disposition: form-data; name="json"\r\n\r\n${json}\r\n`;
    const file =
      '--XyZ\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n';
    const cases: [string, Awaited<ReturnType<typeof multipart>>, number, RegExp][] = [
      ['a file part first', await multipart(`${file}${field}--XyZ--\r\n`), 400, /file part/],
      [
        'no boundary',
        await multipart(`${field}--XyZ--\r\n`, 'multipart/form-data'),
        400,
        /malformed multipart/,
      ],
      [
        'cut short',
        await multipart(`--XyZ\r\nContent-Disposition: form-data; name="js`),
        400,
        /malformed multipart/,
      ],
      [
        'garbage',
        await multipart('not a multipart body at all'),
        400,
        /malformed multipart|missing form field json/,
      ],
    ];
    for (const [name, r, status, message] of cases) {
      expect(r.statusCode, name).toBe(status);
      expect(r.json(), name).toMatchObject({ status: 'failure', message: expect.stringMatching(message) });
    }
    // The well-formed multipart request of seed 000 still works.
    const ok = await multipart(`${field}--XyZ--\r\n`);
    expect(ok.json()).toMatchObject({ status: 'success', count: 3 });
  });

  test('a body over the limit gets a failure, not a 500', async () => {
    const r = await send(signed({ year: 2024, month: 7, padding: 'x'.repeat(200 * 1024) }));
    expect(r.statusCode).toBe(413);
    expect(r.json()).toMatchObject({ status: 'failure', message: 'request too large' });
  });
});
