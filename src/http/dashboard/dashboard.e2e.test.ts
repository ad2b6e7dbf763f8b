/// <reference lib="dom" />
/**
 * The dashboard in a real browser: Debian's chromium driven by puppeteer-core (which downloads no
 * browser of its own), against `tally demo`. Every figure checked on screen is read from its
 * exact `title` and compared with `GET /v1/usage` for the same query; the CSV download with the
 * API's CSV. axe-core runs in each page. Screenshots go to test-output/screenshots (not committed).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROJECT_ROOT, type RunningDemo, startDemo, stopDemo } from '../../test-support/demo-process.js';
import { useTempDir } from '../../test-support/temp-dir.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(PROJECT_ROOT, 'test-output/screenshots');
const tmp = useTempDir('tally-dashboard-');
const AXE_SOURCE = readFileSync(join(PROJECT_ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

let demo: RunningDemo;
let browser: Browser;
let keys: { admin: { secret: string }; acme: { secret: string } };
/** The demo month: `from` and the first day after it, as the page's custom period takes them. */
let month: { from: string; to: string };

beforeAll(async () => {
  demo = await startDemo(join(tmp, 'data'));
  keys = JSON.parse(readFileSync(join(tmp, 'data', 'demo-keys.json'), 'utf8'));
  const from = /--from (\d{4}-\d{2}-\d{2})/.exec(demo.out)?.[1] as string;
  const to = /--to (\d{4}-\d{2}-\d{2})/.exec(demo.out)?.[1] as string;
  month = { from, to };
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  mkdirSync(SHOTS, { recursive: true });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (demo) await stopDemo(demo.child);
});

/**
 * `GET /v1/usage` with `key`: every row, from the JSON body (one page of up to 100,000 rows, the
 * whole answer here). The page reads NDJSON; the truth it is checked against comes by another path.
 */
async function api(key: string, params: Record<string, string>) {
  const r = await fetch(`${demo.url}/v1/usage?${new URLSearchParams({ ...params, limit: '100000' })}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  expect(r.status).toBe(200);
  const body = (await r.json()) as { rows: Record<string, string | number>[]; next_cursor: string | null };
  expect(body.next_cursor).toBeNull();
  return body.rows;
}

/** A new tab that fails the test on any console error or uncaught exception (a CSP violation included). */
async function newPage(width = 1280, height = 800): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  await page.setViewport({ width, height });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  return { page, problems };
}

/** The exact number in a figure's title (`2,239,777,182,598 bytes` -> 2239777182598). */
const exact = (title: string | null) => Number((title ?? '').split(' ')[0]?.replaceAll(',', ''));

async function tileValue(page: Page, metric: string): Promise<number> {
  const title = await page.$eval(`.tile[data-metric="${metric}"] .tile-value`, (el) =>
    el.getAttribute('title'),
  );
  return exact(title);
}

/** Runs axe-core in the page; returns the serious and critical violations. */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the devtools protocol, which the page's CSP does not govern.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const { axe } = window as unknown as {
      axe: { run: (d: Document) => Promise<{ violations: unknown[] }> };
    };
    const result = await axe.run(document);
    return (result.violations as { id: string; impact: string; nodes: unknown[] }[])
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}, ${v.nodes.length} nodes)`);
  });
  return violations;
}

const view = (params: Record<string, string>) =>
  `${demo.url}/?${new URLSearchParams({ period: 'custom', ...month, ...params })}`;

