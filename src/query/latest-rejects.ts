/**
 * The latest rejected lines of one source, read back from the rejects files imports write
 * (`DATA/rejects/import-<time>-<pid>.tsv`: file, line, reason, text). Newest files first; within
 * a file the last lines. Only line numbers and reasons are answered: the text of a line (which
 * may hold a client address) stays in the file.
 */
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface Reject {
  line: number;
  reason: string;
  /** The rejects file that holds the line's text. */
  rejects_file: string;
}

/** Up to `limit` of the latest rejects of lines read from `path`, newest first. */
export async function latestRejects(rejectsDir: string, path: string, limit: number): Promise<Reject[]> {
  const files = (await readdir(rejectsDir).catch(() => [] as string[]))
    .filter((name) => /^import-.*\.tsv$/.test(name))
    .sort()
    .reverse();
  const found: Reject[] = [];
  for (const name of files) {
    if (found.length >= limit) break;
    const file = join(rejectsDir, name);
    // A bounded window of this file's last matching lines: memory stays flat however large it is.
    const window: Reject[] = [];
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const text of lines) {
      const first = text.indexOf('\t');
      if (first < 0 || text.slice(0, first) !== path) continue;
      const second = text.indexOf('\t', first + 1);
      const third = text.indexOf('\t', second + 1);
      if (second < 0 || third < 0) continue;
      window.push({
        line: Number(text.slice(first + 1, second)),
        reason: text.slice(second + 1, third),
        rejects_file: file,
      });
      if (window.length > limit) window.shift();
    }
    found.push(...window.reverse().slice(0, limit - found.length));
  }
  return found;
}
