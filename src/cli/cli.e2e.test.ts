/** End-to-end: the built CLI as a user runs it (requires `npm run build`, which `npm test` does first). */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { demoConfig, generateDays } from '../demo/generate-logs.js';
import { sample } from '../test-support/samples.js';
import { startTallyServer, type TallyServer } from '../test-support/tally-server.js';
import { useTempDir } from '../test-support/temp-dir.js';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/tally.js');
/** The body GET /v1/usage answered, compared with `report --format json` once the server has stopped. */
let reportedByHttp = '';
const tmp = useTempDir('tally-cli-');
const data = join(tmp, 'data');

/** Runs the built CLI on the data dir `dir`, as a user would. */
function tallyAt(dir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args, '--data', dir], {
    encoding: 'utf8',
    timeout: 60_000,
    // Reports print every row: more than spawnSync's 1 MiB default.
    maxBuffer: 1 << 30,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function tally(...args: string[]) {
  return tallyAt(data, ...args);
}

/** The figures of `tally import`'s human summary line, named as in the --json summary. */
function textSummary(stdout: string) {
  const m =
    /imported (\d+) file\(s\): (\d+) lines, (\d+) records, (\d+) rejected, (\d+) skipped, (\d+) bytes out/.exec(
      stdout,
    );
  if (!m) throw new Error(`no summary line in: ${stdout}`);
  const [files, lines, records, rejected, skipped_lines, bytes_out] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    files,
    lines,
    records,
    rejected,
    skipped_lines,
    bytes_out,
    rejects_file: /rejected lines kept in (\S+)/.exec(stdout)?.[1] ?? '',
  };
}

const REPORT = [
  'report',
  '--account',
  'default',
  '--from',
  '2015-05-17',
  '--to',
  '2015-05-21',
  '--tz',
  'UTC',
  '--granularity',
  'day',
  '--metrics',
  'requests,bytes_out,unique_viewers',
];

