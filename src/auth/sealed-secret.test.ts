import { describe, expect, test } from 'vitest';
import { issueKey, secretMatches } from './keys.js';
import { createSealer, sealerFor } from './sealed-secret.js';

describe('sealed secrets', () => {
  const sealer = createSealer(Buffer.alloc(32, 1));

  test('a sealed secret opens with the same install key only, and is not the secret in clear', () => {
    const sealed = sealer.seal('8fc8c48da81e6a2a');
    expect(sealed).not.toContain('8fc8c48da81e6a2a');
    expect(sealer.seal('8fc8c48da81e6a2a')).not.toBe(sealed); // a fresh IV each time
    expect(sealer.open(sealed)).toBe('8fc8c48da81e6a2a');
    expect(() => createSealer(Buffer.alloc(32, 2)).open(sealed)).toThrow(/does not open/);
    const tampered = `${sealed.slice(0, -2)}AA`;
    expect(() => sealer.open(tampered)).toThrow();
  });

  test("compatible keys look like the original services' credentials; HMAC secrets are sealed", () => {
    const se = issueKey('scaleengine', 'acme', { seal: sealer.seal });
    expect(se.stored.id).toMatch(/^[A-Z0-9]{32}$/);
    expect(se.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(sealer.open(se.stored.sealedSecret as string)).toBe(se.secret);
    expect(secretMatches(se.secret, se.stored.secretHash)).toBe(true);
    const zd = issueKey('zendrive', 'acme', { seal: sealer.seal });
    expect(zd.stored.id).toMatch(/^ZD[A-Z0-9]{18}$/);
    expect(zd.secret).toMatch(/^[A-Za-z0-9]{40}$/);
    // Only compared, never recomputed: hashed, not sealed.
    expect(zd.stored.sealedSecret).toBeNull();
    expect(() => issueKey('scaleengine', 'acme')).toThrow(/must be sealed/);
  });
});

describe('sealerFor', () => {
  test('the config key wins over the install secret', () => {
    const fromConfig = sealerFor({ sealingKey: 'ab'.repeat(32) }, () => Buffer.alloc(32, 1));
    const sealed = fromConfig.seal('s');
    expect(createSealer(Buffer.from('ab'.repeat(32), 'hex')).open(sealed)).toBe('s');
    expect(() => sealerFor({}, () => Buffer.alloc(32, 1)).open(sealed)).toThrow();
  });
});
