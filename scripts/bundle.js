// Bundles the `tally` CLI and its import worker into dist/bundle/ (run by `npm run build`).
//
// Why: a command's start-up was mostly module loading, about 400 files (DuckDB's Node API alone
// is 180); one bundle per entry starts about 0.1 s sooner, in the CLI and in each import worker
// (docs/PERFORMANCE.md). Both entries sit in one folder so the CLI finds the worker beside it.
// The HTTP stack stays in its own chunk, loaded only by `serve` and `demo`; Fastify and DuckDB's
// native binding are loaded from node_modules as usual.
import { rmSync, writeFileSync } from 'node:fs';
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
  banner: {
    js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

// The dashboard (DESIGN section 7: `GET /` serves it): one ES module and one stylesheet for the
// browser, minified, named by content hash so the server can let browsers cache them for a year,
// and the index.html that names them. Nothing is loaded from anywhere else at run time.
const dashboardOut = 'dist/dashboard';
rmSync(dashboardOut, { recursive: true, force: true });
const dashboard = await build({
  entryPoints: { app: 'src/dashboard/main.tsx' },
  outdir: `${dashboardOut}/assets`,
  entryNames: '[name]-[hash]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  // The world map (its topology alone is 100 KB) loads only when the Countries page opens.
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
// The entry's script and stylesheet; chunks (the world map) are loaded by the script itself.
const [entry, output] = Object.entries(dashboard.metafile.outputs).find(
  ([, o]) => o.entryPoint !== undefined,
);
const script = entry.slice(`${dashboardOut}/`.length);
const style = output.cssBundle.slice(`${dashboardOut}/`.length);
writeFileSync(
  `${dashboardOut}/index.html`,
  `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tally usage</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/${style}">
<script type="module" src="/${script}"></script>
</head>
<body><div id="app"></div><noscript>The Tally dashboard needs JavaScript; the same numbers are at /v1/usage.</noscript></body>
</html>
`,
);
