import { describe, expect, test } from 'vitest';
import { parseStoreUrl, storeSettingsOf } from './store-settings.js';

const REGISTRY = 'postgres://tally:pw@db.example:5432/tally';

describe('--store', () => {
  test.each([
    [
      `clickhouse://ch.example:8123/usage?cluster=main&registry=${encodeURIComponent(REGISTRY)}`,
      { url: 'http://ch.example:8123', database: 'usage', cluster: 'main' },
    ],
    [
      `clickhouses://bob:s%40cret@ch.example:8443/?registry=${encodeURIComponent(REGISTRY)}`,
      { url: 'https://bob:s%40cret@ch.example:8443', database: 'tally', cluster: undefined },
    ],
  ])('%s', (text, expected) => {
    expect(parseStoreUrl(text)).toEqual({ backend: 'clickhouse', registry: REGISTRY, ...expected });
  });

  test.each([
    ['not a url', /is not a URL/],
    ['mysql://db/x', /unknown backend mysql:\/\//],
    ['clickhouse://ch:8123/db', /needs its registry/],
    ['clickhouse://ch:8123/db?registry=mysql%3A%2F%2Fx', /registry must be a postgres:\/\/ URL/],
    [
      `clickhouse://ch:8123/db?registry=${encodeURIComponent(REGISTRY)}&quorum=2`,
      /unknown parameter 'quorum'/,
    ],
  ])('%s is refused, naming --store', (text, message) => {
    expect(() => parseStoreUrl(text)).toThrow(message);
    try {
      parseStoreUrl(text);
    } catch (error) {
      expect(error).toMatchObject({ code: 'bad-config', param: '--store' });
    }
  });

  test('a password in a URL that is refused is not repeated', () => {
    expect(() => parseStoreUrl('clickhouse://bob:hunter2@ch example/db')).toThrow(/\/\/\*\*\*@/);
    expect(() => parseStoreUrl('clickhouse://bob:hunter2@ch example/db')).not.toThrow(/hunter2/);
  });
});

describe("the config's store", () => {
  test('defaults the database; needs a postgres registry', () => {
    expect(storeSettingsOf({ backend: 'clickhouse', url: 'http://ch:8123', registry: REGISTRY })).toEqual({
      backend: 'clickhouse',
      url: 'http://ch:8123',
      database: 'tally',
      cluster: undefined,
      registry: REGISTRY,
    });
    expect(() =>
      storeSettingsOf({ backend: 'clickhouse', url: 'http://ch:8123', registry: 'http://x' }),
    ).toThrow(/store.registry: registry must be a postgres/);
  });
});
