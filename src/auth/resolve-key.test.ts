import { describe, expect, test } from 'vitest';
import type { StoredKey } from '../domain/api-key.js';
import { useMemoryStore } from '../test-support/memory-store.js';
import { resolveAccount, resolveKey } from './resolve-key.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

function key(id: string, changes: Partial<StoredKey> = {}): StoredKey {
  return {
    id,
    account: 'acme',
    scheme: 'wowza',
    secretHash: 'h',
    sealedSecret: 'sealed',
    createdAt: NOW - 1000,
    revokedAt: null,
    expiresAt: null,
    ...changes,
  };
}

describe('resolveKey and resolveAccount', () => {
  const store = useMemoryStore([
    { id: 'acme', name: 'Acme', timezone: 'UTC', parent: null },
    { id: 'gone', name: 'Gone', timezone: 'UTC', parent: null, suspended: true },
  ]);

  test.each([
    ['a live wowza key of an account', key('ok'), { account: true, sealedSecret: true }, 'ok'],
    ['no such key', undefined, { account: true, sealedSecret: false }, 'unknown-key'],
    [
      'another scheme',
      key('z', { scheme: 'zendrive' }),
      { account: true, sealedSecret: false },
      'wrong-scheme',
    ],
    ['revoked', key('r', { revokedAt: NOW - 1 }), { account: true, sealedSecret: false }, 'not-live'],
    [
      'expired at this instant',
      key('e', { expiresAt: NOW }),
      { account: true, sealedSecret: false },
      'not-live',
    ],
    ['expiring later', key('l', { expiresAt: NOW + 1 }), { account: true, sealedSecret: false }, 'ok'],
    [
      'an admin key where an account is served',
      key('a', { account: null }),
      { account: true, sealedSecret: false },
      'no-account',
    ],
    [
      'an admin key where none is needed',
      key('n', { account: null }),
      { account: false, sealedSecret: false },
      'ok',
    ],
    [
      'no sealed secret for an HMAC',
      key('s', { sealedSecret: null }),
      { account: true, sealedSecret: true },
      'no-sealed-secret',
    ],
  ] as const)('%s', async (_name, stored, needs, expected) => {
    if (stored) await store().registry.putKey(stored);
    const resolved = await resolveKey(store().registry, stored?.id ?? 'missing', 'wowza', NOW, needs);
    expect(resolved.ok ? 'ok' : resolved.reason).toBe(expected);
    if (resolved.ok) expect(resolved.key.id).toBe(stored?.id);
  });

  test('an account resolves when it exists and is active', async () => {
    const registry = store().registry;
    expect(await resolveAccount(registry, 'acme')).toMatchObject({ ok: true, account: { id: 'acme' } });
    expect(await resolveAccount(registry, 'gone')).toEqual({ ok: false, reason: 'suspended' });
    expect(await resolveAccount(registry, 'nobody')).toEqual({ ok: false, reason: 'unknown-account' });
  });
});
