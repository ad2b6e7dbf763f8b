import { describe, expect, test } from 'vitest';
import { CellInterner } from './cell-interner.js';

const dims = (resource: string) => ({
  app: 'a',
  resource,
  kind: 'vod',
  target: '',
  rendition: '',
  protocol: 'hls',
  zone: 'global',
  country: '',
});

describe('CellInterner', () => {
  test('one object per cell; another account or dimension is another cell', () => {
    const cells = new CellInterner(100);
    const a = cells.cellFor('acme', dims('x'));
    expect(cells.cellFor('acme', dims('x'))).toBe(a);
    expect(cells.cellFor('other', dims('x'))).not.toBe(a);
    expect(cells.cellFor('acme', dims('y'))).not.toBe(a);
    expect(a).toMatchObject({ account: 'acme', resource: 'x' });
  });

  test('past its limit it starts again: a new object for the same cell, with the same identity', () => {
    const cells = new CellInterner(2);
    const a = cells.cellFor('acme', dims('x'));
    cells.cellFor('acme', dims('y'));
    cells.cellFor('acme', dims('z'));
    const again = cells.cellFor('acme', dims('x'));
    expect(again).not.toBe(a);
    expect(again.id).toBe(a.id);
    expect(again.key).toBe(a.key);
  });

  test('when nearly every cell is new, only every 16th new cell is kept; the others still get their ids', () => {
    const cells = new CellInterner(1_000_000);
    const first = Array.from({ length: 65_536 + 64 }, (_, i) => cells.cellFor('acme', dims(`k${i}`)));
    // The window was all misses: of the next 64 new cells, every 16th is kept.
    const again = first.slice(65_536).map((c) => cells.cellFor('acme', dims(c.resource)));
    expect(again.filter((c, i) => c === first[65_536 + i])).toHaveLength(64 / 16);
    again.forEach((c, i) => {
      expect(c.id).toBe(first[65_536 + i]?.id);
    });
    // Before the window closed, every cell was kept.
    expect(cells.cellFor('acme', dims('k5'))).toBe(first[5]);
  });
});
