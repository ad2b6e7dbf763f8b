import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compileGlob } from './glob.js';

/** The obvious (exponential) reference: a regular expression with `.*` for each star. */
function byRegex(glob: string, text: string): boolean {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 's').test(text);
}

describe('compileGlob', () => {
  test.each([
    ['news*', 'news/ch1', true],
    ['news*', 'new', false],
    ['*', '', true],
    ['a*b', 'ab', true],
    ['a*b', 'aXbXb', true],
    ['a*b', 'aXbX', false],
    ['*.mp4', 'movies/film.mp4', true],
    ['*/720p/*', 'vod/film/720p/seg1.ts', true],
    ['a*a', 'a', false],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
    ['**x**', 'x', true],
  ])('%s ~ %s -> %s', (glob, text, expected) => {
    expect(compileGlob(glob)(text)).toBe(expected);
  });

  test('agrees with the regular-expression reading on random patterns and texts', () => {
    const alphabet = fc.constantFrom('a', 'b', '*', '/', '.');
    fc.assert(
      fc.property(
        fc.string({ unit: alphabet, maxLength: 8 }),
        fc.string({ unit: alphabet, maxLength: 12 }),
        (glob, text) => {
          expect(compileGlob(glob)(text.replaceAll('*', 'c'))).toBe(byRegex(glob, text.replaceAll('*', 'c')));
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('a pattern that makes a regular expression backtrack for minutes answers at once', () => {
    const match = compileGlob('*a*a*a*a*a*a*a*a*a*a*a*b');
    const started = performance.now();
    for (let i = 0; i < 100; i++) expect(match('a'.repeat(5000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
