import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { directoryOutcome, ruleScope } from './path-rule-scope.js';
import { patternToRegex } from './path-rules.js';

/** A `{stream}_{rendition}` directory rule, as operators write them. */
const STREAM_RENDITION = '^/(?<app>[^/]+)/(?<resource>[^/]+?)_(?<rendition>\\d{3,4}p)/';

describe('the scope of a path rule', () => {
  test.each<[string, ReturnType<typeof ruleScope>]>([
    // DESIGN's examples and the demo's rules
    [
      '^/(?<app>[^/]+)/live/(?<resource>[^/]+?)_(?<rendition>\\d+p)/',
      { slashes: 4, readsPastLastSlash: false },
    ],
    [patternToRegex('/{app}/vod/{resource}/{rendition}/*'), { slashes: 5, readsPastLastSlash: false }],
    [patternToRegex('/{app}/{resource}/master.m3u8'), { slashes: 3, readsPastLastSlash: true }],
    ['^/(?<app>live)/(?<resource>[^/]+?)_(?<rendition>\\d+p)/', { slashes: 3, readsPastLastSlash: false }],
    // what follows the last slash
    ['^/a/b', { slashes: 2, readsPastLastSlash: true }],
    ['^/a/$', { slashes: 2, readsPastLastSlash: true }],
    ['^/a/.*', { slashes: 2, readsPastLastSlash: false }],
    ['^/a/x.*$', { slashes: 2, readsPastLastSlash: true }],
    ['^\\/a\\/', { slashes: 2, readsPastLastSlash: false }],
    // slash-free atoms
    ['^/(?:[a-z0-9]+:)?(?<resource>[\\w.-]{1,64})_(x|y)*/', { slashes: 2, readsPastLastSlash: false }],
    ['^/[^/?]+/[\\d\\-]+?/', { slashes: 3, readsPastLastSlash: false }],
    ['^/[0-9A-F]+/', { slashes: 2, readsPastLastSlash: false }],
  ])('%s', (source, scope) => {
    expect(ruleScope(source)).toEqual(scope);
  });

  test.each([
    'vod/', // not anchored
    '^/a|^/b/', // alternatives at the top level
    '^/(?<app>[^/]+)/(?:/|$)', // a slash inside a group
    '^/a/?', // a quantified slash
    '^/.+/', // `.` matches slashes
    '^/a/.*x', // `.` before the end
    '^/[^a]/', // a negated class without `/` matches one
    '^/[!-~]/', // a range over `/`
    '^/[\\W]/', // `\W` holds `/`
    '^/\\D/',
    '^/\\bx/',
    '^/(?=a)a/',
    '^/(a)\\1/',
    '^/a{/',
    '^/a$/',
    '^/[]/',
  ])('opaque: %s', (source) => {
    expect(ruleScope(source)).toBeNull();
  });

  test('rules with `(?:/|$)` tails are opaque, a `{stream}_720p/` one is not', () => {
    expect(ruleScope('^/(?<app>[^/]+)/_definst_/(?<resource>[^/]+?)(?:/|$)')).toBeNull();
    expect(ruleScope(STREAM_RENDITION)).not.toBeNull();
  });

  // The claim the normaliser relies on, checked by running the regexes on random paths: what a
  // rule does with `dir + name` follows from `dir` as `directoryOutcome` says.
  const understood = [
    '^/(?<app>[^/]+)/live/(?<resource>[^/]+?)_(?<rendition>\\d+p)/',
    patternToRegex('/{app}/vod/{resource}/{rendition}/*'),
    patternToRegex('/{app}/{resource}/master.m3u8'),
    patternToRegex('/{app}/{resource}'),
    '^/(?<app>[^/]*)/(?<resource>[a-z_]+)?_?(?<rendition>\\d*p?)',
    '^/(?:[a-z]+:)?(?<resource>[^/]+?)(?:_(?<rendition>\\d{3,4}p))?/.*$',
    '^/(?<app>a+)/(?<resource>[^/]*)/(?<rendition>[^/]+?)$',
    '^/[^/]*/[^/]*/.*',
    STREAM_RENDITION,
  ];
  const segment = fc.stringMatching(/^[a-z0-9_.:]{0,6}$/).map((s) => s.replace(/^$/, 'a'));
  const special = fc.constantFrom('live', 'vod', 'a', 'aa', 'x_720p', 'news_1080p', 'mp4:x', 'master.m3u8');
  const path = fc.tuple(
    fc.array(fc.oneof(segment, special), { maxLength: 5 }),
    fc.oneof(segment, special, fc.constant(''), fc.constant('seg.ts')),
  );

  test.each(understood)('on random paths: %s', (source) => {
    const scope = ruleScope(source);
    expect(scope).not.toBeNull();
    const regex = new RegExp(source);
    fc.assert(
      fc.property(path, ([segments, name]) => {
        const dir = `/${segments.map((s) => `${s}/`).join('')}`;
        const outcome = directoryOutcome(scope as NonNullable<typeof scope>, segments.length + 1);
        const onPath = regex.exec(dir + name);
        if (outcome === 'fails') expect(onPath).toBeNull();
        if (outcome === 'same-as-directory') {
          const onDir = regex.exec(dir);
          expect([onPath === null, onPath?.groups]).toEqual([onDir === null, onDir?.groups]);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
