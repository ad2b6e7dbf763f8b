/**
 * `server.json` in the data dir: what a running server leaves for the CLI on the same machine,
 * so that commands run through it instead of refusing (DESIGN section 6). It holds an admin
 * token that lives as long as the server process, so the file is written 0600 like the rest of
 * the data dir: whoever can read it can read the store file too.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { DataDir } from '../config/data-dir.js';

export interface ServerFile {
  pid: number;
  url: string;
  /** Bearer token with admin rights, valid until this server process stops (never stored). */
  token: string;
  /** The certificate an HTTPS server serves, which the CLI pins. */
  tlsCert?: string | undefined;
}

/** A fresh token for one server process's life. */
export function newLocalToken(): string {
  return `tally_local_${randomBytes(32).toString('base64url')}`;
}

export function writeServerFile(dir: DataDir, info: ServerFile): void {
  writeFileSync(dir.serverFile, `${JSON.stringify(info)}\n`, { mode: 0o600 });
}

export function removeServerFile(dir: DataDir): void {
  rmSync(dir.serverFile, { force: true });
}

/** Whether process `pid` is alive (a file left by a server killed with -9 names a dead one). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * What the file says, or undefined when there is none, it is not one a server wrote, or its
 * server is no longer running (the data dir is then held by some other process).
 */
export function readServerFile(dir: DataDir): ServerFile | undefined {
  if (!existsSync(dir.serverFile)) return undefined;
  try {
    const info = JSON.parse(readFileSync(dir.serverFile, 'utf8')) as Partial<ServerFile>;
    if (typeof info.pid !== 'number' || typeof info.url !== 'string' || typeof info.token !== 'string')
      return undefined;
    if (!alive(info.pid)) return undefined;
    return {
      pid: info.pid,
      url: info.url,
      token: info.token,
      tlsCert: typeof info.tlsCert === 'string' ? info.tlsCert : undefined,
    };
  } catch {
    return undefined;
  }
}
