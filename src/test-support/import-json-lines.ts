/** Generated usage for tests: records written as JSON lines and imported the way a user imports a file. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importFiles } from '../ingest/import.js';
import type { Store } from '../store/store.js';

export async function importJsonLines(
  store: Store,
  dir: string,
  records: readonly object[],
  account?: string,
): Promise<void> {
  const file = join(dir, 'usage.jsonl');
  writeFileSync(file, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
  await importFiles([file], {
    store,
    config: {},
    format: 'jsonl',
    ...(account === undefined ? {} : { account }),
    secret: Buffer.alloc(32, 4),
    rejectsDir: join(dir, 'rejects'),
  });
}
