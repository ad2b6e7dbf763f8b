import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { DuckDbStore } from '../store/duckdb/duckdb-store.js';
import { createApp } from './app.js';
import { redactUrl } from './log-redaction.js';

describe('redactUrl', () => {
  test.each([
    ['/v3/x?api_key=a.b&expires=1&signature=SiGnAtUrE', '/v3/x?api_key=a.b&expires=1&signature=[redacted]'],
    ['/p?Secret_Key=s&access_key=k&other=1', '/p?Secret_Key=[redacted]&access_key=[redacted]&other=1'],
    ['/p?sig%6Eature=x&token=t', '/p?sig%6Eature=[redacted]&token=[redacted]'],
    ['/p?%zz=1&signature', '/p?%zz=1&signature'],
    ['/plain', '/plain'],
  ])('%s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('the request log', () => {
  test('holds no signature, secret, access key or bearer token', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const store = await DuckDbStore.open(':memory:');
    const app = await createApp({ store, logger: { stream } });
    try {
      const secrets = ['SiGnAtUrE0123456789', 'BeArErToKeN0123456789', 'AcCeSsKeY0123456789'];
      await app.inject({
        method: 'GET',
        url: `/v3/billing/usage/x?api_key=a.b&expires=1&signature=${secrets[0]}`,
      });
      await app.inject({
        method: 'GET',
        url: '/v1/usage?account=a',
        headers: { authorization: `Bearer ${secrets[1]}` },
      });
      await app.inject({
        method: 'GET',
        url: `/api/v1.6/usage/stream_targets?access_key=${secrets[2]}`,
        headers: { 'wsc-access-key': secrets[2] as string, 'wsc-api-key': 'k' },
      });
      const log = lines.join('');
      expect(log).toContain('signature=[redacted]');
      for (const secret of secrets) expect(log).not.toContain(secret);
      expect(lines.length).toBeGreaterThanOrEqual(6);
    } finally {
      await app.close();
      await store.close();
    }
  });
});
