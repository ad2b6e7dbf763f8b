import { describe, expect, test } from 'vitest';
import type { PathRuleConfig } from '../../config/config.js';
import { compilePathRules, type PathFacts, patternToRegex, resolvePath } from './path-rules.js';
import { cleanPath, decodeOnce } from './url-path.js';

const DESIGN_RULES: PathRuleConfig[] = [
  {
    regex: '^/(?<app>[^/]+)/live/(?<resource>[^/]+?)_(?<rendition>\\d+p)/',
    protocol: 'hls',
    kind: 'live',
    segmentSeconds: 6,
  },
  { pattern: '/{app}/vod/{resource}/{rendition}/*', protocol: 'hls', kind: 'vod' },
];

describe('path rules', () => {
  const rules = compilePathRules(DESIGN_RULES);
  test.each<[string, Partial<PathFacts>]>([
    [
      '/acme/live/news_720p/seg_1.ts',
      { app: 'acme', resource: 'news', rendition: '720p', kind: 'live', protocol: 'hls', segmentSeconds: 6 },
    ],
    ['/acme/live/news_720p/index.m3u8', { resource: 'news', segmentSeconds: 0 }], // a playlist is not viewing time
    [
      '/acme/vod/movie.mp4/1080p/seg.m4s',
      { app: 'acme', resource: 'movie.mp4', rendition: '1080p', kind: 'vod', protocol: 'hls' },
    ],
    // no rule matches: layout inference, protocol from the extension
    [
      '/downloads/a/b.mpd',
      { app: 'downloads', resource: 'a/b', kind: '', rendition: '', target: '', protocol: 'dash' },
    ],
    ['/downloads/a/720p/b-12.ts', { app: 'downloads', resource: 'a/b', rendition: '720p', protocol: 'hls' }],
    ['/x/file.zip', { app: 'x', resource: 'file.zip', protocol: 'http' }],
    ['/favicon.ico', { app: 'favicon.ico', resource: '', protocol: 'http' }],
    ['', { app: '', resource: '' }],
  ])('%s', (path, expected) => {
    expect(resolvePath(path, rules, 'http')).toMatchObject(expected);
  });

  test('a rule pattern is one segment per {name}, shortest match, * for the rest', () => {
    expect(patternToRegex('/{app}/vod/{resource}/*')).toBe('^/(?<app>[^/]+?)/vod/(?<resource>[^/]+?)/.*$');
    expect(patternToRegex('/{app}/{resource}.m3u8')).toBe('^/(?<app>[^/]+?)/(?<resource>[^/]+?)\\.m3u8$');
    const [rule] = compilePathRules([{ pattern: '/{app}/{resource}_{rendition}.m3u8' }]);
    expect(rule?.regex.exec('/live/my_stream_720p.m3u8')?.groups).toEqual({
      app: 'live',
      resource: 'my',
      rendition: 'stream_720p',
    });
  });

  test('the first matching rule wins and groups it does not set fall back to inference', () => {
    const r = compilePathRules([
      { regex: '^/(?<resource>[^/]+)/', target: 'tgt12345' },
      { pattern: '/{app}/*', kind: 'vod' },
    ]);
    expect(resolvePath('/a/b/c.ts', r, 'http')).toMatchObject({
      app: 'a',
      resource: 'a',
      target: 'tgt12345',
      kind: '',
    });
  });

  test('bad rules are configuration errors', () => {
    expect(() => compilePathRules([{ regex: '^/(?<planet>x)' }])).toThrow(/unknown group 'planet'/);
    expect(() => compilePathRules([{ regex: '(' }])).toThrow(/bad regex/);
  });

  test.each<[string, Partial<PathFacts>]>([
    [
      '/live/_definst_/myStream_720p/chunklist_w1.m3u8',
      { app: 'live', resource: 'myStream', rendition: '720p', protocol: 'hls' },
    ],
    ['/vod/_definst_/mp4:sample.mp4/media_w1_2.ts', { app: 'vod', resource: 'sample.mp4', rendition: '' }],
    ['/hls/stream_480p-12.ts', { app: 'hls', resource: 'stream', rendition: '480p', kind: 'live' }],
    ['/hls/cam1/index.m3u8', { app: 'hls', resource: 'cam1', kind: 'live' }],
    ['/dash/cam1.mpd', { app: 'dash', resource: 'cam1', protocol: 'dash' }],
    ['/show/ep1_1080p/seg2.ts', { app: 'show', resource: 'ep1', rendition: '1080p' }],
  ])('with no rules, inference: %s', (path, expected) => {
    expect(resolvePath(path, [], 'http')).toMatchObject(expected);
  });

  test('a rule that names only the app leaves the rest to inference', () => {
    const r = compilePathRules([{ regex: '^/[^/]+/(?<app>[^/]+)/', kind: 'vod' }]);
    expect(resolvePath('/cdn/acme/film/720p/seg-1.ts', r, 'http')).toMatchObject({
      app: 'acme',
      resource: 'acme/film', // inference's resource: the presentation after the first segment
      rendition: '720p',
      kind: 'vod',
    });
  });
});

describe('URL paths', () => {
  test.each([
    ['/a%20b.ts?token=1', '/a b.ts'],
    ['/a%2520b', '/a%20b'], // decoded once, not twice
    ['http://cdn.example/x/y.ts?z', '/x/y.ts'],
    ['/bad%FFescape%41', '/bad%FFescapeA'],
    ['/caf%C3%A9', '/café'],
  ])('%s -> %s', (target, path) => {
    expect(cleanPath(target)).toBe(path);
  });
  test('plain text is returned as is', () => {
    expect(decodeOnce('/plain')).toBe('/plain');
  });
});

describe('rules bounded in time', () => {
  test('a rule that backtracks exponentially answers at once on a crafted path', () => {
    const rules = compilePathRules([
      { regex: '^/(?<app>(a+)+)b/' },
      { regex: '^/(?<app>x)/(?<resource>(.*a){12})$' },
    ]);
    const started = performance.now();
    // Without the linear-time fallback each of these takes minutes (the first about 2^40 steps).
    expect(resolvePath(`/${'a'.repeat(40)}c/x.ts`, rules, 'http').app).toBe(`${'a'.repeat(40)}c`);
    expect(resolvePath(`/x/${'a'.repeat(30)}`, rules, 'http').resource).toBe('a'.repeat(30));
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test.each([
    ['^/(?<app>[^/]+)(?=/live)', 'lookaround'],
    ['^/(?<app>[^/]+)/\\1', 'backreference'],
  ])('%s is refused: it cannot be bounded', (regex) => {
    expect(() => compilePathRules([{ regex }])).toThrow(
      /pathRules\[0\]: bad regex \(uses a lookaround or a backreference, which can take exponential time/,
    );
  });
});
