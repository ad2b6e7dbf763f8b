/**
 * The servers of a scale-out store for tests, started as an operator starts them: the 2 x 2
 * ClickHouse cluster of scripts/clickhouse-cluster.js and the PostgreSQL of
 * scripts/postgres-server.js, each in a temporary directory, stopped (exactly those processes) at
 * the end. Each store a test opens gets a database of its own on both, so tests share nothing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../test-support/demo-process.js';
import { createDatabase } from '../../postgres/test-support/create-database.js';

export interface ClusterNode {
  name: string;
  shard: number;
  replica: number;
  http: number;
  url: string;
}

const CLUSTER_SCRIPT = join(PROJECT_ROOT, 'scripts', 'clickhouse-cluster.js');
const POSTGRES_SCRIPT = join(PROJECT_ROOT, 'scripts', 'postgres-server.js');

/** Whether this machine has Debian's clickhouse-server, zookeeper and postgresql (.ci/run installs them). */
export const SCALE_OUT_INSTALLED =
  existsSync('/usr/sbin/clickhouse-server') &&
  existsSync('/usr/share/java/zookeeper.jar') &&
  existsSync('/usr/lib/postgresql') &&
  readdirSync('/usr/lib/postgresql').length > 0;

export class ScaleOutServers {
  nodes: ClusterNode[] = [];
  cluster = 'tally';
  private postgresUrl = '';
  private clusterDir = '';
  private postgresDir = '';
  private databases = 0;

  start(): void {
    this.clusterDir = mkdtempSync(join(tmpdir(), 'tally-cluster-'));
    const cluster = JSON.parse(
      execFileSync(process.execPath, [CLUSTER_SCRIPT, 'start', this.clusterDir], {
        encoding: 'utf8',
        timeout: 120_000,
      }),
    ) as { cluster: string; nodes: ClusterNode[] };
    this.nodes = cluster.nodes;
    this.cluster = cluster.cluster;
    this.postgresDir = mkdtempSync(join(tmpdir(), 'tally-postgres-'));
    const postgres = JSON.parse(
      execFileSync(process.execPath, [POSTGRES_SCRIPT, 'start', this.postgresDir], {
        encoding: 'utf8',
        timeout: 60_000,
      }),
    ) as { url: string };
    this.postgresUrl = postgres.url;
  }

  stop(): void {
    for (const [script, dir] of [
      [CLUSTER_SCRIPT, this.clusterDir],
      [POSTGRES_SCRIPT, this.postgresDir],
    ] as const) {
      if (!dir) continue;
      execFileSync(process.execPath, [script, 'stop', dir], { timeout: 60_000 });
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Stops one node of the cluster (`s1r1` ... `s2r2`, `zookeeper`); `kill`: SIGKILL, as a crash. */
  stopNode(name: string, kill = false): void {
    execFileSync(
      process.execPath,
      [CLUSTER_SCRIPT, 'stop-node', this.clusterDir, name, ...(kill ? ['--kill'] : [])],
      {
        timeout: 60_000,
      },
    );
  }

  /** Starts a stopped node again, as it was; returns once it answers. */
  startNode(name: string): void {
    execFileSync(process.execPath, [CLUSTER_SCRIPT, 'start-node', this.clusterDir, name], {
      timeout: 90_000,
    });
  }

  /**
   * A `--store` URL for a fresh database on the cluster (through its first node) with a fresh
   * registry database.
   */
  async storeUrl(): Promise<string> {
    const name = this.freshName();
    const node = this.nodes[0];
    if (node === undefined) throw new Error('the cluster is not started');
    const registry = await this.registryUrl(name);
    return `clickhouse://127.0.0.1:${node.http}/${name}?cluster=${this.cluster}&registry=${encodeURIComponent(registry)}`;
  }

  /** A fresh name for a database, the same on ClickHouse and PostgreSQL. */
  freshName(): string {
    this.databases += 1;
    return `tally_${process.pid}_${this.databases}`;
  }

  /** Creates PostgreSQL database `name` and returns its URL. */
  registryUrl(name: string): Promise<string> {
    return createDatabase(this.postgresUrl, name);
  }
}
