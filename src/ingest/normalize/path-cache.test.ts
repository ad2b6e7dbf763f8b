import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { RawDelivery } from '../formats/raw-delivery.js';
import { sequenceRun } from './layout-inference.js';
import { createPathCache } from './path-cache.js';
import { compilePathRules } from './path-rules.js';

const raw = (target: string, host = 'h'): RawDelivery => ({
  time: 0,
  client: '1.2.3.4',
  host,
  target,
  status: 200,
  bytesOut: 1,
  bytesIn: 0,
});

/** A cache over a resolver that records what it was asked. */
function counting(pattern: string | undefined, limit = 1000) {
  const asked: string[] = [];
  const lookup = createPathCache(
    (_raw, urlPath) => {
      asked.push(urlPath);
      return { urlPath };
    },
    { pathRules: compilePathRules(pattern ? [{ pattern }] : []), withEdge: false, limit },
  );
  return { asked, lookup };
}

describe('the path cache', () => {
  test('a path resolves once, whatever its query string; another host is another origin', () => {
    const { asked, lookup } = counting(undefined);
    const first = lookup(raw('/v/a.mp4?token=1'), '');
    expect(lookup(raw('/v/a.mp4?token=2'), 'US')).toBe(first);
    lookup(raw('/v/a.mp4', 'other'), '');
    expect(asked).toEqual(['/v/a.mp4', '/v/a.mp4']);
  });

  test('a directory the rules decide resolves once per kind of name, not once per file', () => {
    const { asked, lookup } = counting('/{app}/{resource}/*');
    for (let i = 0; i < 50; i++) lookup(raw(`/tv/show/seg-${i}.ts`), '');
    lookup(raw('/tv/show/index.m3u8'), '');
    expect(asked).toHaveLength(2);
  });

  test('with no rules, a directory resolves once per name without its sequence number', () => {
    const { asked, lookup } = counting(undefined);
    for (let i = 0; i < 50; i++) lookup(raw(`/tv/show/720p/seg-${i}.ts?token=${i}`), '');
    for (let i = 0; i < 50; i++) lookup(raw(`/tv/show/720p/media_w7_b800000_${i}.ts`), '');
    lookup(raw('/tv/show/720p/index.m3u8'), '');
    lookup(raw('/tv/show/720p/index.m3u8'), '');
    // Films are not segments: each is its own path.
    lookup(raw('/tv/show/720p/film1.mp4'), '');
    lookup(raw('/tv/show/720p/film2.mp4'), '');
    expect(asked).toEqual([
      '/tv/show/720p/seg-0.ts',
      '/tv/show/720p/media_w7_b800000_0.ts',
      '/tv/show/720p/index.m3u8',
      '/tv/show/720p/film1.mp4',
      '/tv/show/720p/film2.mp4',
    ]);
  });

  test('names share an entry exactly when they read alike without their sequence number', () => {
    // The model: a name's shape is the name without the run sequenceRun finds; a directory keeps
    // its first 8 shapes, and a name of any other goes by its whole path.
    const name = fc
      .tuple(
        fc.constantFrom('seg', 'seg_', 'Seg1-Frag', 'Fragments(video=', 'cam', 'init', '', 'a1b', 'video_'),
        fc.constantFrom('', '1', '12', '007', '1:2', '3a', '\u0661'),
        fc.constantFrom('.ts', '.m4s', '.mp4', '.M4S', ')', '', '-init.m4s', 'x.ts', '.ts1', '_init.mp4'),
      )
      .map(([head, number, tail]) => `${head}${number}${tail}`);
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 40 }), (names) => {
        const { lookup } = counting(undefined);
        const firstOfShape = new Map<string, string>();
        for (const n of names) {
          const run = sequenceRun(n);
          const shape = run === undefined ? n : `${n.slice(0, run[0])}\u0000${n.slice(run[1])}`;
          if (!firstOfShape.has(shape) && firstOfShape.size < 8) firstOfShape.set(shape, n);
          const expected = firstOfShape.get(shape) ?? n;
          expect(lookup(raw(`/tv/show/${n}`), '')).toEqual({ urlPath: `/tv/show/${expected}` });
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('when nearly every lookup misses, only every 16th miss is kept', () => {
    const { asked, lookup } = counting(undefined, 1_000_000);
    // A whole window of misses, then the first 64 paths of it again.
    // (In the root directory, where each name is its own app, so every path is looked up whole.)
    for (let i = 0; i < 65_536; i++) lookup(raw(`/u${i}`), '');
    for (let i = 65_536; i < 65_536 + 64; i++) lookup(raw(`/u${i}`), '');
    asked.length = 0;
    for (let i = 65_536; i < 65_536 + 64; i++) lookup(raw(`/u${i}`), '');
    expect(asked).toHaveLength(64 - 64 / 16);
  });

  test('when nearly every name of a directory is new, only every 16th name is kept', () => {
    const { asked, lookup } = counting(undefined, 1_000_000);
    // Object keys: four names to a directory, each its own shape (no sequence number in it).
    const letters = (i: number): string =>
      (i < 26 ? '' : letters(Math.floor(i / 26) - 1)) + String.fromCharCode(97 + (i % 26));
    const path = (i: number): string => `/d${Math.floor(i / 4)}/${letters(i)}.jpg`;
    for (let i = 0; i < 65_536 + 64; i++) lookup(raw(path(i)), '');
    asked.length = 0;
    for (let i = 65_536; i < 65_536 + 64; i++) expect(lookup(raw(path(i)), '')).toEqual({ urlPath: path(i) });
    expect(asked).toHaveLength(64 - 64 / 16);
  });

  test('past its limit both levels start again, and values stay right', () => {
    const { asked, lookup } = counting(undefined, 3);
    for (const p of ['/a', '/b', '/c', '/d', '/a']) expect(lookup(raw(p), '')).toEqual({ urlPath: p });
    expect(asked).toEqual(['/a', '/b', '/c', '/d', '/a']);
  });
});
