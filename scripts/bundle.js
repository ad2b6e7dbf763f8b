// Bundles the `tally` CLI and its import worker into dist/bundle/ (run by `npm run build`).
//
// Why: a command's start-up was mostly module loading, about 400 files (DuckDB's Node API alone
// is 180); one bundle per entry starts about 0.1 s sooner, in the CLI and in each import worker
// (docs/PERFORMANCE.md). Both entries sit in one folder so the CLI finds the worker beside it.
// The HTTP stack stays in its own chunk, loaded only by `serve` and `demo`; Fastify and DuckDB's
// native binding are loaded from node_modules as usual.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry content hashes: clear out the last build's.
rmSync('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: { tally: 'src/cli/main.ts', 'import-worker': 'src/ingest/pipeline/import-worker.ts' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  external: ['@duckdb/node-bindings*', 'fastify', '@fastify/*'],
  // DuckDB's Node API is CommonJS and calls require(): give the ESM bundle one.
  banner: { js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);" },
  logLevel: 'warning',
});
