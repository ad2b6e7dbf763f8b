/**
 * Which server-side files an import or a follow may read. An admin key reaches only the
 * directories the config's `importDirs` names, with symlinks and `..` resolved first (anything
 * else is a 403). The server's own data-dir token (the CLI on its machine) reaches any file the
 * server can read: its holder can read the data dir, so it already is the server's user.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Principal } from '../../auth/native-bearer.js';
import type { TallyConfig } from '../../config/config.js';
import { AppError, badParameter } from '../../domain/errors.js';

/** The files a JSON body names: `path`, or `paths` (one or more). */
export function requestedPaths(body: unknown): string[] {
  const { path, paths, ...rest } = (body ?? {}) as { path?: unknown; paths?: unknown };
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw badParameter(unknown, 'unknown field (path or paths)');
  const list = paths === undefined ? (path === undefined ? [] : [path]) : paths;
  if (!Array.isArray(list) || list.length === 0 || !list.every((p) => typeof p === 'string' && p !== ''))
    throw badParameter(paths === undefined ? 'path' : 'paths', 'a file path (or a list of them) is required');
  return list as string[];
}

function isUnder(real: string, root: string): boolean {
  return real === root || real.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

/**
 * `path` as the server will open it, when `principal` may read it. With `mayNotExist` (a followed
 * file, perhaps not written yet), a missing file is judged by its directory.
 */
export async function allowedPath(
  path: string,
  principal: Principal,
  config: TallyConfig,
  options: { mayNotExist?: boolean } = {},
): Promise<string> {
  const param = 'path';
  let real = await realpath(path).catch(() => undefined);
  if (real === undefined && options.mayNotExist) {
    const dir = await realpath(dirname(resolve(path))).catch(() => undefined);
    if (dir !== undefined) real = join(dir, basename(path));
  }
  if (real === undefined) throw badParameter(param, `${path} is not a readable file`);
  if (principal.local) return options.mayNotExist ? resolve(path) : real;
  for (const dir of config.importDirs ?? []) {
    const root = await realpath(dir).catch(() => undefined);
    if (root !== undefined && isUnder(real, root)) return real;
  }
  throw new AppError(
    'forbidden',
    `${param}: ${path} is not under a directory the config's importDirs names`,
    {
      param,
    },
  );
}