describe('tally CLI', () => {
  beforeAll(() => {
    writeFileSync(
      join(tmp, 'tally.json'),
      JSON.stringify({
        accounts: [{ id: 'vhosts', timezone: 'Europe/Paris', match: { hosts: ['vhost1.domaine.fr'] } }],
      }),
    );
  });

  test('config accounts reach the store at every start, changed ones included', () => {
    const dir = join(tmp, 'accounts-sync');
    const config = join(tmp, 'accounts-sync.json');
    const accountsOf = (account: { timezone: string; billingDay?: number }) => {
      writeFileSync(config, JSON.stringify({ accounts: [{ id: 'acme', name: 'Acme', ...account }] }));
      const r = spawnSync(
        process.execPath,
        [BIN, 'accounts', 'list', '--json', '--data', dir, '--config', config],
        {
          encoding: 'utf8',
        },
      );
      expect(r.status).toBe(0);
      return (JSON.parse(r.stdout) as { accounts: { id: string }[] }).accounts.find((a) => a.id === 'acme');
    };
    const first = accountsOf({ timezone: 'UTC', billingDay: 5 });
    expect(first).toMatchObject({ timezone: 'UTC', billingDay: 5 });
    expect(accountsOf({ timezone: 'UTC', billingDay: 5 })).toEqual(first);
    // A changed time zone is written; a billing day the config leaves out keeps the stored one.
    expect(accountsOf({ timezone: 'Asia/Kolkata' })).toEqual({ ...first, timezone: 'Asia/Kolkata' });
  });

  test('import --json prints exactly the DESIGN summary', () => {
    const files = [
      'apache_combined_elastic_examples.log',
      'apache_edgecases_elastic_beats_test.log',
      'nginx_edgecases_elastic_beats_test.log',
    ].map(sample);
    const r = tally('import', '--json', '--config', join(tmp, 'tally.json'), ...files);
    // stdout holds only the summary; which format `auto` chose goes to stderr.
    expect(r.err.trim().split('\n')).toEqual(files.map((f) => `${f}: detected format combined`));
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out);
    expect(Object.keys(summary)).toEqual([
      'files',
      'lines',
      'records',
      'rejected',
      'skipped_lines',
      'bytes_out',
      'seconds',
      'rejects_file',
    ]);
    expect(summary).toMatchObject({
      files: 3,
      lines: 10_014,
      records: 10_014,
      rejected: 0,
      skipped_lines: 0,
      bytes_out: 2_747_282_740 + 35_037 + 36_403,
      rejects_file: null,
    });
    const again = JSON.parse(tally('import', '--json', ...files).out);
    expect(again).toMatchObject({ files: 3, lines: 0, records: 0 });
  });

  test('the vhost line went to the account matching its host', () => {
    const r = tally(
      'report',
      '--account',
      'vhosts',
      '--from',
      '2019-07-04',
      '--to',
      '2019-07-05',
      '--format',
      'csv',
      '--metrics',
      'requests,bytes_out',
    );
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      'window_start,window_end,requests,bytes_out\r\n2019-07-04T00:00:00+02:00,2019-07-05T00:00:00+02:00,1,32953\r\n',
    );
  });

  test('report prints a table, and errors exit 2 naming the flag', () => {
    const table = tally(...REPORT);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/window_start\s+window_end\s+requests\s+bytes_out\s+unique_viewers/);
    const bad = tally(...REPORT, '--group-by', 'planet');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/group_by: unknown dimension 'planet'/);
    expect(tally('report', '--account', 'default', '--to', '2015-05-21').code).toBe(2);
    const unaligned = tally(...REPORT.map((a) => (a === '2015-05-17' ? '2015-05-17T10:05:00Z' : a)));
    expect(unaligned.code).toBe(2);
    expect(unaligned.err).toMatch(/from: .*15-minute boundary/);
    expect(tally('import', '--format', 'bogus', sample('apache_edgecases_elastic_beats_test.log')).code).toBe(
      2,
    );
  });

  test('report prints every row in every format; --limit cuts only with a word on stderr', () => {
    // 2,750 videos, video i delivering 1000 + i bytes on 2 Feb 2021: more rows than a page.
    const n = 2750;
    const dir = join(tmp, 'many-rows');
    const file = join(tmp, 'many-rows.jsonl');
    writeFileSync(
      file,
      `${Array.from({ length: n }, (_, i) =>
        JSON.stringify({
          time: '2021-02-02T10:00:00Z',
          app: 'many',
          resource: `v${i}.mp4`,
          bytesOut: 1000 + i,
        }),
      ).join('\n')}\n`,
    );
    const run = (...args: string[]) => tallyAt(dir, ...args);
    expect(run('import', '--format', 'jsonl', file).code).toBe(0);
    const query = ['report', '--account', 'default', '--from', '2021-02-01', '--to', '2021-03-01'];
    const byVideo = [...query, '--group-by', 'resource', '--metrics', 'bytes_out'];
    const expectedBytes = n * 1000 + (n * (n - 1)) / 2;

    const csv = run(...byVideo, '--format', 'csv');
    expect(csv.code).toBe(0);
    expect(csv.err).toBe('');
    const lines = csv.out.split('\r\n').filter((l) => l !== '');
    expect(lines).toHaveLength(n + 1);
    expect(lines.slice(1).reduce((sum, l) => sum + Number(l.split(',').at(-1)), 0)).toBe(expectedBytes);

    const json = JSON.parse(run(...byVideo, '--format', 'json').out);
    expect(json.rows).toHaveLength(n);
    expect(json.next_cursor).toBeNull();
    expect(new Set(json.rows.map((r: { resource: string }) => r.resource)).size).toBe(n);

    const table = run(...byVideo);
    expect(table.out.split('\n').filter((l) => l.includes('.mp4'))).toHaveLength(n);

    const page = run(...byVideo, '--format', 'csv', '--limit', '1000');
    expect(page.code).toBe(0);
    expect(page.out.split('\r\n').filter((l) => l !== '')).toHaveLength(1001);
    expect(page.err).toMatch(/1000 rows shown, more remain .*--cursor \S+/);
  });

  test('the wrong --format consumes nothing and exits 1 naming the likely format; a damaged .gz exits 1 after the rest', () => {
    const dir = join(tmp, 'wrong-format');
    const run = (...args: string[]) => tallyAt(dir, ...args);
    const s3 = sample('s3_dandi_s3-log-parser.log');
    const s3Lines = readFileSync(s3, 'utf8')
      .split('\n')
      .filter((l) => l !== '').length;
    const wrong = run('import', '--format', 'combined', '--json', s3);
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.out)).toMatchObject({ files: 1, lines: 0, records: 0, rejected: 0 });
    expect(wrong.err).toMatch(
      new RegExp(
        `nothing imported from .*: ${s3Lines} of ${s3Lines} lines rejected as combined .*try --format s3`,
      ),
    );
    expect(JSON.parse(run('sources', 'list', '--json').out).sources).toEqual([]);
    const right = run('import', '--format', 's3', '--json', s3);
    expect(right.code).toBe(0);
    expect(JSON.parse(right.out)).toMatchObject({ lines: s3Lines, records: s3Lines, rejected: 0 });

    const whole = gzipSync(readFileSync(sample('apache_combined_elastic_examples.log')));
    const damaged = join(tmp, 'damaged.log.gz');
    writeFileSync(damaged, whole.subarray(0, whole.length >> 1));
    const more = join(tmp, 'more.log');
    writeFileSync(more, readFileSync(sample('nginx_rtmp_obrienlabs_readme.log')));
    const partly = run('import', damaged, more);
    expect(partly.code).toBe(1);
    expect(partly.out).toMatch(/imported 2 file\(s\)/);
    expect(partly.err).toMatch(/damaged.log.gz .*damaged gzip content at content byte \d+/);
    expect(partly.err).toMatch(/more.log \[rtmp \(detected\).*11 records/);
    expect(partly.err).toMatch(/1 of 2 file\(s\) not imported whole/);
  });

  test('the data dir is made private: 0700 folders and 0600 files, an existing loose one included', () => {
    const dir = join(tmp, 'loose');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const run = (...args: string[]) => tallyAt(dir, ...args);
    const broken = join(tmp, 'broken.log');
    writeFileSync(
      broken,
      'not a log line\n'.repeat(3) + readFileSync(sample('apache_combined_elastic_examples.log'), 'utf8'),
    );
    expect(run('import', '--format', 'combined', broken).code).toBe(0);
    const modes = () =>
      Object.fromEntries(
        [
          dir,
          ...readdirSync(dir).map((n) => join(dir, n)),
          ...readdirSync(join(dir, 'rejects')).map((n) => join(dir, 'rejects', n)),
        ].map((p) => [p.slice(dir.length) || '/', (statSync(p).mode & 0o777).toString(8)]),
      );
    const first = modes();
    expect(first['/']).toBe('700');
    expect(Object.entries(first).filter(([, m]) => m !== '700' && m !== '600')).toEqual([]);
    expect(first['/tally.duckdb']).toBe('600');
    expect(first['/install.key']).toBe('600');
    // An older install left them readable: the next command makes them private again.
    for (const p of Object.keys(first))
      chmodSync(join(dir, p), p === '/' || p === '/rejects' ? 0o755 : 0o644);
    expect(run('sources', 'list').code).toBe(0);
    expect(modes()).toEqual(first);
  });

  test('serve on a port in use says which port and what to do, without a stack, and exits 1', async () => {
    const busy = createServer();
    await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
    const { port } = busy.address() as AddressInfo;
    try {
      const r = await new Promise<{ code: number | null; err: string }>((done) => {
        const child = spawn(process.execPath, [
          BIN,
          'serve',
          '--port',
          String(port),
          '--data',
          join(tmp, 'busy'),
        ]);
        let err = '';
        child.stderr.on('data', (chunk) => {
          err += chunk;
        });
        child.on('close', (code) => done({ code, err }));
      });
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        `tally: --port: 127.0.0.1:${port} is already in use (another tally serve, or another server): stop it, or pass --port with a free port\n`,
      );
    } finally {
      busy.close();
    }
  });

  test('retention apply deletes usage older than retentionDays whole days; without the setting, nothing', () => {
    const dir = join(tmp, 'retention');
    const run = (...args: string[]) => tallyAt(dir, ...args);
    // One record 10 days ago and one 1 day ago (UTC noon), in the default account (UTC).
    const day = (ago: number) =>
      new Date(Date.parse(new Date().toISOString().slice(0, 10)) - ago * 86_400_000);
    const records = [10, 1].map((ago, i) =>
      JSON.stringify({
        time: new Date(day(ago).getTime() + 12 * 3_600_000).toISOString(),
        bytesOut: 1000 * (i + 1),
      }),
    );
    const file = join(tmp, 'retention.jsonl');
    writeFileSync(file, `${records.join('\n')}\n`);
    expect(run('import', '--format', 'jsonl', file).code).toBe(0);
    expect(run('retention', 'apply').out).toBe(
      'no retentionDays in the config: all usage is kept, nothing deleted\n',
    );
    writeFileSync(join(dir, 'tally.json'), JSON.stringify({ retentionDays: 5 }));
    const applied = run('retention', 'apply', '--json');
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.out).accounts).toContainEqual({
      account: 'default',
      kept_from: day(5).toISOString(),
      deleted_rows: 1,
    });
    const from = day(30).toISOString().slice(0, 10);
    const to = day(-1).toISOString().slice(0, 10);
    const total = run(
      'report',
      '--account',
      'default',
      '--from',
      from,
      '--to',
      to,
      '--metrics',
      'bytes_out',
      '--format',
      'json',
    );
    expect(JSON.parse(total.out).rows[0].bytes_out).toBe(2000);
  });

  test('keys and sources', () => {
    const key = JSON.parse(
      tally('keys', 'create', '--account', 'default', '--scheme', 'native', '--json').out,
    );
    expect(Object.keys(key)).toEqual(['account', 'scheme', 'key', 'secret']);
    expect(key).toMatchObject({ account: 'default', scheme: 'native' });
    expect(tally('keys', 'list').out).toContain(key.key);
    expect(tally('keys', 'revoke', key.key).code).toBe(0);
    expect(tally('keys', 'revoke', key.key).code).toBe(2);
    const sources = JSON.parse(tally('sources', 'list', '--json').out).sources;
    expect(sources).toHaveLength(3);
    const edge = sources.find((s: { path: string }) =>
      s.path.endsWith('nginx_edgecases_elastic_beats_test.log'),
    );
    expect(tally('sources', 'forget', edge.id).code).toBe(0);
    expect(tally('sources', 'forget', edge.id).code).toBe(2);
    expect(
      JSON.parse(tally('import', '--json', sample('nginx_edgecases_elastic_beats_test.log')).out).records,
    ).toBe(7);
  });

  // The same file for both configs, written once.
  let written: { big: string; lines: string[]; longLine: number } | undefined;
  const bigLog = () => {
    if (written) return written;
    // 40 MiB: past the size at which imports use workers.
    const big = join(tmp, 'big.log');
    let text = '';
    for (const { text: day } of generateDays({
      start: Date.parse('2026-10-01T00:00:00Z'),
      days: 8,
      sessionsPerDay: 1200,
      seed: 5,
      withHost: false,
    }))
      text += day;
    const lines = text.split('\n');
    for (let i = 1000; i < lines.length; i += 50_000) lines[i] = `garbage line ${i}`;
    // A line past the limit, well after the first chunks: its number must follow every line before it.
    const longLine = lines.length - 20_000;
    lines[longLine] = 'x'.repeat(9 * 1024 * 1024);
    writeFileSync(big, lines.join('\n'));
    written = { big, lines, longLine };
    return written;
  };

  // With path rules a chunk folds into few rows and workers parse the whole file; without them
  // nearly every line is a row of its own, and after the first chunk the rest is parsed inline.
  test.each([
    ['rules', demoConfig()],
    ['defaults', {}],
  ])(
    'worker threads and a single thread import a large file identically, rejects included (config: %s)',
    (name, config) => {
      const { big, lines, longLine } = bigLog();
      expect(statSync(big).size).toBeGreaterThan(40 * 1024 * 1024);
      const configFile = join(tmp, `${name}.json`);
      writeFileSync(configFile, JSON.stringify(config));
      const run = (workers: string) => {
        const dir = join(tmp, `${name}-w${workers}`);
        const r = spawnSync(
          process.execPath,
          [BIN, 'import', '--workers', workers, '--data', dir, '--config', configFile, big],
          { encoding: 'utf8' },
        );
        expect(r.status).toBe(0);
        // The human output, not --json: it also says whether worker threads did the parsing.
        const summary = textSummary(r.stdout);
        const threads = /parsed with (\d+) worker threads/.exec(r.stderr)?.[1] ?? '0';
        const report = spawnSync(
          process.execPath,
          [
            BIN,
            'report',
            '--format',
            'json',
            '--data',
            dir,
            '--config',
            configFile,
            '--account',
            'default',
            '--from',
            '2026-10-01',
            '--to',
            '2026-10-10',
            '--granularity',
            'day',
            '--group-by',
            'resource,rendition',
          ],
          // Every row is printed (tens of megabytes without path rules), beyond spawnSync's 1 MiB default.
          { encoding: 'utf8', maxBuffer: 1 << 30 },
        );
        expect(report.status).toBe(0);
        const rejects = readFileSync(summary.rejects_file, 'utf8')
          .split('\n')
          .slice(1)
          .map((l) => l.split('\t').slice(1, 3).join(' '));
        // The checkpoint is the whole file, so importing it again reads and adds nothing.
        const sources = spawnSync(process.execPath, [BIN, 'sources', 'list', '--json', '--data', dir], {
          encoding: 'utf8',
        });
        expect(JSON.parse(sources.stdout).sources.map((s: { offset: number }) => s.offset)).toEqual([
          statSync(big).size,
        ]);
        const again = spawnSync(
          process.execPath,
          [BIN, 'import', '--json', '--workers', workers, '--data', dir, '--config', configFile, big],
          { encoding: 'utf8' },
        );
        expect(again.status).toBe(0);
        expect(JSON.parse(again.stdout)).toMatchObject({ lines: 0, records: 0, rejected: 0, bytes_out: 0 });
        return { summary: { ...summary, rejects_file: null }, report: report.stdout, rejects, threads };
      };
      const threaded = run('2');
      const single = run('0');
      // Workers must have parsed (part of) this file, or the comparison below proves nothing.
      expect(threaded.threads).toBe('2');
      expect(single.threads).toBe('0');
      threaded.threads = single.threads;
      expect(threaded.summary.rejected).toBe(Math.ceil((lines.length - 1000) / 50_000) + 1);
      expect(threaded.rejects).toContain(`${longLine + 1} line longer than ${8 * 1024 * 1024} bytes`);
      // The text ends with a newline, so split() leaves one empty element that is not a line.
      const lineCount = lines.length - 1;
      expect(threaded.summary.records + threaded.summary.rejected + threaded.summary.skipped_lines).toBe(
        lineCount,
      );
      expect(threaded).toEqual(single);
    },
  );

  describe('with a running server', () => {
    let server: TallyServer;
    let url = '';
    let adminKey = '';
    beforeAll(async () => {
      server = await startTallyServer(['--data', data]);
      ({ url, adminKey } = server);
    });
    afterAll(async () => {
      await server.stop();
    });

    test('a second server gets a clear message at once, never a hang; other commands run through the first', () => {
      const started = Date.now();
      const r = tally('serve', '--port', '0');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/held by a running tally server \(pid \d+, http:\/\/127\.0\.0\.1:\d+\)/);
      expect(Date.now() - started).toBeLessThan(15_000);
      const imported = tally('import', '--json', sample('apache_edgecases_elastic_beats_test.log'));
      expect(imported.code).toBe(0);
      expect(JSON.parse(imported.out)).toMatchObject({ files: 1, records: 0 });
    });

    test('GET /v1/usage answers the same body that report --format json printed before', async () => {
      const res = await fetch(
        `${url}/v1/usage?account=default&from=2015-05-17&to=2015-05-21&tz=UTC&granularity=day&metrics=requests,bytes_out,unique_viewers`,
        {
          headers: { authorization: `Bearer ${adminKey}` },
        },
      );
      const body = (await res.json()) as { rows: { requests: number; bytes_out: number }[] };
      expect(body.rows.reduce((s, r) => s + r.requests, 0)).toBe(10_000);
      expect(body.rows.reduce((s, r) => s + r.bytes_out, 0)).toBe(2_747_282_740);
      reportedByHttp = JSON.stringify(body);
    });
  });

  test('report --format json prints exactly the HTTP body (after the server stopped)', () => {
    const r = tally(...REPORT, '--format', 'json');
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(reportedByHttp);
  });
});
