import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type LinePiece, readLinePieces } from './line-reader.js';
import { type ContentStream, DamagedContent } from './source-file.js';

function contentOf(chunks: string[], damageAfter = false): ContentStream {
  let read = 0;
  async function* all(): AsyncIterable<Buffer> {
    for (const c of chunks) {
      read += c.length;
      yield Buffer.from(c);
    }
    if (damageAfter) throw new DamagedContent('gzip', read, read, 'unexpected end of file');
  }
  return { chunks: all(), fileBytesRead: () => read };
}

/** Pieces with their bytes as text, for comparing. */
async function pieces(content: ContentStream, from: number, max = 1 << 20) {
  const out: Record<string, unknown>[] = [];
  for await (const p of readLinePieces(content, from, max)) out.push(readable(p));
  return out;
}

function readable(p: LinePiece): Record<string, unknown> {
  switch (p.kind) {
    case 'lines':
      return {
        kind: p.kind,
        text: `${p.carry?.toString() ?? ''}${Buffer.from(p.body).toString()}`,
        skipFirst: p.skipFirst,
        end: p.end,
      };
    case 'counted-rest':
      return { kind: p.kind, bytes: p.bytes, start: p.start.toString() };
    case 'long-line':
      return { kind: p.kind, start: p.start.toString() };
    case 'end':
      return { kind: p.kind, offset: p.offset, tail: p.tail?.toString(), damage: p.damage?.reason };
  }
}

describe('readLinePieces', () => {
  test('lines split across chunks are joined; what follows the last newline is the tail', async () => {
    expect(await pieces(contentOf(['ab\ncd', 'ef\ngh']), 0)).toEqual([
      { kind: 'lines', text: 'ab', skipFirst: false, end: 3 },
      { kind: 'lines', text: 'cdef', skipFirst: false, end: 8 },
      { kind: 'end', offset: 8, tail: 'gh', damage: undefined },
    ]);
  });

  test('from a checkpoint: the byte before it tells whether a counted line goes on', async () => {
    // The checkpoint (5) follows a newline: nothing to finish.
    expect(await pieces(contentOf(['\na\n']), 5)).toEqual([
      { kind: 'lines', text: 'a', skipFirst: false, end: 7 },
      { kind: 'end', offset: 7, tail: undefined, damage: undefined },
    ]);
    // It does not: the bytes up to the next newline finish a line counted without its newline.
    expect(await pieces(contentOf(['xy', 'z\nnext\n']), 5)).toEqual([
      { kind: 'counted-rest', bytes: 3, start: 'yz\n' },
      { kind: 'lines', text: 'next', skipFirst: false, end: 13 },
      { kind: 'end', offset: 13, tail: undefined, damage: undefined },
    ]);
  });

  test('a line longer than the limit is announced once, passed over, and its rest skipped', async () => {
    expect(await pieces(contentOf(['abcdef', 'gh', 'ij\nok\n']), 0, 4)).toEqual([
      { kind: 'long-line', start: 'abcdef' },
      { kind: 'lines', text: 'ij\nok', skipFirst: true, end: 14 },
      { kind: 'end', offset: 14, tail: undefined, damage: undefined },
    ]);
  });

  test('damage ends the content: what came before is whole lines and a tail', async () => {
    expect(await pieces(contentOf(['a\nb'], true), 0)).toEqual([
      { kind: 'lines', text: 'a', skipFirst: false, end: 2 },
      { kind: 'end', offset: 2, tail: 'b', damage: 'unexpected end of file' },
    ]);
  });

  test('any content, cut anywhere: the pieces give back every byte, and offsets add up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom('a', 'b', '\n'), maxLength: 200 }),
        fc.array(fc.nat(200), { maxLength: 8 }),
        async (text, cuts) => {
          const at = [...new Set(cuts.filter((c) => c > 0 && c < text.length))].sort((x, y) => x - y);
          const chunks = [0, ...at]
            .map((start, i) => text.slice(start, at[i] ?? text.length))
            .filter((c) => c !== '');
          let back = '';
          let last = 0;
          for await (const p of readLinePieces(contentOf(chunks), 0, 1 << 20)) {
            if (p.kind === 'lines') {
              back += `${p.carry?.toString() ?? ''}${Buffer.from(p.body).toString()}\n`;
              expect(p.end).toBe(back.length);
            }
            if (p.kind === 'end') {
              last = p.offset;
              back += p.tail?.toString() ?? '';
            }
          }
          expect(back).toBe(text);
          expect(last).toBe(text.lastIndexOf('\n') + 1);
        },
      ),
    );
  });
});
