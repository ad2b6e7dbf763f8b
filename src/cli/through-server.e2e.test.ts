/**
 * End-to-end: every data command run on a data dir, through the server that holds it, and
 * through `--server URL` with `TALLY_KEY` prints the same output and exits with the same code.
 * Also: a server that does not answer (stopped with SIGSTOP) is said at once, never waited on;
 * `import --follow` through the server follows the file server-side; an HTTPS server's own
 * certificate is accepted by the CLI on its machine (pinned), whatever name it carries.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { sample } from '../test-support/samples.js';
import { selfSignedCert } from '../test-support/self-signed-cert.js';
import { startTallyServer, TALLY_BIN, type TallyServer } from '../test-support/tally-server.js';
import { useTempDir } from '../test-support/temp-dir.js';

const tmp = useTempDir('tally-through-');

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** Runs the built CLI with `args` (and `env`), as a user would. */
function tally(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [TALLY_BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('close', (code) => done({ code, out, err }));
  });
}

const servers: TallyServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

async function serve(args: readonly string[]): Promise<TallyServer> {
  const server = await startTallyServer(args);
  servers.push(server);
  return server;
}

const edge = sample('nginx_edgecases_elastic_beats_test.log');
const apache = sample('apache_combined_elastic_examples.log');
const REPORT = ['report', '--account', 'acme', '--from', '2015-05-17', '--to', '2015-05-21'];

/** The commands a user runs, in order: every kind of command, successes and refusals. */
const SCRIPT: readonly (readonly string[])[] = [
  ['accounts', 'add', 'acme', '--name', 'Acme', '--timezone', 'Europe/Berlin', '--number', '7'],
  ['accounts', 'add', 'zeta', '--timezone', 'Mars/Base'],
  ['accounts', 'list'],
  ['accounts', 'list', '--json'],
  ['accounts', 'suspend', 'acme'],
  ['accounts', 'resume', 'acme'],
  ['accounts', 'suspend', 'nobody'],
  ['keys', 'create', '--account', 'acme', '--json'],
  ['keys', 'create', '--account', 'nobody'],
  ['keys', 'create', '--scheme', 'zendrive', '--account', 'acme'],
  ['keys', 'list'],
  ['keys', 'list', '--json'],
  ['keys', 'revoke', 'tk_nonexistent'],
  ['catalog', 'add', 'stream-target', '--account', 'acme', '--id', 'livest01', '--match-app', 'logs'],
  [
    'catalog',
    'add',
    'transcoder',
    '--account',
    'acme',
    '--id',
    'trans001',
    '--billing-mode',
    'twentyfour_seven',
  ],
  ['catalog', 'add', 'stream-target', '--account', 'nobody', '--id', 'livest02'],
  ['catalog', 'list'],
  ['catalog', 'list', '--json'],
  ['catalog', 'delete', 'stream-target', 'livest01'],
  ['catalog', 'delete', 'vod-stream', 'nonexist'],
  ['import', '--account', 'acme', edge, apache],
  ['import', '--account', 'acme', '--json', edge, apache],
  ['import', '--format', 's3', sample('apache_edgecases_elastic_beats_test.log')],
  ['import', '--account', 'nobody', edge],
  [...REPORT],
  [...REPORT, '--format', 'json', '--granularity', 'day', '--group-by', 'app'],
  [...REPORT, '--format', 'csv', '--group-by', 'resource', '--metrics', 'requests,bytes_out'],
  [...REPORT, '--format', 'json', '--group-by', 'resource', '--limit', '3'],
  [...REPORT, '--group-by', 'planet'],
  ['report', '--account', 'nobody', '--from', '2015-05-17', '--to', '2015-05-21'],
  ['sources', 'list'],
  ['sources', 'list', '--json'],
  ['sources', 'forget', edge],
  ['sources', 'forget', 'src_nonexistent'],
  ['billing', 'snapshot', '--json'],
  ['retention', 'apply'],
  ['retention', 'apply', '--json'],
];

