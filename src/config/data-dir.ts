/** The data dir: where the store file, rejects files, the install secret and the server marker live. */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../domain/errors.js';

export interface DataDir {
  root: string;
  storeFile: string;
  rejectsDir: string;
  /** Written by a running server so that other processes can say who holds the store. */
  serverFile: string;
  /** Files uploaded to `POST /v1/imports` while they are imported. */
  uploadsDir: string;
}

export function dataDirPaths(root: string): DataDir {
  const abs = resolve(root);
  return {
    root: abs,
    storeFile: join(abs, 'tally.duckdb'),
    rejectsDir: join(abs, 'rejects'),
    serverFile: join(abs, 'server.json'),
    uploadsDir: join(abs, 'uploads'),
  };
}

/** The files and folders Tally writes in the data dir, made private if they exist. */
function ownEntries(dir: DataDir): string[] {
  const names = readdirSync(dir.root).filter((n) =>
    /^tally\.duckdb(\.wal)?$|^install\.key$|^server\.json$/.test(n),
  );
  const rejects = existsSync(dir.rejectsDir)
    ? ['rejects', ...readdirSync(dir.rejectsDir).map((n) => join('rejects', n))]
    : [];
  return [...names, ...rejects].map((n) => join(dir.root, n));
}

/**
 * Creates the data dir, or makes an existing one private: the dir and its folders 0700, the files
 * Tally writes 0600 (key hashes, sealed secrets, usage and rejected log lines are in there). From
 * here on this process creates files 0600 and folders 0700 (umask 077), the store's own included.
 * A dir that cannot be made private (another user's) is refused with what to do.
 */
export function ensureDataDir(root: string): DataDir {
  const dir = dataDirPaths(root);
  process.umask(0o077);
  mkdirSync(dir.root, { recursive: true, mode: 0o700 });
  for (const path of [dir.root, ...ownEntries(dir)]) {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) continue;
    const wanted = stat.isDirectory() ? 0o700 : 0o600;
    if ((stat.mode & 0o777) === wanted) continue;
    try {
      chmodSync(path, wanted);
    } catch (error) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new AppError(
        'data-dir-unsafe',
        `${path} has mode ${mode} and cannot be made private (${(error as NodeJS.ErrnoException).code}): run tally as its owner, or chmod ${wanted.toString(8)} it`,
      );
    }
  }
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
