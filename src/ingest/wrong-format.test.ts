import { describe, expect, test } from 'vitest';
import { wrongFormatProblem } from './wrong-format.js';

const COMBINED = '1.2.3.4 - - [01/Jul/2024:00:00:00 +0000] "GET /v/a.mp4 HTTP/1.1" 200 100 "-" "UA"\n';
const base = {
  path: '/logs/a.log',
  format: 'combined',
  records: 0,
  rejected: 10,
  resumed: false,
  firstReason: 'not a combined line',
  head: Buffer.from('hello\nworld\n'),
};

describe('wrongFormatProblem', () => {
  test('at least 90% rejected: refused, saying which format the head looks like', () => {
    expect(wrongFormatProblem({ ...base, records: 1, rejected: 9 })).toBe(
      'nothing imported from /logs/a.log: 9 of 10 lines rejected as combined (first: not a combined line); no known format matches its first lines',
    );
    expect(wrongFormatProblem({ ...base, format: 'w3c', head: Buffer.from(COMBINED) })).toMatch(
      /rejected as w3c .*; its first lines look like combined: try --format combined$/,
    );
    expect(wrongFormatProblem({ ...base, head: Buffer.from(COMBINED) })).toMatch(
      /its first lines look like combined: see the rejects file/,
    );
  });

  test('fewer rejects, none, or a resumed file with few lines: not refused', () => {
    expect(wrongFormatProblem({ ...base, records: 2, rejected: 8 })).toBeUndefined();
    expect(wrongFormatProblem({ ...base, records: 0, rejected: 0 })).toBeUndefined();
    expect(wrongFormatProblem({ ...base, resumed: true, rejected: 99 })).toBeUndefined();
    expect(wrongFormatProblem({ ...base, resumed: true, rejected: 100 })).toMatch(/^nothing imported/);
  });
});
