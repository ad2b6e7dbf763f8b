import { describe, expect, test } from 'vitest';
import { sameText } from './same-text.js';

describe('sameText', () => {
  test.each([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['abc', 'ab', false],
    ['', '', true],
    // Same length in characters, not in bytes.
    ['é', 'e', false],
    ['Zürich', 'Zürich', true],
  ])('%j against %j: %s', (expected, given, same) => {
    expect(sameText(expected, given)).toBe(same);
  });
});
