/**
 * Tally on the 2 x 2 ClickHouse cluster with its registry in PostgreSQL, run as an operator runs
 * it: `tally import` and `tally serve` processes with `--store`, each with a data dir of its own,
 * sharing nothing but the cluster and the registry. Every total is checked against figures worked
 * out from the generated logs, never against Tally's own output.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTallyServer, TALLY_BIN } from '../../test-support/tally-server.js';
import { useTempDir } from '../../test-support/temp-dir.js';
import { SCALE_OUT_INSTALLED, ScaleOutServers } from './test-support/scale-out-servers.js';

const tmp = useTempDir('tally-scale-out-');

interface Truth {
  requests: number;
  bytes: number;
  viewers: Set<string>;
}

/**
 * Writes `lines` requests of one day, each for a segment of its own (so nothing folds: one row per
 * line, several commits per import). Request i of file `tag` comes from `10.<ipBase>.x.y` and
 * delivers 1000 + (i % 997) bytes; `truth` gets them added.
 */
function writeLog(file: string, tag: number, lines: number, ipBase: number, ips: number, truth: Truth): void {
  const parts: string[] = [];
  for (let i = 0; i < lines; i++) {
    const size = 1000 + ((i + tag) % 997);
    const n = i % ips;
    const ip = `10.${ipBase + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
    truth.requests += 1;
    truth.bytes += size;
    truth.viewers.add(ip);
    const minute = String(i % 60).padStart(2, '0');
    parts.push(
      // A distinct object per line (layout inference keeps a plain file whole), so every line is
      // a stored row: the writes are as many as they can be, and the replica test counts them.
      `${ip} - - [02/Jul/2024:1${tag % 10}:${minute}:00 +0000] "GET /files/f${tag}/object-${i}.bin HTTP/1.1" 200 ${size} "-" "UA"\n`,
    );
  }
  writeFileSync(file, parts.join(''));
}

function tally(args: string[]) {
  const r = spawnSync(process.execPath, [TALLY_BIN, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A new admin key of the store, created with the CLI as an operator would. */
function adminKeyOf(store: string): string {
  const r = tally(['keys', 'create', '--admin', '--json', '--store', store, '--data', join(tmp, 'cli')]);
  if (r.code !== 0) throw new Error(`keys create failed: ${r.err}`);
  return JSON.parse(r.out).secret as string;
}

function spawnTally(args: string[]): { child: ChildProcess; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [TALLY_BIN, ...args], { stdio: 'ignore' });
  return { child, exit: new Promise((done) => child.once('exit', (code) => done(code))) };
}

/** The account's totals for July 2024, as `tally report --format json` gives them. */
function totals(store: string, dir: string, account: string) {
  const r = tally([
    'report',
    ...['--store', store, '--data', dir, '--account', account],
    ...['--from', '2024-07-01', '--to', '2024-08-01', '--metrics', 'requests,bytes_out,unique_viewers'],
    ...['--format', 'json'],
  ]);
  if (r.code !== 0) throw new Error(`report failed: ${r.err}`);
  const [row] = JSON.parse(r.out).rows;
  return { requests: row?.requests ?? 0, bytes: row?.bytes_out ?? 0, viewers: row?.unique_viewers ?? 0 };
}

function expected(truth: Truth) {
  return { requests: truth.requests, bytes: truth.bytes, viewers: truth.viewers.size };
}

describe.skipIf(!SCALE_OUT_INSTALLED)('Tally on a ClickHouse cluster', () => {
  const servers = new ScaleOutServers();
  let store = '';
  beforeAll(async () => {
    servers.start();
    store = await servers.storeUrl();
    for (const account of ['two', 'killed', 'replica', 'down', 'zk'])
      expect(tally(['accounts', 'add', account, '--store', store, '--data', join(tmp, 'cli')]).code).toBe(0);
  }, 180_000);
  afterAll(() => servers.stop(), 120_000);

  /** `tally import` of `files` into the store for `account`, from data dir `dir`. */
  const importArgs = (dir: string, account: string, ...files: string[]) => [
    'import',
    ...['--store', store, '--data', dir, '--account', account],
    ...files,
  ];

  /**
   * Runs the import until it exits 0 (at most `attempts` times, `pauseMs` apart): an import that
   * met a fault the test caused fails with its checkpoint unmoved and is simply run again.
   */
  const importUntilDone = async (
    dir: string,
    account: string,
    file: string,
    attempts: number,
    pauseMs: number,
  ) => {
    let code: number | null = 1;
    for (let attempt = 0; code !== 0 && attempt < attempts; attempt++) {
      code = tally(importArgs(dir, account, file)).code;
      if (code !== 0) await new Promise((r) => setTimeout(r, pauseMs));
    }
    return code;
  };

  test('two importers on two files at once, each with its own data dir: totals exact, viewers distinct across both', async () => {
    const truth: Truth = { requests: 0, bytes: 0, viewers: new Set() };
    // Viewers overlap: 3,000 in the first file, 4,000 in the second, the first file's 3,000
    // among them. The importers hash each viewer with the store's one secret, so they count
    // 4,000; with a secret each, the same addresses would be 7,000 different hashes.
    writeLog(join(tmp, 'a.log'), 1, 60_000, 30, 3000, truth);
    writeLog(join(tmp, 'b.log'), 2, 50_000, 30, 4000, truth);
    const runs = ['a', 'b'].map((name) =>
      spawnTally(importArgs(join(tmp, `dir-${name}`), 'two', join(tmp, `${name}.log`))),
    );
    expect(await Promise.all(runs.map((r) => r.exit))).toEqual([0, 0]);
    expect(totals(store, join(tmp, 'dir-c'), 'two')).toEqual(expected(truth));
    expect(truth.viewers.size).toBe(4000);
  }, 300_000);

  test('an importer killed (SIGKILL) at 50 random moments, then run to the end: nothing lost, nothing doubled', async () => {
    const truth: Truth = { requests: 0, bytes: 0, viewers: new Set() };
    const files: string[] = [];
    let kills = 0;
    let killedAfterCommit = 0;
    const dir = join(tmp, 'dir-kill');
    mkdirSync(dir, { recursive: true });
    let file = 0;
    // A round is four files of 20,000 lines, imported by one command: each file commits at its
    // end (about 0.5 s each here, after about 1 s of start), so a kill lands before, between or
    // after commits.
    const nextRound = () =>
      Array.from({ length: 4 }, () => {
        const path = join(tmp, `kill-${file}.log`);
        writeLog(path, 10 + file, 20_000, 40 + (file % 100), 10_000, truth);
        files.push(path);
        file += 1;
        return path;
      });
    let round = nextRound();
    while (kills < 50) {
      const before = sourcesOffset();
      const run = spawnTally(importArgs(dir, 'killed', ...round));
      const delay = 300 + Math.floor(Math.random() * 2200);
      const timer = setTimeout(() => run.child.kill('SIGKILL'), delay);
      const code = await run.exit;
      clearTimeout(timer);
      if (code === null) {
        kills += 1;
        if (sourcesOffset() > before) killedAfterCommit += 1;
      } else {
        expect(code, `the run after ${kills} kills`).toBe(0);
        round = nextRound();
      }
    }
    // Every file to its end, without kills; each file again changes nothing.
    for (const path of files) {
      const r = tally(importArgs(dir, 'killed', path));
      expect(r.code, r.err).toBe(0);
    }
    const again = tally(importArgs(dir, 'killed', '--json', ...files));
    expect(JSON.parse(again.out)).toMatchObject({ lines: 0, records: 0 });
    expect(totals(store, dir, 'killed')).toEqual(expected(truth));
    // Kills landed both before and after commits (the checkpoint moved under some of them).
    expect(killedAfterCommit).toBeGreaterThan(0);
    expect(killedAfterCommit).toBeLessThan(kills);

    /** The sum of every source's checkpoint, as `tally sources list --json` would show it. */
    function sourcesOffset(): number {
      const r = tally(['sources', 'list', '--store', store, '--data', dir, '--json']);
      return (JSON.parse(r.out) as { sources: { offset: number }[] }).sources.reduce(
        (sum, s) => sum + s.offset,
        0,
      );
    }
  }, 600_000);

  test('a replica stopped (SIGKILL) and restarted during an import: the import completes, both replicas hold every row', async () => {
    const truth: Truth = { requests: 0, bytes: 0, viewers: new Set() };
    const file = join(tmp, 'replica.log');
    writeLog(file, 7, 150_000, 60, 50_000, truth);
    const dir = join(tmp, 'dir-replica');
    const run = spawnTally(importArgs(dir, 'replica', file));
    await new Promise((r) => setTimeout(r, 800));
    servers.stopNode('s1r1', true);
    await new Promise((r) => setTimeout(r, 2000));
    servers.startNode('s1r1');
    // An insert the stopped replica was taking fails the import, its checkpoint unmoved: run again.
    if ((await run.exit) !== 0) expect(await importUntilDone(dir, 'replica', file, 5, 0)).toBe(0);
    expect(totals(store, dir, 'replica')).toEqual(expected(truth));
    // The restarted replica catches up by replication: each replica of each shard holds the same rows.
    const database = new URL(store).pathname.slice(1);
    const counts = await Promise.all(
      servers.nodes.map(async (node) => {
        await sql(node.url, `SYSTEM SYNC REPLICA ${database}.deliveries_local`);
        return Number(
          await sql(node.url, `SELECT count() FROM ${database}.deliveries_local WHERE account = 'replica'`),
        );
      }),
    );
    expect(counts[0]).toBe(counts[1]);
    expect(counts[2]).toBe(counts[3]);
    expect((counts[0] ?? 0) + (counts[2] ?? 0)).toBe(truth.requests);
  }, 300_000);

  test('two servers share keys and usage through the cluster alone: a key created or revoked on one is honoured by the other within a second', async () => {
    const a = await startTallyServer(['--store', store, '--data', join(tmp, 'serve-a')], { adminKey: false });
    const b = await startTallyServer(['--store', store, '--data', join(tmp, 'serve-b')], { adminKey: false });
    try {
      const adminKey = adminKeyOf(store);
      const created = await call(a.url, 'POST', '/v1/keys', adminKey, { account: 'two' });
      expect(created.status).toBe(201);
      const key = (await created.json()) as { key: string; secret: string };
      const usage = `/v1/usage?account=two&from=2024-07-01&to=2024-08-01&metrics=requests,bytes_out,unique_viewers`;
      const onB = await within(
        1000,
        async () => (await call(b.url, 'GET', usage, key.secret)).status === 200,
      );
      expect(onB).toBe(true);
      // Both servers answer the same usage, read from the cluster.
      const bodies = await Promise.all(
        [a.url, b.url].map(async (url) => (await call(url, 'GET', usage, key.secret)).json()),
      );
      expect(bodies[0]).toEqual(bodies[1]);
      expect((await call(b.url, 'DELETE', `/v1/keys/${key.key}`, adminKey)).status).toBe(200);
      const refusedOnA = await within(
        1000,
        async () => (await call(a.url, 'GET', usage, key.secret)).status === 401,
      );
      expect(refusedOnA).toBe(true);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 120_000);

  test('the cluster down: an import fails clearly and keeps its checkpoint, the server answers 503 and recovers', async () => {
    const truth: Truth = { requests: 0, bytes: 0, viewers: new Set() };
    const file = join(tmp, 'down.log');
    writeLog(file, 5, 5_000, 70, 500, truth);
    const dir = join(tmp, 'dir-down');
    const server = await startTallyServer(['--store', store, '--data', join(tmp, 'serve-down')], {
      adminKey: false,
    });
    const admin = adminKeyOf(store);
    const usage = '/v1/usage?account=down&from=2024-07-01&to=2024-08-01';
    try {
      for (const node of servers.nodes) servers.stopNode(node.name, true);
      const failed = tally(importArgs(dir, 'down', file));
      expect(failed.code).toBe(1);
      expect(failed.err).toMatch(/ClickHouse at http:\/\/127\.0\.0\.1:\d+ .*(ECONNREFUSED|connect)/);
      const down = await call(server.url, 'GET', usage, admin);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ error: { code: 'store-unavailable' } });
      for (const node of servers.nodes) servers.startNode(node.name);
      expect((await call(server.url, 'GET', usage, admin)).status).toBe(200);
      // Nothing of the failed import counted; run again, it counts once.
      expect(totals(store, dir, 'down')).toEqual({ requests: 0, bytes: 0, viewers: 0 });
      expect(tally(importArgs(dir, 'down', file)).code).toBe(0);
      expect(totals(store, dir, 'down')).toEqual(expected(truth));
    } finally {
      for (const node of servers.nodes) servers.startNode(node.name);
      await server.stop();
    }
  }, 300_000);

  test('ZooKeeper lost: replicated inserts fail with a clear message and count nothing; back, the import completes', async () => {
    const truth: Truth = { requests: 0, bytes: 0, viewers: new Set() };
    const file = join(tmp, 'zk.log');
    writeLog(file, 6, 5_000, 80, 500, truth);
    const dir = join(tmp, 'dir-zk');
    servers.stopNode('zookeeper', true);
    try {
      const failed = tally(importArgs(dir, 'zk', file));
      expect(failed.code).toBe(1);
      expect(failed.err).toMatch(
        /ClickHouse at http:\/\/127\.0\.0\.1:\d+ could not complete .*(ZooKeeper|read-?only|readonly)/i,
      );
    } finally {
      servers.startNode('zookeeper');
    }
    expect(totals(store, dir, 'zk')).toEqual({ requests: 0, bytes: 0, viewers: 0 });
    // The servers reconnect to ZooKeeper within their session timeout; until then inserts still fail.
    expect(await importUntilDone(dir, 'zk', file, 30, 2000)).toBe(0);
    expect(totals(store, dir, 'zk')).toEqual(expected(truth));
  }, 300_000);
});

async function sql(url: string, text: string): Promise<string> {
  const response = await fetch(url, { method: 'POST', body: text });
  const body = await response.text();
  if (!response.ok) throw new Error(body);
  return body.trim();
}

function call(base: string, method: string, path: string, key: string, body?: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Whether `check` holds within `ms`, asked every 50 ms. */
async function within(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}
