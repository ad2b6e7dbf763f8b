// A real ClickHouse cluster on this machine, for tests and for trying Tally's scale-out:
// 2 shards x 2 replicas of Debian's clickhouse-server and one Debian ZooKeeper, on loopback ports,
// with everything (config, data, logs) in one directory. docs/SCALE.md shows the same layout on
// real machines.
//
//   node scripts/clickhouse-cluster.js start DIR   starts it; prints {"zookeeper", "cluster", "nodes"} as JSON
//   node scripts/clickhouse-cluster.js stop DIR    stops exactly the processes `start` started
//   node scripts/clickhouse-cluster.js stop-node DIR NAME    stops one node (s1r2, ..., zookeeper)
//   node scripts/clickhouse-cluster.js start-node DIR NAME   starts it again, as it was configured
//
// The processes outlive `start` (they are detached); their pids are kept in DIR/pids.json, and
// `stop` signals those pids only, after checking each is still the program it started.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { freePort } from './free-port.js';

const CLUSTER = 'tally';
const SHARDS = 2;
const REPLICAS = 2;
const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
const CLICKHOUSE_SERVER = '/usr/sbin/clickhouse-server';

/** XML text content: the only values written into the configs are paths and numbers. */
function xml(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function nodeConfig(dir, node, nodes, zookeeperPort) {
  const replicas = (shard) =>
    nodes
      .filter((n) => n.shard === shard)
      .map((n) => `<replica><host>127.0.0.1</host><port>${n.tcp}</port></replica>`)
      .join('');
  const shards = Array.from(
    { length: SHARDS },
    (_, s) => `<shard><internal_replication>true</internal_replication>${replicas(s + 1)}</shard>`,
  ).join('');
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${xml(join(dir, 'server.log'))}</log><errorlog>${xml(join(dir, 'server.err.log'))}</errorlog></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${node.http}</http_port>
  <tcp_port>${node.tcp}</tcp_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <interserver_http_port>${node.interserver}</interserver_http_port>
  <path>${xml(join(dir, 'data'))}/</path>
  <tmp_path>${xml(join(dir, 'tmp'))}/</tmp_path>
  <user_files_path>${xml(join(dir, 'user_files'))}/</user_files_path>
  <format_schema_path>${xml(join(dir, 'format_schemas'))}/</format_schema_path>
  <users_config>${xml(join(dir, 'users.xml'))}</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <remote_servers><${CLUSTER}>${shards}</${CLUSTER}></remote_servers>
  <zookeeper><node><host>127.0.0.1</host><port>${zookeeperPort}</port></node></zookeeper>
  <macros><shard>${node.shard}</shard><replica>${node.name}</replica></macros>
  <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
</yandex>
`;
}

const USERS = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

/** Starts `command` detached, its output in `log`; returns its pid. */
function launch(command, args, log) {
  const out = openSync(log, 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  return child.pid;
}

/** Sends `text` to a port and reads the answer (ZooKeeper's four-letter words). */
function ask(port, text) {
  return new Promise((done) => {
    const socket = new Socket();
    let answer = '';
    socket.setTimeout(1000);
    socket.on('data', (d) => {
      answer += d;
    });
    socket.on('close', () => done(answer));
    socket.on('timeout', () => socket.destroy());
    socket.on('error', () => done(''));
    socket.connect(port, '127.0.0.1', () => socket.end(text));
  });
}

async function until(what, ready, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not start within ${seconds} s`);
}

async function answers(http) {
  try {
    const response = await fetch(`http://127.0.0.1:${http}/?query=SELECT%201`);
    return response.ok && (await response.text()).trim() === '1';
  } catch {
    return false;
  }
}

