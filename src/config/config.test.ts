import { describe, expect, it } from 'vitest';
import { validateConfig } from './config.js';

describe('validateConfig', () => {
  it('accepts the documented example and keeps what it says', () => {
    const config = validateConfig(
      {
        accounts: [
          { id: 'acme', timezone: 'Europe/Berlin', billingDay: 15, match: { hosts: ['cdn.acme.tv'] } },
        ],
        pathRules: [{ pattern: '/{app}/{resource}/*', protocol: 'hls', kind: 'vod', segmentSeconds: 6 }],
        zones: { '*': 'global' },
        rateLimits: { zendrive: { capacity: 10, windowSeconds: 20 } },
      },
      'tally.json',
    );
    expect(config.accounts?.[0]).toEqual({
      id: 'acme',
      timezone: 'Europe/Berlin',
      billingDay: 15,
      match: { hosts: ['cdn.acme.tv'] },
    });
    expect(config.rateLimits).toEqual({ zendrive: { capacity: 10, windowSeconds: 20 } });
  });

  it.each([
    [{ accounts: [{ id: 'a b' }] }, 'accounts.0.id: letters, digits, _ . - (at most 64)'],
    [{ accounts: [{ id: 'a', timezone: 'Mars/Base' }] }, 'accounts.0.timezone: unknown IANA time zone'],
    [
      { accounts: [{ id: 'a', billingDay: 29 }] },
      'accounts.0.billingDay: Too big: expected number to be <=28',
    ],
    [
      { accounts: [{ id: 'a', billingDay: 1.5 }] },
      'accounts.0.billingDay: Invalid input: expected int, received number',
    ],
    [
      { pathRules: [{ regex: 'a', pattern: 'b' }] },
      'pathRules.0: a rule has exactly one of regex or pattern',
    ],
    [
      { catalog: { streamTargets: [{ account: 'a', bogus: 1 }] } },
      'catalog.streamTargets.0.bogus: unknown key (one of id, account, name, type, archived, deleted, match)',
    ],
    [{ pathRule: [] }, "pathRule: unknown key (did you mean 'pathRules'?)"],
    [{ acounts: [] }, "acounts: unknown key (did you mean 'accounts'?)"],
    [{ accounts: [{ id: 'a', matches: {} }] }, "accounts.0.matches: unknown key (did you mean 'match'?)"],
    [
      { accounts: [{ id: 'a', match: { host: [] } }] },
      "accounts.0.match.host: unknown key (did you mean 'hosts'?)",
    ],
    [
      { pathRules: [{ pattern: '/x', segmentseconds: 2 }] },
      "pathRules.0.segmentseconds: unknown key (did you mean 'segmentSeconds'?)",
    ],
    [{ geo: { mmdbb: 'x' } }, "geo.mmdbb: unknown key (did you mean 'mmdb'?)"],
    [{ http: { trustedProxy: [] } }, "http.trustedProxy: unknown key (did you mean 'trustedProxies'?)"],
    [{ events: { dedupdays: 3 } }, "events.dedupdays: unknown key (did you mean 'dedupDays'?)"],
    [
      { rateLimits: { wowza: { capacity: 1, windowSeconds: 1, burst: 2 } } },
      'rateLimits.wowza.burst: unknown key (one of capacity, windowSeconds)',
    ],
    [
      { rateLimits: { wowza: { capacity: 0, windowSeconds: 1 } } },
      'rateLimits.wowza.capacity: Too small: expected number to be >0',
    ],
    [{ retentionDays: 0 }, 'retentionDays: Too small: expected number to be >0'],
    [{ geo: { enabled: 'no' } }, 'geo.enabled: Invalid input: expected boolean, received string'],
    [[], '(top level): Invalid input: expected object, received array'],
  ])('refuses %j naming the field', (value, message) => {
    expect(() => validateConfig(value, 'tally.json')).toThrow(`tally.json: ${message}`);
  });

  it('refuses a rate limit for a scheme that does not exist', () => {
    expect(() => validateConfig({ rateLimits: { foo: { capacity: 1, windowSeconds: 1 } } }, 'f')).toThrow(
      'f: rateLimits.foo: unknown key (one of scaleengine, wowza, ooyala, zendrive)',
    );
  });
});
