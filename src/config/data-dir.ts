/** The data dir: where the store file, rejects files, the install secret and the server marker live. */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface DataDir {
  root: string;
  storeFile: string;
  rejectsDir: string;
  /** Written by a running server so that other processes can say who holds the store. */
  serverFile: string;
}

export function dataDirPaths(root: string): DataDir {
  const abs = resolve(root);
  return {
    root: abs,
    storeFile: join(abs, 'tally.duckdb'),
    rejectsDir: join(abs, 'rejects'),
    serverFile: join(abs, 'server.json'),
  };
}

export function ensureDataDir(root: string): DataDir {
  const dir = dataDirPaths(root);
  mkdirSync(dir.root, { recursive: true, mode: 0o700 });
  return dir;
}

/**
 * The per-install secret that keys viewer hashes (and, later, seals HMAC secrets). Created once
 * with mode 0600; losing it only means viewers hashed before and after no longer match.
 */
export function installSecret(dir: DataDir): Buffer {
  const file = join(dir.root, 'install.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  const secret = randomBytes(32);
  writeFileSync(file, `${secret.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}
