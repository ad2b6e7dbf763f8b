/**
 * The demo's keys: an admin key, a key for `acme`, and one of each compatible API for `acme`. The
 * secrets are kept in `DATA/demo-keys.json` (mode 0600, demo data only), so a second `tally demo`
 * prints the same working commands; when any of them is no longer live (revoked, or the store
 * was reset) all are issued anew.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { issueKey, keyIsLive } from '../auth/keys.js';
import type { Sealer } from '../auth/sealed-secret.js';
import type { KeyScheme } from '../domain/api-key.js';
import type { Registry } from '../store/registry.js';

export interface DemoKey {
  /** The stored key id (for wowza the wsc-access-key). */
  id: string;
  secret: string;
}

export interface DemoKeys {
  admin: DemoKey;
  acme: DemoKey;
  scaleengine: DemoKey;
  wowza: DemoKey;
  ooyala: DemoKey;
  zendrive: DemoKey;
}

const WANTED: [keyof DemoKeys, KeyScheme, string | null][] = [
  ['admin', 'native', null],
  ['acme', 'native', 'acme'],
  ['scaleengine', 'scaleengine', 'acme'],
  ['wowza', 'wowza', 'acme'],
  ['ooyala', 'ooyala', 'acme'],
  ['zendrive', 'zendrive', 'acme'],
];

/** The keys saved by an earlier run, when every one of them is still live in the store. */
async function savedKeys(registry: Registry, file: string): Promise<DemoKeys | undefined> {
  if (!existsSync(file)) return undefined;
  let saved: DemoKeys;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as DemoKeys;
  } catch {
    return undefined;
  }
  for (const [name] of WANTED) {
    const stored = saved[name] ? await registry.getKey(saved[name].id) : undefined;
    if (!stored || !keyIsLive(stored, Date.now())) return undefined;
  }
  return saved;
}

export async function demoKeys(
  registry: Registry,
  sealer: Sealer,
  file: string,
): Promise<{ keys: DemoKeys; reused: boolean }> {
  const saved = await savedKeys(registry, file);
  if (saved) return { keys: saved, reused: true };
  const keys = {} as DemoKeys;
  for (const [name, scheme, account] of WANTED) {
    const issued = issueKey(scheme, account, { seal: sealer.seal });
    await registry.putKey(issued.stored);
    keys[name] = { id: issued.stored.id, secret: issued.secret };
  }
  writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return { keys, reused: false };
}
