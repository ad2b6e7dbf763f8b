import { expect, test } from 'vitest';
import { issueKey } from '../../auth/keys.js';
import { DuckDbStore } from '../../store/duckdb/duckdb-store.js';
import { rollupRow } from '../../test-support/rollup-row.js';
import { sourceState } from '../../test-support/source-state.js';
import { createApp } from '../app.js';

test('POST /v1/billing/snapshots: admin only; bills every ended bucket', async () => {
  const store = await DuckDbStore.open(':memory:');
  await store.registry.putAccount({ id: 'acme', name: 'Acme', timezone: 'UTC', parent: null });
  const admin = issueKey('native', null);
  const scoped = issueKey('native', 'acme');
  await store.registry.putKey(admin.stored);
  await store.registry.putKey(scoped.stored);
  const hourAgo = Math.floor((Date.now() - 3_600_000) / 900_000) * 900_000;
  await store.usage.commitImport({
    from: 0,
    source: sourceState('s'),
    rollups: [rollupRow({ bucket: hourAgo, bytesOut: 42 })],
  });
  const app = await createApp({ store });
  const post = (key: string) =>
    app.inject({ method: 'POST', url: '/v1/billing/snapshots', headers: { authorization: `Bearer ${key}` } });
  expect((await post(scoped.secret)).statusCode).toBe(403);
  const status = async () =>
    (
      await app.inject({
        method: 'GET',
        url: '/v1/billing/snapshots',
        headers: { authorization: `Bearer ${scoped.secret}` },
      })
    ).json();
  const before = Date.now();
  const none = await status();
  expect(none).toMatchObject({ last: null, every_hours: 12 });
  expect(Date.parse(none.next_due)).toBeGreaterThanOrEqual(before - 1000);
  const taken = await post(admin.secret);
  expect(taken.statusCode).toBe(201);
  expect(taken.json()).toMatchObject({ changed_rows: 1 });
  expect(Date.parse(taken.json().cutoff) % 900_000).toBe(0);
  const after = await status();
  expect(after.last).toEqual(taken.json());
  expect(Date.parse(after.next_due) - Date.parse(after.last.taken_at)).toBe(12 * 3_600_000);
  const billed = await store.usage.lastBillingSnapshot();
  expect(billed?.changedRows).toBe(1);
  await app.close();
  await store.close();
});
