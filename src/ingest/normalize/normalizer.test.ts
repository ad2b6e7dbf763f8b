import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { PathRuleConfig } from '../../config/config.js';
import type { RawDelivery } from '../formats/raw-delivery.js';
import { zoneOf } from './line-resolver.js';
import { createNormalizer, toRecord } from './normalizer.js';
import { compilePathRules, resolvePath } from './path-rules.js';
import { cleanPath } from './url-path.js';

const raw = (host: string, target: string, status = 200): RawDelivery => ({
  time: 0,
  client: '1.2.3.4',
  host,
  target,
  status,
  bytesOut: 10,
  bytesIn: 0,
});
const accounts = [
  { id: 'acme', match: { hosts: ['cdn.acme.tv', '*.acme-cdn.net'] } },
  { id: 'globex', match: { apps: ['globex'] } },
];
const rules = compilePathRules([{ pattern: '/{app}/{resource}/*', segmentSeconds: 4 }]);

describe('normalisation', () => {
  const normalize = createNormalizer({ accounts, pathRules: rules, zones: {}, defaultProtocol: 'http' });
  test.each([
    ['cdn.acme.tv', '/vod/a/s.ts', 'acme'],
    ['edge1.acme-cdn.net', '/vod/a/s.ts', 'acme'],
    ['acme-cdn.net', '/vod/a/s.ts', 'default'], // the wildcard covers subdomains only
    ['', '/globex/a/s.ts', 'globex'],
    ['other.example', '/vod/a/s.ts', 'default'],
  ])('host %s path %s -> account %s', (host, target, account) => {
    expect(normalize(raw(host, target)).cell.account).toBe(account);
  });

  test('--account overrides every match', () => {
    const forced = createNormalizer({
      accounts,
      pathRules: rules,
      zones: {},
      defaultProtocol: 'http',
      forcedAccount: 'x',
    });
    expect(forced(raw('cdn.acme.tv', '/a/b/c')).cell.account).toBe('x');
  });

  test('query strings do not split a path and cells are shared', () => {
    const a = normalize(raw('cdn.acme.tv', '/vod/a/s.ts?token=1'));
    const b = normalize(raw('cdn.acme.tv', '/vod/a/t.ts?token=2'));
    expect(a.cell).toBe(b.cell);
    expect(a.cell).toMatchObject({ app: 'vod', resource: 'a', zone: 'global', country: '' });
  });

  test('segment seconds count only for successful requests', () => {
    const n = normalize(raw('', '/vod/a/s.ts'));
    expect(toRecord(raw('', '/vod/a/s.ts'), n).seconds).toBe(4);
    expect(toRecord(raw('', '/vod/a/s.ts', 404), n).seconds).toBe(0);
  });

  test('zones: country, then *, then global', () => {
    expect(zoneOf('US', { US: 'na', '*': 'rest' })).toBe('na');
    expect(zoneOf('', { US: 'na', '*': 'rest' })).toBe('rest');
    expect(zoneOf('', {})).toBe('global');
  });

  describe('facts beyond the URL', () => {
    const withBuckets = createNormalizer({
      accounts: [...accounts, { id: 'media', match: { buckets: ['media-bucket'] } }],
      pathRules: compilePathRules([]),
      zones: { '*': 'rest' },
      edgeZones: { SEA: 'north_america' },
      defaultProtocol: 's3',
      extensionProtocol: false,
    });

    test('S3: the bucket picks the account; every request is protocol s3, whatever the extension', () => {
      const n = withBuckets({ ...raw('', '/media-bucket/v/seg.ts'), extra: { bucket: 'media-bucket' } });
      expect(n.cell).toMatchObject({
        account: 'media',
        app: 'media-bucket',
        resource: 'v', // a segment folds into its directory
        protocol: 's3',
      });
    });

    test('CloudFront: the distribution host matches when the CNAME does not; edge locations map to zones', () => {
      const n = withBuckets({
        ...raw('www.example.com', '/x.mp4'),
        extra: { altHost: 'cdn.acme.tv', edge: 'SEA19-C1' },
      });
      expect(n.cell).toMatchObject({ account: 'acme', zone: 'north_america' });
      const elsewhere = withBuckets({ ...raw('www.example.com', '/x.mp4'), extra: { edge: 'FRA2' } });
      expect(elsewhere.cell).toMatchObject({ account: 'default', zone: 'rest' });
    });

    test('stream logs: app, resource and protocol from the log unless a rule says otherwise', () => {
      const n = withBuckets({
        ...raw('', '/live/a%3Fb'),
        extra: { app: 'live', resource: 'a?b', protocol: 'rtmp' },
      });
      expect(n.cell).toMatchObject({ app: 'live', resource: 'a?b', protocol: 'rtmp' });
    });

    test('JSON lines keep their dimensions; a missing zone comes from the country', () => {
      const dims = {
        app: 'a',
        resource: 'r',
        kind: 'vod',
        target: '',
        rendition: '',
        protocol: 'hls',
        zone: '',
        country: 'DE',
      };
      const n = withBuckets({ ...raw('', ''), extra: { dims, account: 'globex' } });
      expect(n.cell).toMatchObject({
        account: 'globex',
        app: 'a',
        resource: 'r',
        zone: 'rest',
        country: 'DE',
      });
    });
  });

  test('the match of a catalog entry assigns a target where no path rule does; the target of a rule wins', () => {
    const entry = {
      kind: 'stream_target' as const,
      account: 'acme',
      name: 'n',
      type: 'fastly',
      billingMode: '',
      archived: false,
      deleted: false,
    };
    const targets = [
      { ...entry, id: 'newsnews', match: { apps: ['live'], resources: ['news*'] } },
      { ...entry, id: 'otherone', match: { hosts: ['*.acme-cdn.net'] } },
      { ...entry, id: 'globexxx', account: 'globex', match: { apps: ['live'] } },
    ];
    const withTargets = createNormalizer({
      accounts,
      pathRules: compilePathRules([
        { regex: '^/(?<app>live)/(?<resource>[^/]+)/x', target: 'fixedtgt' },
        { pattern: '/{app}/{resource}/*' },
      ]),
      zones: {},
      defaultProtocol: 'http',
      targets,
    });
    const targetOf = (host: string, path: string) => withTargets(raw(host, path)).cell.target;
    expect(targetOf('cdn.acme.tv', '/live/news1/s.ts')).toBe('newsnews');
    // Every condition of a match must hold: app live but resource sports falls to the host rule.
    expect(targetOf('cdn.acme.tv', '/live/sports/s.ts')).toBe('');
    expect(targetOf('edge1.acme-cdn.net', '/live/sports/s.ts')).toBe('otherone');
    // Entries of another account never claim a record.
    expect(targetOf('other.example', '/live/news1/s.ts')).toBe('');
    expect(targetOf('cdn.acme.tv', '/live/news1/x.ts')).toBe('fixedtgt');
  });

  // The normaliser resolves a directory once per extension when the rules allow it, and caches
  // other paths whole. Whatever the rules, every line must get what resolvePath gives its path.
  describe('cached results equal resolvePath on every line', () => {
    const ruleSets: [string, PathRuleConfig[]][] = [
      [
        'demo',
        [
          {
            regex: '^/(?<app>live)/(?<resource>[^/]+?)_(?<rendition>\\d+p)/',
            kind: 'live',
            segmentSeconds: 6,
          },
          { pattern: '/{app}/{resource}/master.m3u8', protocol: 'hls', kind: 'vod' },
          { pattern: '/{app}/{resource}/{rendition}/*', kind: 'vod', segmentSeconds: 6 },
        ],
      ],
      [
        'rules that leave app or resource to the defaults',
        [
          { regex: '^/(?<resource>[^/]+)/', segmentSeconds: 2 },
          { regex: '^/[^/]+/(?<app>[^/]+)/' },
          { pattern: '/{app}/*' },
        ],
      ],
      ['a name-reading rule first', [{ pattern: '/{app}/{resource}' }, { pattern: '/{app}/{resource}/*' }]],
      [
        'a rule without a resource first',
        [{ regex: '^/vod/(?<app>[^/]+)/' }, { pattern: '/{app}/{resource}/*' }],
      ],
      [
        // A directory and the one below it get different renditions.
        'renditions one level down',
        [
          { regex: '^/(?<app>[^/]+)/(?<resource>[^/]+)/(?<rendition>[^/]+)/' },
          { pattern: '/{app}/{resource}/*' },
        ],
      ],
      [
        // The rules operators wrote for Wowza and nginx-rtmp before inference knew those layouts.
        'opaque stream-server rules',
        [
          {
            regex:
              '^/(?<app>[^/]+)/_definst_/(?:[a-z0-9]+:)?(?<resource>[^/]+?)(?:_(?<rendition>\\d{3,4}p))?(?:/|$)',
          },
          { regex: '^/(?<app>hls|dash)/(?<resource>[^/]+?)(?:/|-\\d+\\.ts$|\\.m3u8$)', kind: 'live' },
        ],
      ],
      ['none', []],
    ];
    const segment = fc.constantFrom(
      'live',
      'vod',
      'a',
      'news_720p',
      'film',
      '1080p',
      'x.ism',
      'hls',
      '_definst_',
    );
    // Names built as head + number + tail, so that names of one shape (path-cache.ts) differ in
    // their number, lack one, or carry something that only looks like one.
    const builtName = fc
      .tuple(
        fc.constantFrom(
          'seg',
          'seg_',
          'Seg1-Frag',
          'Fragments(video=',
          'media_w7_b800000_',
          'cam',
          'init',
          '',
          'a1b',
          'video_',
        ),
        fc.constantFrom('', '1', '12', '007', '1:2', '3a'),
        fc.constantFrom(
          '.ts',
          '.m4s',
          '.mp4',
          '.M4S',
          ')',
          '',
          '-init.m4s',
          'x.ts',
          '.ts1',
          '_init.mp4',
          '.m3u8',
        ),
      )
      .map(([head, number, tail]) => `${head}${number}${tail}`);
    const fixedName = fc.constantFrom(
      'seg_1.ts',
      'seg_2.ts',
      'master.m3u8',
      'index.M3U8',
      'manifest',
      'Manifest',
      'a.mpd',
      'x.m4s',
      'file',
      '',
      'a%20b.ts',
      'b\rc.ts',
      'x.verylongextension1',
      'seg_3.tsx',
    );
    const name = fc.oneof(fixedName, builtName);
    // Lines pick among a few directories, so that paths share them as segments do.
    const directories = fc.array(fc.array(segment, { maxLength: 4 }), { minLength: 1, maxLength: 4 });
    const line = fc.record({
      dir: fc.nat(3),
      // How much of the directory: a directory and those above it are often all in one log.
      depth: fc.constantFrom(1, 2, 3, 4, 4, 4),
      name,
      query: fc.constantFrom('', '?token=1', '?a=%2F'),
      host: fc.constantFrom('cdn.acme.tv', 'other.example'),
      status: fc.constantFrom(200, 404),
      s3: fc.boolean(),
    });
    const S3_EXTRA = { bucket: 'media', base: '/media/' };

    test.each(ruleSets)('%s', (_, config) => {
      const pathRules = compilePathRules(config);
      fc.assert(
        fc.property(directories, fc.array(line, { minLength: 1, maxLength: 60 }), (dirs, lines) => {
          const normalize = createNormalizer({ accounts, pathRules, zones: {}, defaultProtocol: 'http' });
          for (const l of lines) {
            const segments = (dirs[l.dir % dirs.length] ?? []).slice(0, l.depth);
            const target = `/${segments.map((d) => `${d}/`).join('')}${l.name}${l.query}`;
            // Some lines as S3 logs them: the key continues the bucket's base path.
            const r = l.s3
              ? { ...raw('', target.slice(1), l.status), extra: S3_EXTRA }
              : raw(l.host, target, l.status);
            const got = normalize(r);
            const facts = resolvePath(
              cleanPath(l.s3 ? `${S3_EXTRA.base}${target.slice(1)}` : target),
              pathRules,
              'http',
            );
            expect({ ...got.cell, seconds: toRecord(r, got).seconds }).toMatchObject({
              app: facts.app,
              resource: facts.resource,
              kind: facts.kind,
              rendition: facts.rendition,
              protocol: facts.protocol,
              target: facts.target,
              seconds: l.status === 200 ? facts.segmentSeconds : 0,
            });
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});
