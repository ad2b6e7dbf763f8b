import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runUsageQuery } from '../query/run-usage-query.js';
import { useMemoryStore } from '../test-support/memory-store.js';
import { sample } from '../test-support/samples.js';
import { useTempDir } from '../test-support/temp-dir.js';
import { bundledCountryDatabase, countryDatabaseOf, createCountryLookup } from './geo.js';
import { importFiles } from './import.js';

describe('country lookup', () => {
  const lookup = createCountryLookup(bundledCountryDatabase());

  test.each([
    // Well-known, long-stable allocations (DB-IP Lite, the bundled database).
    ['8.8.8.8', 'US'],
    ['1.1.1.1', 'AU'],
    ['2a00:1450:4001:82a::200e', 'DE'],
    // Private, loopback, documentation and malformed addresses are not placed anywhere.
    ['192.168.0.1', ''],
    ['::1', ''],
    ['203.0.113.7', ''],
    ['not-an-address', ''],
    ['', ''],
  ])('%s -> %j', (address, country) => {
    expect(lookup(address)).toBe(country);
  });

  test('a configured file takes precedence; geo can be switched off', () => {
    // Another mmdb file (the IPv4-only one of the same package) configured in its place.
    const v4 = bundledCountryDatabase().replace('dbip-country.mmdb', 'dbip-country-ipv4.mmdb');
    expect(countryDatabaseOf({ geo: { mmdb: v4 } })).toBe(v4);
    expect(createCountryLookup(v4)('8.8.8.8')).toBe('US');
    expect(countryDatabaseOf({ geo: { enabled: false } })).toBeNull();
    expect(countryDatabaseOf({})).toBe(bundledCountryDatabase());
  });

  test('an unreadable database is a configuration error', () => {
    expect(() => createCountryLookup(sample('SOURCES.md'))).toThrow(/geo.mmdb: cannot read/);
  });
});

describe('countries and zones in imported usage', () => {
  const dir = useTempDir();
  const store = useMemoryStore();

  test('every request is counted once, split by country, with zones from the config', async () => {
    await importFiles([sample('apache_combined_elastic_examples.log')], {
      store: store(),
      config: { zones: { US: 'north_america', CA: 'north_america', '*': 'rest' } },
      format: 'combined',
      secret: Buffer.alloc(32, 9),
      rejectsDir: join(dir, 'rejects'),
    });
    const query = (groupBy: string) =>
      runUsageQuery(store(), {
        account: 'default',
        from: '2015-05-17',
        to: '2015-05-21',
        group_by: groupBy,
        metrics: 'requests',
        limit: '1000',
      });
    const byCountry = (await query('country')).body.rows;
    expect(byCountry.reduce((sum, r) => sum + Number(r.requests), 0)).toBe(10_000);
    // Every row's country is a two-letter code or unknown.
    for (const row of byCountry) expect(String(row.country)).toMatch(/^([A-Z]{2})?$/);
    const byZone = Object.fromEntries(
      (await query('zone,country')).body.rows.map((r) => [`${r.country}`, r.zone]),
    );
    expect(byZone.US).toBe('north_america');
    expect(byZone.CA).toBe('north_america');
    expect(byZone.FR).toBe('rest');
  });
});