describe('the dashboard', () => {
  test('sign in; the overview tiles equal the API to the byte; first view with data measured (budget 1 s)', async () => {
    const { page, problems } = await newPage();
    const response = await page.goto(view({ account: 'acme' }));
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    // A wrong key is refused with a message, not a blank page.
    await page.type('#key', 'tally_tk_AAAAAAAAAAAA_wrongwrongwrongwrongwrongwrongwrongwrongwro');
    await page.click('button[type=submit]');
    await page.waitForSelector('.sign-in .error');
    expect(await page.$eval('.sign-in .error', (el) => el.textContent)).toMatch(
      /refused: invalid or revoked key/,
    );

    await page.$eval('#key', (el) => {
      (el as HTMLInputElement).value = '';
    });
    await page.type('#key', keys.admin.secret);
    const started = Date.now();
    await page.click('button[type=submit]');
    await page.waitForSelector('.tile[data-metric="bytes_out"] .tile-value');
    await page.waitForSelector('.chart canvas');
    const firstView = Date.now() - started;

    const [totals] = await api(keys.admin.secret, {
      account: 'acme',
      ...month,
      tz: 'Europe/Berlin',
      granularity: 'total',
      metrics: 'bytes_out,requests,unique_viewers,view_seconds,client_errors,server_errors',
    });
    expect(totals?.bytes_out).toBeGreaterThan(0);
    for (const m of ['bytes_out', 'requests', 'unique_viewers', 'view_seconds'])
      expect(await tileValue(page, m), m).toBe(totals?.[m]);
    const errors = Number(totals?.client_errors) + Number(totals?.server_errors);
    expect(
      await page.$eval('.tile[data-metric="error_rate"] .tile-value', (el) => el.getAttribute('title')),
    ).toBe(`${errors.toLocaleString('en-US')} of ${Number(totals?.requests).toLocaleString('en-US')}`);
    await page.screenshot({ path: join(SHOTS, 'overview-1280.png') });
    expect(await axeViolations(page)).toEqual([]);
    // The wrong key's refusal is the one failed request.
    expect(problems).toEqual([
      'Failed to load resource: the server responded with a status of 401 (Unauthorized)',
    ]);
    // The budget is 1 s (measured here, reported in docs/PERFORMANCE.md: 0.23-0.33 s on the
    // project's machine); the test fails only on a page that takes many times that, so that a busy
    // CI machine does not fail it by timing alone.
    console.log(`dashboard: first view with data ${firstView} ms after sign-in`);
    expect(firstView).toBeLessThan(5000);
    await page.close();
  }, 60_000);

  test('breakdown: every row, sortable, filtered, and the CSV download equals the API CSV', async () => {
    const { page, problems } = await newPage();
    const url = view({ account: 'acme', page: 'breakdown', dim: 'resource' });
    await page.goto(`${url}#key=${keys.admin.secret}`);
    await page.waitForSelector('table.breakdown tbody tr');
    // The key left the address bar at once.
    expect(page.url()).not.toContain('#key=');
    const rows = await api(keys.admin.secret, {
      account: 'acme',
      ...month,
      tz: 'Europe/Berlin',
      group_by: 'resource',
      order_by: '-bytes_out',
    });
    expect(Number(await page.$eval('table.breakdown', (el) => el.getAttribute('data-rows')))).toBe(
      rows.length,
    );
    const shown = await page.$$eval('table.breakdown tbody tr', (trs) =>
      trs.map((tr) => ({
        resource: tr.querySelector('[data-dim="resource"]')?.textContent,
        bytes: tr.querySelector('[data-metric="bytes_out"] span')?.getAttribute('title'),
      })),
    );
    expect(shown.length).toBe(Math.min(50, rows.length));
    shown.forEach((s, i) => {
      expect(s.resource).toBe(rows[i]?.resource === '' ? '(none)' : rows[i]?.resource);
      expect(exact(s.bytes ?? null)).toBe(rows[i]?.bytes_out);
    });

    // The CSV download: exactly the API's CSV for the same query and order.
    const downloads = join(tmp, 'downloads');
    mkdirSync(downloads, { recursive: true });
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    await page.click('.table-tools button');
    let file: string | undefined;
    for (let i = 0; i < 100 && !file; i++) {
      await new Promise((r) => setTimeout(r, 50));
      file = readdirSync(downloads).find((f) => f.endsWith('.csv'));
    }
    expect(file).toBeDefined();
    const csv = await fetch(
      `${demo.url}/v1/usage?${new URLSearchParams({
        account: 'acme',
        ...month,
        tz: 'Europe/Berlin',
        group_by: 'resource',
        order_by: '-bytes_out',
        format: 'csv',
      })}`,
      { headers: { authorization: `Bearer ${keys.admin.secret}` } },
    ).then((r) => r.text());
    expect(readFileSync(join(downloads, file as string), 'utf8')).toBe(csv);

    // Sorting by a column and filtering keep to the rows the API gave.
    await page.click('th[aria-sort] button');
    expect(await page.$eval('th:first-child', (el) => el.getAttribute('aria-sort'))).not.toBe('none');
    const needle = String(rows[0]?.resource).slice(0, 6);
    await page.type('input[type=search]', needle);
    const kept = rows.filter((r) => String(r.resource).toLowerCase().includes(needle.toLowerCase())).length;
    await page.waitForFunction(
      (n) => document.querySelector('table.breakdown')?.getAttribute('data-rows') === String(n),
      {},
      kept,
    );
    await page.screenshot({ path: join(SHOTS, 'breakdown-1280.png') });
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  test('a link restores the view; an account key sees only its account; keyboard reaches every page', async () => {
    const { page, problems } = await newPage(390, 844);
    const link = view({ account: 'acme', metric: 'requests', dim: 'kind', tz: 'UTC' });
    await page.goto(`${link}#key=${keys.acme.secret}`);
    await page.waitForSelector('.tile[data-metric="requests"] .tile-value');
    const selected = await page.$$eval('.controls select', (ss) =>
      ss.map((s) => (s as HTMLSelectElement).value),
    );
    expect(selected).toEqual(['acme', 'custom', 'UTC', 'requests', 'kind']);
    // The account key's select offers its own account only, and asking for another shows its own.
    expect(await page.$$eval('#account option', (os) => os.map((o) => o.textContent))).toEqual([
      expect.stringContaining('acme'),
    ]);
    const [utcTotals] = await api(keys.acme.secret, {
      account: 'acme',
      ...month,
      tz: 'UTC',
      granularity: 'total',
    });
    expect(await tileValue(page, 'requests')).toBe(utcTotals?.requests);
    await page.goto(view({ account: 'globex' }));
    await page.waitForSelector('.tile[data-metric="requests"] .tile-value');
    expect(await page.$eval('.period', (el) => el.textContent)).toMatch(/^acme:/);
    // No Sources or Admin page for an account key.
    expect(await page.$$eval('header nav a', (as) => as.map((a) => a.textContent))).toEqual([
      'Overview',
      'Breakdown',
      'Countries',
      'Billing',
    ]);
    await page.screenshot({ path: join(SHOTS, 'overview-390.png') });

    // Keyboard: Tab to the Breakdown link and press Enter.
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.textContent === 'Breakdown')) break;
    }
    await page.keyboard.press('Enter');
    await page.waitForSelector('table.breakdown');
    expect(page.url()).toContain('page=breakdown');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  test('sources (admin) with the latest rejects; a revoked key returns to sign-in with a message', async () => {
    // A log with two bad lines (2 and 5), imported through the server.
    const good = (i: number) =>
      `192.0.2.${i} - - [01/Oct/2026:10:00:0${i} +0000] "GET /v/${i}.ts HTTP/1.1" 200 ${i}00 "-" "UA"`;
    const log = [good(1), 'not a log line', good(2), good(3), 'another bad one', good(4)].join('\n');
    const imported = await fetch(`${demo.url}/v1/imports?format=combined&name=/logs/edge-with-rejects.log`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.admin.secret}`, 'content-type': 'text/plain' },
      body: `${log}\n`,
    }).then((r) => r.json() as Promise<{ rejected: number }>);
    expect(imported.rejected).toBe(2);
    const { page, problems } = await newPage();
    await page.goto(`${view({ page: 'sources' })}#key=${keys.admin.secret}`);
    await page.waitForSelector('table.sources tbody tr');
    const paths = await page.$$eval('table.sources tbody td:first-child', (tds) =>
      tds.map((t) => t.textContent),
    );
    expect(paths.length).toBeGreaterThan(0);
    // The demo's logs were detected as combined; nothing is followed by the demo.
    expect(
      await page.$$eval('table.sources td[data-format]', (tds) => [
        ...new Set(tds.map((t) => t.textContent)),
      ]),
    ).toEqual(['combined']);
    expect(
      paths.filter((p) => !p?.includes('/logs/edge-with-rejects.log')).every((p) => p?.includes('demo-logs')),
    ).toBe(true);
    const withRejects = await page.$$eval(
      'table.sources tbody tr',
      (trs) =>
        trs.find((tr) => tr.textContent?.includes('/logs/edge-with-rejects.log'))?.querySelector('button')
          ?.textContent,
    );
    expect(withRejects).toMatch(/^Show rejects of src_/);
    await page.$$eval('table.sources tbody tr', (trs) =>
      trs
        .find((tr) => tr.textContent?.includes('/logs/edge-with-rejects.log'))
        ?.querySelector('button')
        ?.click(),
    );
    await page.waitForSelector('.rejects li');
    expect(await page.$$eval('.rejects li', (lis) => lis.map((li) => li.getAttribute('data-line')))).toEqual([
      '5',
      '2',
    ]);
    await page.screenshot({ path: join(SHOTS, 'sources-1280.png') });
    expect(await axeViolations(page)).toEqual([]);

    // A key revoked mid-session: the next request is refused and the page says so at sign-in.
    const created = await fetch(`${demo.url}/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.admin.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ account: 'acme' }),
    }).then((r) => r.json() as Promise<{ key: string; secret: string }>);
    const { page: other, problems: otherProblems } = await newPage();
    await other.goto(`${view({ account: 'acme' })}#key=${created.secret}`);
    await other.waitForSelector('.tile[data-metric="bytes_out"] .tile-value');
    await fetch(`${demo.url}/v1/keys/${created.key}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${keys.admin.secret}` },
    });
    await other.click('header nav a:nth-child(2)');
    await other.waitForSelector('.sign-in .error');
    expect(await other.$eval('.sign-in .error', (el) => el.textContent)).toMatch(/no longer accepted/);
    expect(problems).toEqual([]);
    // The browser logs the refused request itself (401); nothing else went wrong.
    expect(otherProblems.filter((p) => !p.includes('401'))).toEqual([]);
    await page.close();
    await other.close();
  }, 60_000);

  test('admin: accounts created, edited and suspended; a key made with a working example, then revoked; a stream target', async () => {
    const { page, problems } = await newPage();
    await page.goto(`${view({ page: 'admin', account: 'acme' })}#key=${keys.admin.secret}`);
    await page.waitForSelector('table.accounts');
    const accounts = async () =>
      (
        await fetch(`${demo.url}/v1/accounts`, {
          headers: { authorization: `Bearer ${keys.admin.secret}` },
        }).then(
          (r) =>
            r.json() as Promise<{
              accounts: {
                id: string;
                name: string;
                timezone: string;
                suspended: boolean;
                billingDay: number;
              }[];
            }>,
        )
      ).accounts;
    const saveAccount = async (values: Record<string, string>) => {
      for (const [name, value] of Object.entries(values)) {
        await page.$eval(`form[aria-label="Create or edit an account"] [name="${name}"]`, (el) => {
          (el as HTMLInputElement).value = '';
        });
        await page.type(`form[aria-label="Create or edit an account"] [name="${name}"]`, value);
      }
      await page.click('form[aria-label="Create or edit an account"] button[type=submit]');
    };
    await saveAccount({ id: 'initech', name: 'Initech', timezone: 'America/Chicago', billingDay: '5' });
    await page.waitForSelector('tr[data-account="initech"]');
    expect((await accounts()).find((a) => a.id === 'initech')).toMatchObject({
      name: 'Initech',
      timezone: 'America/Chicago',
      billingDay: 5,
      suspended: false,
    });
    await saveAccount({ id: 'initech', name: 'Initech Corp', timezone: '', billingDay: '' });
    await page.waitForFunction(() =>
      document.querySelector('tr[data-account="initech"]')?.textContent?.includes('Initech Corp'),
    );
    // Only the name changed.
    expect((await accounts()).find((a) => a.id === 'initech')).toMatchObject({
      name: 'Initech Corp',
      timezone: 'America/Chicago',
    });
    await page.click('tr[data-account="initech"] button');
    await page.waitForFunction(() =>
      document.querySelector('tr[data-account="initech"]')?.textContent?.includes('suspended'),
    );
    expect((await accounts()).find((a) => a.id === 'initech')?.suspended).toBe(true);
    // A bad time zone is the API's refusal, shown in the page.
    await saveAccount({ id: 'bad-zone', name: 'x', timezone: 'Mars/Base', billingDay: '' });
    await page.waitForSelector('.admin > .error');
    expect(await page.$eval('.admin > .error', (el) => el.textContent)).toMatch(
      /timezone: unknown IANA time zone/,
    );

    // A ZenDRIVE key for acme: its secret once, and the example beside it works as shown.
    await page.select('form[aria-label="Create a key"] [name="keyAccount"]', 'acme');
    await page.select('form[aria-label="Create a key"] [name="scheme"]', 'zendrive');
    await page.click('form[aria-label="Create a key"] button[type=submit]');
    await page.waitForSelector('.secret .example');
    const example = await page.$eval('.secret .example', (el) => el.textContent ?? '');
    const { spawnSync } = await import('node:child_process');
    const ran = spawnSync('bash', ['-c', example], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(ran.status).toBe(0);
    expect(JSON.parse(ran.stdout)).toMatchObject({ status: 'ok' });
    const keyId = await page.$eval('.secret code', (el) => el.textContent ?? '');
    await page.click('.secret button:last-of-type');
    expect(await page.$('.secret')).toBeNull();
    await page.click(`tr[data-key="${keyId}"] button`);
    await page.waitForFunction(
      (id) => document.querySelector(`tr[data-key="${id}"]`)?.textContent?.includes('revoked'),
      {},
      keyId,
    );

    // A stream target for acme, then archived.
    await page.select('form[aria-label="Create a catalog entry"] [name="targetAccount"]', 'acme');
    await page.type('form[aria-label="Create a catalog entry"] [name="targetName"]', 'Docs target');
    await page.click('form[aria-label="Create a catalog entry"] button[type=submit]');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('table.catalog td')].some((td) => td.textContent === 'Docs target'),
    );
    const entryId = await page.$$eval('table.catalog tr', (trs) =>
      trs.find((tr) => tr.textContent?.includes('Docs target'))?.getAttribute('data-entry'),
    );
    await page.click(`tr[data-entry="${entryId}"] button`);
    await page.waitForFunction(
      (id) => document.querySelector(`tr[data-entry="${id}"]`)?.textContent?.includes('deleted'),
      {},
      entryId,
    );
    // A transcoder, 24/7: listed by the API as the page created it.
    await page.select('form[aria-label="Create a catalog entry"] [name="entryKind"]', 'transcoder');
    await page.waitForSelector('form[aria-label="Create a catalog entry"] [name="billingMode"]');
    await page.$eval('form[aria-label="Create a catalog entry"] [name="targetName"]', (el) => {
      (el as HTMLInputElement).value = '';
    });
    await page.type('form[aria-label="Create a catalog entry"] [name="targetName"]', 'Docs transcoder');
    await page.select('form[aria-label="Create a catalog entry"] [name="billingMode"]', 'twentyfour_seven');
    await page.click('form[aria-label="Create a catalog entry"] button[type=submit]');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('table.catalog td')].some((td) => td.textContent === 'Docs transcoder'),
    );
    const catalog = await fetch(`${demo.url}/v1/catalog?account=acme`, {
      headers: { authorization: `Bearer ${keys.admin.secret}` },
    }).then((r) => r.json() as Promise<{ entries: { name: string; kind: string; billing_mode?: string }[] }>);
    expect(catalog.entries.find((e) => e.name === 'Docs transcoder')).toMatchObject({
      kind: 'transcoder',
      billing_mode: 'twentyfour_seven',
    });
    await page.screenshot({ path: join(SHOTS, 'admin-1280.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    // The refused account (400) is the one failed request.
    expect(problems).toEqual([
      'Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
    await page.close();
  }, 90_000);

  test('countries: the map and the table equal the API by country', async () => {
    const { page, problems } = await newPage();
    await page.goto(
      `${view({ page: 'countries', account: 'acme', metric: 'unique_viewers' })}#key=${keys.admin.secret}`,
    );
    await page.waitForSelector('svg.world-map path');
    await page.waitForSelector('table.by-country tbody tr');
    const rows = await api(keys.admin.secret, {
      account: 'acme',
      ...month,
      tz: 'Europe/Berlin',
      group_by: 'country',
      metrics: 'bytes_out,unique_viewers,requests,view_seconds',
      order_by: '-unique_viewers',
    });
    expect(rows.length).toBeGreaterThan(3);
    const table = await page.$$eval('table.by-country tbody tr', (trs) =>
      trs.map((tr) => ({
        country: tr.getAttribute('data-country'),
        viewers: tr.querySelector('[data-metric="unique_viewers"] span')?.getAttribute('title'),
        bytes: tr.querySelector('[data-metric="bytes_out"] span')?.getAttribute('title'),
      })),
    );
    expect(table.map((t) => t.country)).toEqual(rows.map((r) => r.country));
    table.forEach((t, i) => {
      expect(exact(t.viewers ?? null)).toBe(rows[i]?.unique_viewers);
      expect(exact(t.bytes ?? null)).toBe(rows[i]?.bytes_out);
    });
    // The map shades by viewers: the most-viewed placed country's shape says its exact count.
    const top = rows.find((r) => r.country !== '');
    const mapTitle = await page.$eval(
      `svg.world-map path[data-country="${top?.country}"] title`,
      (t) => t.textContent,
    );
    expect(mapTitle).toContain(`(${Number(top?.unique_viewers).toLocaleString('en-US')})`);
    expect(await page.$$eval('svg.world-map path', (ps) => ps.length)).toBeGreaterThan(150);
    await page.screenshot({ path: join(SHOTS, 'countries-1280.png') });
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  test('billing: bytes used and billed per stream target equal the API; an admin takes a snapshot', async () => {
    const { page, problems } = await newPage();
    await page.goto(`${view({ page: 'billing', account: 'acme' })}#key=${keys.admin.secret}`);
    await page.waitForSelector('table.by-target tbody tr');
    const rows = await api(keys.admin.secret, {
      account: 'acme',
      ...month,
      tz: 'Europe/Berlin',
      group_by: 'target',
      metrics: 'bytes_out,billed_bytes_out',
    });
    // The demo's catalog: news and the ULL sports target.
    expect(rows.map((r) => r.target)).toEqual(expect.arrayContaining(['acmenews', 'acmesprt']));
    const shown = await page.$$eval('table.by-target tbody tr', (trs) =>
      trs.map((tr) => ({
        target: tr.getAttribute('data-target'),
        used: tr.querySelector('[data-metric="bytes_out"] span')?.getAttribute('title'),
        billed: tr.querySelector('[data-metric="billed_bytes_out"] span')?.getAttribute('title'),
      })),
    );
    expect(shown.map((s) => s.target)).toEqual(rows.map((r) => r.target));
    shown.forEach((s, i) => {
      expect(exact(s.used ?? null)).toBe(rows[i]?.bytes_out);
      expect(exact(s.billed ?? null)).toBe(rows[i]?.billed_bytes_out);
    });
    const before = await page.$eval('.snapshots', (el) => el.getAttribute('data-taken'));
    await page.click('.billing > button');
    await page.waitForFunction(
      (was) => document.querySelector('.snapshots')?.getAttribute('data-taken') !== was,
      {},
      before,
    );
    const status = await fetch(`${demo.url}/v1/billing/snapshots`, {
      headers: { authorization: `Bearer ${keys.acme.secret}` },
    }).then((r) => r.json() as Promise<{ last: { taken_at: string } }>);
    expect(await page.$eval('.snapshots', (el) => el.getAttribute('data-taken'))).toBe(status.last.taken_at);
    await page.screenshot({ path: join(SHOTS, 'billing-1280.png') });
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  test('a period without usage shows zeros and says so, not an error', async () => {
    const { page, problems } = await newPage();
    await page.goto(
      `${demo.url}/?account=acme&period=custom&from=2020-01-01&to=2020-01-08#key=${keys.admin.secret}`,
    );
    await page.waitForSelector('.tile[data-metric="bytes_out"] .tile-value');
    for (const m of ['bytes_out', 'requests', 'unique_viewers', 'view_seconds'])
      expect(await tileValue(page, m)).toBe(0);
    await page.waitForFunction(() =>
      document.querySelector('main')?.textContent?.includes('No usage in this period.'),
    );
    expect(await page.$('.error')).toBeNull();
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  test('every page at phone width (390x844), screenshots for the docs', async () => {
    const { page, problems } = await newPage(390, 844);
    const ready: Record<string, string> = {
      overview: '.tile-value',
      breakdown: 'table.breakdown',
      countries: 'svg.world-map',
      billing: 'table.by-target',
      sources: 'table.sources',
      admin: 'table.accounts',
    };
    for (const [name, selector] of Object.entries(ready)) {
      await page.goto(`${view({ page: name, account: 'acme' })}#key=${keys.admin.secret}`);
      await page.waitForSelector(selector);
      await page.screenshot({ path: join(SHOTS, `${name}-390.png`) });
    }
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  test('the built files are hashed, cached for a year, and small', async () => {
    const html = await fetch(demo.url).then((r) => r.text());
    const script = /src="(\/assets\/app-[A-Z0-9]+\.js)"/.exec(html)?.[1] as string;
    const response = await fetch(`${demo.url}${script}`, { headers: { 'accept-encoding': 'identity' } });
    expect(response.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable/);
    // The first view's JavaScript: the entry and the chunks it imports statically (not the world map).
    const entry = await response.text();
    const { gzipSync } = await import('node:zlib');
    let gzipped = gzipSync(entry).length;
    for (const chunk of entry.match(/\.\/chunk-[A-Z0-9]+\.js/g) ?? []) {
      const text = await fetch(`${demo.url}/assets/${chunk.slice(2)}`).then((r) => r.text());
      gzipped += gzipSync(text).length;
    }
    console.log(`dashboard: first view JavaScript ${gzipped} bytes gzipped`);
    expect(gzipped).toBeLessThan(250 * 1024);
    expect(existsSync(join(SHOTS, 'overview-1280.png'))).toBe(true);
  });
});
