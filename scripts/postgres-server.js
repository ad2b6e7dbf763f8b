// A PostgreSQL server of its own, for tests and for trying Tally's scale-out registry (docs/SCALE.md):
// Debian's PostgreSQL 15, on a loopback port, with its data, socket and log in one directory.
//
//   node scripts/postgres-server.js start DIR   starts it; prints {"url", "port", "pid"} as JSON
//   node scripts/postgres-server.js stop DIR    stops exactly the server `start` started
//
// PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user (the Debian
// package creates it), which then owns DIR.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from './free-port.js';

const BIN = (() => {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.length > 0 ? join(root, versions[0], 'bin') : undefined;
})();
const USER = 'tally';

/** Runs a PostgreSQL program, as `postgres` when this process is root. */
function run(program, args) {
  const command = join(BIN, program);
  if (process.getuid?.() === 0)
    return execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8' });
  return execFileSync(command, args, { encoding: 'utf8' });
}

/** Gives `path` to `postgres` when this process is root. */
function own(path) {
  if (process.getuid?.() !== 0) return;
  const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
  chownSync(path, id('-u'), id('-g'));
}

async function start(dir) {
  if (BIN === undefined) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  own(dir);
  const data = join(dir, 'data');
  const port = await freePort();
  run('initdb', [
    '-D',
    data,
    '-U',
    USER,
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C',
    '--no-instructions',
  ]);
  run('pg_ctl', [
    '-D',
    data,
    '-l',
    join(dir, 'server.log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
    'start',
  ]);
  const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const description = { url: `postgres://${USER}@127.0.0.1:${port}/postgres`, port, pid };
  writeFileSync(join(dir, 'server.json'), JSON.stringify(description));
  return description;
}

function stop(dir) {
  const data = join(dir, 'data');
  if (!existsSync(join(data, 'postmaster.pid'))) return;
  run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
}

const [command, target] = process.argv.slice(2);
if ((command !== 'start' && command !== 'stop') || !target) {
  console.error('usage: node scripts/postgres-server.js start|stop DIR');
  process.exit(2);
}
const dir = resolve(target);
if (command === 'start') console.log(JSON.stringify(await start(dir)));
else stop(dir);
