import { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { runUsageQuery } from '../query/run-usage-query.js';
import type { Store } from '../store/store.js';
import { useMemoryStore } from '../test-support/memory-store.js';
import { useTempDir } from '../test-support/temp-dir.js';
import { type FollowOptions, followFiles } from './follow.js';
import type { ImportSummary } from './import.js';

const dir = useTempDir();
let store: Store;
let n = 0;

const freshStore = useMemoryStore();
beforeEach(() => {
  store = freshStore();
});

/** A combined line whose byte count identifies it: totals show exactly which lines were counted. */
const line = (bytes: number) =>
  `192.0.2.${bytes % 250} - - [01/Jul/2024:10:00:00 +0000] "GET /live/s/seg${bytes}.ts HTTP/1.1" 200 ${bytes} "-" "UA"\n`;

async function bytesOut(): Promise<number> {
  const { body } = await runUsageQuery(store, {
    account: 'default',
    from: '2024-07-01',
    to: '2024-07-02',
    metrics: 'bytes_out',
  });
  return Number(body.rows[0]?.bytes_out ?? 0);
}

/** Polls until `bytesOut()` is `want`; returns the milliseconds it took. */
async function until(want: number, limitMs = 5000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    if ((await bytesOut()) === want) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`bytes_out stayed ${await bytesOut()}, wanted ${want}`);
}

function start(paths: string[]): { stop: () => Promise<ImportSummary> } {
  const controller = new AbortController();
  const options: FollowOptions = {
    store,
    config: {},
    format: 'combined',
    secret: Buffer.alloc(32, 1),
    rejectsDir: join(dir, 'rejects'),
    signal: controller.signal,
    pollMs: 50,
  };
  const running = followFiles(paths, options);
  return {
    stop: async () => {
      controller.abort();
      return running;
    },
  };
}

describe('follow mode', () => {
  test('appended lines are queryable within 3 s; a line being written waits for its newline', async () => {
    const path = join(dir, `${n++}-access.log`);
    writeFileSync(path, line(1000) + line(2000));
    const follower = start([path]);
    await until(3000);
    appendFileSync(path, line(30));
    expect(await until(3030)).toBeLessThan(3000);
    // Half a line: not consumed until its newline arrives.
    const half = line(400);
    appendFileSync(path, half.slice(0, 20));
    await new Promise((r) => setTimeout(r, 400));
    expect(await bytesOut()).toBe(3030);
    appendFileSync(path, half.slice(20));
    await until(3430);
    const summary = await follower.stop();
    expect(summary).toMatchObject({ records: 4, rejected: 0 });
  });

  test('rotation by rename and create: the old file is read to its end, the new one from its start', async () => {
    const path = join(dir, `${n++}-access.log`);
    writeFileSync(path, line(1));
    const follower = start([path]);
    await until(1);
    renameSync(path, `${path}.1`);
    // The writer has not reopened yet: its last lines still go to the renamed file.
    appendFileSync(`${path}.1`, line(20));
    writeFileSync(path, line(300));
    appendFileSync(path, line(4000));
    await until(4321);
    await follower.stop();
    expect(await bytesOut()).toBe(4321);
  });

  test('copytruncate: the truncated file starts a new source and nothing is counted twice', async () => {
    const path = join(dir, `${n++}-access.log`);
    writeFileSync(path, line(5) + line(60));
    const follower = start([path]);
    await until(65);
    truncateSync(path, 0);
    await new Promise((r) => setTimeout(r, 150));
    appendFileSync(path, line(700));
    await until(765);
    appendFileSync(path, line(8000));
    await until(8765);
    await follower.stop();
    expect((await store.registry.listSources()).length).toBe(2);
  });

  test('a restart resumes from the checkpoint; stopping commits what was read', async () => {
    const path = join(dir, `${n++}-access.log`);
    writeFileSync(path, line(10));
    let follower = start([path]);
    await until(10);
    appendFileSync(path, line(200));
    const first = await follower.stop();
    // Stopped right after the append: the last pass still took it in.
    expect(await bytesOut()).toBe(210);
    expect(first.records).toBe(2);
    appendFileSync(path, line(3000));
    follower = start([path]);
    await until(3210);
    const second = await follower.stop();
    expect(second.records).toBe(1);
  });

  test('a file that does not exist yet is picked up when it appears', async () => {
    const path = join(dir, `${n++}-later.log`);
    const follower = start([path]);
    await new Promise((r) => setTimeout(r, 150));
    writeFileSync(path, line(77));
    await until(77);
    await follower.stop();
  });
});
