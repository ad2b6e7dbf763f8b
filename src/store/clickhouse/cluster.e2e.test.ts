/**
 * The cluster the ClickHouse backend runs on, as scripts/clickhouse-cluster.js starts it (2 shards
 * x 2 replicas of Debian's clickhouse-server, one ZooKeeper): replicated tables under a Distributed
 * table hold every row on both replicas of its shard, and distinct viewers are counted exactly
 * across shards. Values reach the SQL text only through sql-literal.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../../test-support/demo-process.js';
import { arrayLiteral, int64Literal, uint64Literal } from './sql-literal.js';

interface ClusterNode {
  name: string;
  shard: number;
  replica: number;
  url: string;
}

const SCRIPT = join(PROJECT_ROOT, 'scripts', 'clickhouse-cluster.js');
// .ci/run installs Debian's clickhouse-server and zookeeper; a machine without them skips this file.
const INSTALLED = existsSync('/usr/sbin/clickhouse-server') && existsSync('/usr/share/java/zookeeper.jar');

async function sql(node: ClusterNode, text: string): Promise<string> {
  const response = await fetch(node.url, { method: 'POST', body: text });
  const body = await response.text();
  if (!response.ok) throw new Error(`${node.name}: ${body.trim()}`);
  return body.trim();
}

describe.skipIf(!INSTALLED)('a 2 x 2 ClickHouse cluster on loopback', () => {
  let dir = '';
  let nodes: ClusterNode[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tally-cluster-'));
    const out = execFileSync(process.execPath, [SCRIPT, 'start', dir], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    nodes = (JSON.parse(out) as { nodes: ClusterNode[] }).nodes;
  }, 130_000);
  afterAll(() => {
    if (dir) execFileSync(process.execPath, [SCRIPT, 'stop', dir], { timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
  }, 70_000);

  test('rows land on both replicas of their shard; distinct viewers are exact across shards', async () => {
    expect(nodes.map((n) => [n.shard, n.replica])).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
      [2, 2],
    ]);
    for (const node of nodes) {
      await sql(
        node,
        `CREATE TABLE viewers_local (bucket Int64, cell Int64, viewer UInt64)
         ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/viewers_local', '{replica}')
         ORDER BY (cell, bucket, viewer)`,
      );
      await sql(
        node,
        `CREATE TABLE viewers AS viewers_local ENGINE = Distributed(tally, default, viewers_local, rand())`,
      );
    }
    // Shard 1 gets viewers 1..1000, shard 2 viewers 501..1500: 2,000 rows, 1,500 distinct viewers.
    const rows = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => {
        const viewer = BigInt(from + i) * 2n ** 40n; // large: past 2^53, exact only as UInt64
        return `(${int64Literal(1_780_000_000_000)}, ${int64Literal(-(2n ** 62n))}, ${uint64Literal(viewer)})`;
      }).join(', ');
    const [s1r1, s1r2, s2r1, s2r2] = nodes as [ClusterNode, ClusterNode, ClusterNode, ClusterNode];
    await sql(s1r1, `INSERT INTO viewers_local VALUES ${rows(1, 1000)}`);
    await sql(s2r1, `INSERT INTO viewers_local VALUES ${rows(501, 1500)}`);

    // The second replica of each shard fetches the part from the first.
    for (const node of [s1r2, s2r2]) {
      const deadline = Date.now() + 30_000;
      while ((await sql(node, 'SELECT count() FROM viewers_local')) !== '1000' && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      expect(await sql(node, 'SELECT count() FROM viewers_local')).toBe('1000');
    }
    for (const node of nodes) {
      expect(await sql(node, 'SELECT count(), uniqExact(viewer) FROM viewers')).toBe('2000\t1500');
    }
    // Each shard's own distinct count, summed, would say 2,000; the cluster's answer above is 1,500.
    const perShard = await Promise.all(
      [s1r1, s2r1].map((n) => sql(n, 'SELECT uniqExact(viewer) FROM viewers_local')),
    );
    expect(perShard.map(Number)).toEqual([1000, 1000]);
    const picked = arrayLiteral([uint64Literal(1n * 2n ** 40n), uint64Literal(1500n * 2n ** 40n)]);
    expect(await sql(s2r2, `SELECT count() FROM viewers WHERE has(${picked}, viewer)`)).toBe('2');
  }, 90_000);
});
