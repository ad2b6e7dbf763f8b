/** The real-world log samples kept in `samples/` (each under its own licence, see samples/SOURCES.md). */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SAMPLES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../samples');

export function sample(name: string): string {
  return join(SAMPLES_DIR, name);
}
