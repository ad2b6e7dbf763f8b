/**
 * The store contract (store-contract.ts), unchanged, on the ClickHouse backend: usage on Debian's
 * ClickHouse 18.16 as one server and as the 2 x 2 cluster, and on a current ClickHouse (embedded,
 * chdb), with the registry on Debian's PostgreSQL in every case.
 */
import { Session } from 'chdb';
import { afterAll, beforeAll, describe } from 'vitest';
import { describeStoreContract } from '../store-contract.js';
import { ClickHouseLayout } from './clickhouse-layout.js';
import { ClickHouseStore } from './clickhouse-store.js';
import { HttpSession } from './http-session.js';
import { ChdbSession } from './test-support/chdb-session.js';
import { SCALE_OUT_INSTALLED, ScaleOutServers } from './test-support/scale-out-servers.js';

describe.skipIf(!SCALE_OUT_INSTALLED)('the ClickHouse backend', () => {
  const servers = new ScaleOutServers();
  let chdb: Session | undefined;
  beforeAll(() => servers.start(), 180_000);
  afterAll(() => {
    chdb?.cleanup();
    servers.stop();
  }, 120_000);

  const open = async (cluster: boolean) => {
    const name = servers.freshName();
    const node = servers.nodes[0];
    if (node === undefined) throw new Error('the cluster did not start');
    const layout = new ClickHouseLayout(name, cluster ? servers.cluster : undefined);
    return ClickHouseStore.open(new HttpSession(node.url), layout, await servers.registryUrl(name));
  };

  describeStoreContract('clickhouse 18.16, one server', () => open(false));
  describeStoreContract('clickhouse 18.16, 2 shards x 2 replicas', () => open(true));
  describeStoreContract('clickhouse current (chdb), one server', async () => {
    chdb ??= new Session();
    const name = servers.freshName();
    return ClickHouseStore.open(
      new ChdbSession(chdb),
      new ClickHouseLayout(name, undefined),
      await servers.registryUrl(name),
    );
  });
});