async function start(dir) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pids = [];
  const save = () => writeFileSync(join(dir, 'pids.json'), JSON.stringify(pids));
  try {
    const zkDir = join(dir, 'zookeeper');
    mkdirSync(join(zkDir, 'data'), { recursive: true });
    const zookeeper = await freePort();
    writeFileSync(
      join(zkDir, 'zoo.cfg'),
      `tickTime=2000\ndataDir=${join(zkDir, 'data')}\nclientPort=${zookeeper}\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\nmaxClientCnxns=0\n4lw.commands.whitelist=ruok\n`,
    );
    pids.push({
      pid: launch(
        'java',
        ['-cp', ZOOKEEPER_JAR, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', join(zkDir, 'zoo.cfg')],
        join(zkDir, 'out.log'),
      ),
      program: 'java',
      name: 'zookeeper',
      command: [
        'java',
        '-cp',
        ZOOKEEPER_JAR,
        'org.apache.zookeeper.server.quorum.QuorumPeerMain',
        join(zkDir, 'zoo.cfg'),
      ],
      log: join(zkDir, 'out.log'),
    });
    save();
    const nodes = [];
    for (let shard = 1; shard <= SHARDS; shard++) {
      for (let replica = 1; replica <= REPLICAS; replica++) {
        nodes.push({
          name: `s${shard}r${replica}`,
          shard,
          replica,
          http: await freePort(),
          tcp: await freePort(),
          interserver: await freePort(),
        });
      }
    }
    await until('ZooKeeper', async () => (await ask(zookeeper, 'ruok')) === 'imok');
    for (const node of nodes) {
      const nodeDir = join(dir, node.name);
      mkdirSync(nodeDir, { recursive: true });
      writeFileSync(join(nodeDir, 'users.xml'), USERS);
      writeFileSync(join(nodeDir, 'config.xml'), nodeConfig(nodeDir, node, nodes, zookeeper));
      pids.push({
        pid: launch(
          CLICKHOUSE_SERVER,
          [`--config-file=${join(nodeDir, 'config.xml')}`],
          join(nodeDir, 'out.log'),
        ),
        program: 'clickhouse',
        name: node.name,
        command: [CLICKHOUSE_SERVER, `--config-file=${join(nodeDir, 'config.xml')}`],
        log: join(nodeDir, 'out.log'),
        http: node.http,
      });
      save();
    }
    for (const node of nodes) await until(`clickhouse-server ${node.name}`, () => answers(node.http));
    const description = {
      zookeeper: { host: '127.0.0.1', port: zookeeper },
      cluster: CLUSTER,
      nodes: nodes.map(({ interserver: _, ...n }) => ({ ...n, url: `http://127.0.0.1:${n.http}` })),
    };
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify(description, null, 2));
    return description;
  } catch (error) {
    await stop(dir);
    throw error;
  }
}

/** True while `pid` runs `program` (a recycled pid running something else is left alone). */
function runs(pid, program) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(program);
  } catch {
    return false;
  }
}

async function stop(dir) {
  let pids;
  try {
    pids = JSON.parse(readFileSync(join(dir, 'pids.json'), 'utf8'));
  } catch {
    return;
  }
  // ClickHouse first, ZooKeeper last: servers that lose ZooKeeper while stopping wait for it.
  const ordered = [...pids].reverse();
  for (const { pid, program } of ordered) if (runs(pid, program)) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 20_000;
  while (ordered.some(({ pid, program }) => runs(pid, program)) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  for (const { pid, program } of ordered) if (runs(pid, program)) process.kill(pid, 'SIGKILL');
  rmSync(join(dir, 'pids.json'), { force: true });
}

/** The pids.json entry of node `name`, or an exit with a message. */
function entryOf(dir, name) {
  const pids = JSON.parse(readFileSync(join(dir, 'pids.json'), 'utf8'));
  const entry = pids.find((p) => p.name === name);
  if (entry === undefined) {
    console.error(`no node ${name} in ${dir} (${pids.map((p) => p.name).join(', ')})`);
    process.exit(2);
  }
  return { pids, entry };
}

/** Stops one node: SIGTERM, or SIGKILL with `--kill` (a crash). */
async function stopNode(dir, name, signal) {
  const { entry } = entryOf(dir, name);
  if (!runs(entry.pid, entry.program)) return;
  process.kill(entry.pid, signal);
  const deadline = Date.now() + 20_000;
  while (runs(entry.pid, entry.program) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  if (runs(entry.pid, entry.program)) process.kill(entry.pid, 'SIGKILL');
}

/** Starts a stopped node again with its own config, data and ports; waits until it answers. */
async function startNode(dir, name) {
  const { pids, entry } = entryOf(dir, name);
  if (runs(entry.pid, entry.program)) return;
  const [program, ...args] = entry.command;
  entry.pid = launch(program, args, entry.log);
  writeFileSync(join(dir, 'pids.json'), JSON.stringify(pids));
  if (entry.http !== undefined) await until(`clickhouse-server ${name}`, () => answers(entry.http));
}

const [command, target, name, flag] = process.argv.slice(2);
const COMMANDS = ['start', 'stop', 'stop-node', 'start-node'];
if (!COMMANDS.includes(command) || !target || (command.endsWith('-node') && !name)) {
  console.error(
    'usage: node scripts/clickhouse-cluster.js start|stop DIR | stop-node DIR NAME [--kill] | start-node DIR NAME',
  );
  process.exit(2);
}
const dir = resolve(target);
if (command === 'start') console.log(JSON.stringify(await start(dir)));
else if (command === 'stop') await stop(dir);
else if (command === 'stop-node') await stopNode(dir, name, flag === '--kill' ? 'SIGKILL' : 'SIGTERM');
else await startNode(dir, name);
