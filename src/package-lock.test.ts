// The install contract: `npm ci` on a fresh clone needs a lockfile that lists every platform's
// optional packages (npm refuses a lockfile missing any of them on every machine, not only on
// the missing platform), and every locked package must run on the Node versions `engines` allows.
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

interface LockedPackage {
  version?: string;
  engines?: { node?: string } | string[];
  optionalDependencies?: Record<string, string>;
  dev?: boolean;
}

const root = new URL('../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  engines: { node: string };
};
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, LockedPackage>;
};

/** The lockfile key npm gives `name` when `parent` depends on it (nested first, then hoisted). */
function lockedPathOf(parent: string, name: string): string | undefined {
  const nested = `${parent ? `${parent}/` : ''}node_modules/${name}`;
  if (lock.packages[nested]) return nested;
  const hoisted = `node_modules/${name}`;
  return lock.packages[hoisted] ? hoisted : undefined;
}

describe('package-lock.json', () => {
  it('lists every optional dependency of every locked package, for every platform', () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        if (!lockedPathOf(path, name)) missing.push(`${name} (optional dependency of ${path || 'tally'})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('holds no runtime package that needs a newer Node than package.json engines allows', () => {
    const floor = semver.minVersion(manifest.engines.node);
    expect(floor).not.toBeNull();
    const tooNew: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const wanted = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (!path || entry.dev || !wanted || !floor) continue;
      if (!semver.satisfies(floor, wanted)) tooNew.push(`${path}@${entry.version} wants node ${wanted}`);
    }
    expect(tooNew).toEqual([]);
  });
});
