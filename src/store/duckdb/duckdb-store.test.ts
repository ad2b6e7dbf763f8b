import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { describeStoreContract } from '../store-contract.js';
import { DuckDbStore } from './duckdb-store.js';

describeStoreContract('duckdb (in memory)', () => DuckDbStore.open(':memory:'));

describe('DuckDbStore on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-duckdb-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('data survives reopening and migrations run once', async () => {
    const file = join(dir, 'a.duckdb');
    const first = await DuckDbStore.open(file);
    await first.registry.putAccount({ id: 'acme', name: 'Acme', timezone: 'UTC', parent: null });
    await first.close();
    const second = await DuckDbStore.open(file);
    expect((await second.registry.listAccounts()).map((a) => a.id)).toEqual(['acme']);
    await second.close();
  });
});
