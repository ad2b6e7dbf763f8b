/**
 * Seed 000's PHP example of ScaleEngine's `usage.all` for the demo: the project's one copy of it
 * (src/http/compat/scaleengine/fixtures/usage-all.php, run as published by the end-to-end tests
 * and shipped with the package), with its request for the seed's July 2024 replaced by the demo
 * month and no app, video or day filter, so it lists every video of the account over the month.
 */
import { readFileSync } from 'node:fs';

// The same two levels above this module from src/demo/, dist/demo/ and dist/bundle/.
const SEED_EXAMPLE = new URL('../../src/http/compat/scaleengine/fixtures/usage-all.php', import.meta.url);
const REQUEST = /\$request = array\([\s\S]*?\n {4}\);/;

export function scaleEngineExample(year: number, month: number): string {
  const seed = readFileSync(SEED_EXAMPLE, 'utf8');
  if (!REQUEST.test(seed)) throw new Error(`${SEED_EXAMPLE.pathname}: no $request = array(...); to fill in`);
  const request = `$request = array(
        'command' => 'usage.all',
        'api_key' => getenv('SE_API_KEY'),
        'timestamp' => time(),
        'cdn' => (int) getenv('SE_CDN'),
        'year' => ${year},
        'month' => ${month},
    );`;
  return seed
    .replace(
      '<?php\n',
      '<?php\n// Filled in by tally demo: the demo month, every app and video of the account.\n',
    )
    .replace(REQUEST, request);
}