/** What differs between two runs by nature: secrets, key ids, clock times, durations, data dir paths. */
function normalize(run: Run, dataDir: string): Run {
  const year = new Date().getUTCFullYear();
  const clean = (text: string) =>
    text
      .replaceAll(dataDir, 'DATA')
      .replace(/tally_tk_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{43}/g, 'SECRET')
      .replace(/tk_[A-Za-z0-9_-]{12}/g, 'KEY_ID')
      .replace(/ZD[A-Z0-9]{18}/g, 'ZD_KEY')
      .replace(/\b[A-Za-z0-9]{40}\b/g, 'ZD_SECRET')
      .replace(new RegExp(`${year}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z`, 'g'), 'NOW')
      .replace(/"seconds":[\d.e-]+/g, '"seconds":S')
      .replace(/in \d+\.\d\d s \(\d+ lines\/s\)/g, 'in S')
      .replace(/rejects\/[^"\s]+/g, 'rejects/FILE');
  // Table columns are as wide as their longest value: normalized values may leave padding apart.
  const squeeze = (text: string) => clean(text).replace(/ {2,}/g, '  ').replace(/-{2,}/g, '--');
  return { code: run.code, out: squeeze(run.out), err: squeeze(run.err) };
}

async function runScript(target: (args: readonly string[]) => Promise<Run>, dataDir: string) {
  const runs: Run[] = [];
  for (const args of SCRIPT) runs.push(normalize(await target(args), dataDir));
  return runs;
}

describe('the CLI through a server', () => {
  test('every command prints the same and exits the same: on the data dir, through the server holding it, through --server', async () => {
    // Each data dir has had a server start once (which made its admin key), so key lists match.
    const localDir = join(tmp, 'local');
    await (await serve(['--data', localDir])).stop();
    const heldDir = join(tmp, 'held');
    await serve(['--data', heldDir]);
    const remoteDir = join(tmp, 'remote');
    const remote = await serve(['--data', remoteDir]);

    const [local, held, viaUrl] = await Promise.all([
      runScript((args) => tally([...args, '--data', localDir]), localDir),
      runScript((args) => tally([...args, '--data', heldDir]), heldDir),
      runScript(
        (args) => tally([...args, '--server', remote.url], { TALLY_KEY: remote.adminKey }),
        remoteDir,
      ),
    ]);
    // The script covers successes and each kind of refusal.
    expect(local.map((r) => r.code)).toContain(0);
    expect(local.map((r) => r.code)).toContain(1);
    expect(local.map((r) => r.code)).toContain(2);
    expect(local.find((r) => r.out.includes('"records":0'))).toBeDefined();
    for (const [i, args] of SCRIPT.entries()) {
      expect({ args, ...held[i] }).toEqual({ args, ...local[i] });
      expect({ args, ...viaUrl[i] }).toEqual({ args, ...local[i] });
    }
  }, 300_000);

  test('a server that holds the data dir but does not answer is said at once, exit 1', async () => {
    const dir = join(tmp, 'stopped');
    const server = await serve(['--data', dir]);
    server.child.kill('SIGSTOP');
    try {
      const started = Date.now();
      const r = await tally(['accounts', 'list', '--data', dir]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(
        /cannot reach the tally server at http:\/\/127\.0\.0\.1:\d+ \(pid \d+\).*no answer in 5 s/,
      );
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      server.child.kill('SIGCONT');
    }
    const none = await tally(['accounts', 'list', '--server', 'http://127.0.0.1:9'], { TALLY_KEY: 'x' });
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/cannot reach the server http:\/\/127\.0\.0\.1:9 \(.*ECONNREFUSED/);
    const noKey = await tally(['accounts', 'list', '--server', server.url], { TALLY_KEY: '' });
    expect(noKey.code).toBe(2);
    expect(noKey.err).toContain('--server: set TALLY_KEY');
  });

  test('import --follow through the server follows the file server-side until Ctrl-C', async () => {
    const dir = join(tmp, 'follow');
    await serve(['--data', dir]);
    // The first 400 lines now, the rest while it follows; totals checked against the file itself.
    const lines = readFileSync(apache, 'utf8').split('\n').slice(0, 1000);
    const bytes = lines.reduce((sum, line) => {
      const size = / \d{3} (\d+) /.exec(line)?.[1];
      return sum + (size === undefined ? 0 : Number(size));
    }, 0);
    const log = join(tmp, 'growing.log');
    writeFileSync(log, `${lines.slice(0, 400).join('\n')}\n`);
    const child = spawn(process.execPath, [TALLY_BIN, 'import', '--follow', '--json', log, '--data', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const exited = new Promise<number | null>((done) => child.once('exit', done));
    const sourceLines = async () => {
      const r = await tally(['sources', 'list', '--json', '--data', dir]);
      return (JSON.parse(r.out) as { sources: { lines: number }[] }).sources[0]?.lines ?? 0;
    };
    const until = async (wanted: number) => {
      for (let i = 0; i < 100 && (await sourceLines()) < wanted; i++)
        await new Promise((r) => setTimeout(r, 200));
    };
    await until(400);
    appendFileSync(log, `${lines.slice(400).join('\n')}\n`);
    await until(1000);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ lines: 1000, records: 1000, rejected: 0, bytes_out: bytes });
    expect(await sourceLines()).toBe(1000);
  }, 120_000);

  test('the CLI on the machine of an HTTPS server accepts exactly its certificate', async () => {
    const dir = join(tmp, 'tls');
    // A name the URL (127.0.0.1) does not carry: the CLI pins the certificate, not the name.
    const { key, cert } = selfSignedCert(tmp, 'tally.example');
    const server = await serve(['--data', dir, '--tls-cert', cert, '--tls-key', key]);
    expect(server.url).toMatch(/^https:/);
    const r = await tally(['accounts', 'list', '--json', '--data', dir]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).accounts.map((a: { id: string }) => a.id)).toEqual(['default']);
    // Through --server the usual verification applies: a self-signed certificate is refused.
    const remote = await tally(['accounts', 'list', '--server', server.url], { TALLY_KEY: server.adminKey });
    expect(remote.code).toBe(1);
    expect(remote.err).toMatch(/cannot reach the server https:/);
  }, 60_000);
});
