import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/duckdb-store.js';
import { useTempDir } from '../../test-support/temp-dir.js';
import { createApp } from '../app.js';

const dir = useTempDir('tally-dashboard-files-');
const store = await DuckDbStore.open(':memory:');
afterAll(() => store.close());

describe('GET / (the dashboard)', () => {
  test('serves the built index (checked on every load) and hashed assets (kept a year), under a strict CSP', async () => {
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><script type="module" src="/assets/app-ABC123.js"></script>',
    );
    writeFileSync(join(dir, 'assets', 'app-ABC123.js'), 'console.log(1)');
    const app = await createApp({ store, dashboardDir: dir });
    try {
      const index = await app.inject({ method: 'GET', url: '/' });
      expect(index.statusCode).toBe(200);
      expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(index.headers['cache-control']).toBe('no-cache');
      const csp = String(index.headers['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      const asset = await app.inject({ method: 'GET', url: '/assets/app-ABC123.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect((await app.inject({ method: 'GET', url: '/assets/../index.html' })).statusCode).toBe(404);
      expect((await app.inject({ method: 'GET', url: '/assets/missing.js' })).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });

  test('without a build, GET / says how to make one', async () => {
    const app = await createApp({ store, dashboardDir: join(dir, 'nothing-here') });
    try {
      const r = await app.inject({ method: 'GET', url: '/' });
      expect(r.statusCode).toBe(503);
      expect(r.json().error.message).toBe('the dashboard is not built: run npm run build');
    } finally {
      await app.close();
    }
  });
});
