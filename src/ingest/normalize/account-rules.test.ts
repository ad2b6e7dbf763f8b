import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type AccountMatch, createAccountResolver, DEFAULT_ACCOUNT, hostMatches } from './account-rules.js';

const accounts: AccountMatch[] = [
  { id: 'plain' },
  { id: 'acme', match: { hosts: ['*.acme.tv'] } },
  { id: 'media', match: { buckets: ['media-bucket'] } },
  { id: 'live', match: { apps: ['live'] } },
];

/** The rule read plainly, with no memo: the first account whose match fits, else default. */
function modelAccount(host: string, bucket: string, app: string): string {
  for (const a of accounts) {
    const m = a.match;
    if (!m) continue;
    if (
      (host !== '' && m.hosts?.some((h) => hostMatches(h, host))) ||
      (bucket !== '' && m.buckets?.includes(bucket)) ||
      (app !== '' && m.apps?.includes(app))
    )
      return a.id;
  }
  return DEFAULT_ACCOUNT;
}

describe('the account of a record', () => {
  test('the first account whose match fits, else default', () => {
    const accountOf = createAccountResolver(accounts);
    expect(accountOf({ host: 'cdn.acme.tv', bucket: 'media-bucket', app: 'live' })).toBe('acme');
    expect(accountOf({ host: 'acme.tv', bucket: 'media-bucket', app: '' })).toBe('media');
    expect(accountOf({ host: '', bucket: '', app: 'live' })).toBe('live');
    expect(accountOf({ host: 'other', bucket: 'b', app: 'vod' })).toBe(DEFAULT_ACCOUNT);
  });

  test('--account wins; with no account matching anything, every record is the default account', () => {
    expect(createAccountResolver(accounts, 'forced')({ host: 'cdn.acme.tv', bucket: '', app: '' })).toBe(
      'forced',
    );
    const none = createAccountResolver([{ id: 'plain' }, { id: 'other', match: {} }]);
    expect(none({ host: 'cdn.acme.tv', bucket: 'media-bucket', app: 'live' })).toBe(DEFAULT_ACCOUNT);
  });

  test('repeated and alternating origins get the same answers as the rule read plainly', () => {
    const part = (values: string[]) => fc.constantFrom(...values);
    const origin = fc.record({
      host: part(['', 'cdn.acme.tv', 'acme.tv', 'x.example']),
      bucket: part(['', 'media-bucket', 'logs']),
      app: part(['', 'live', 'vod']),
    });
    fc.assert(
      fc.property(fc.array(origin, { maxLength: 40 }), (origins) => {
        const accountOf = createAccountResolver(accounts);
        for (const o of origins) expect(accountOf(o)).toBe(modelAccount(o.host, o.bucket, o.app));
      }),
    );
  });
});
