/**
 * Bundles the `statemill` executable (after tsc has built dist/src) into dist/cli: one file
 * for what `run` and `validate` load at start, plus chunks for what they load on demand.
 * Node 20 spends about half a millisecond on each ES module it resolves and links; the CLI
 * loads about 70, so the bundle starts some 40 ms sooner (bench/startup.ts measures it).
 *
 * Left unbundled, loaded from dist/src as built: the benchmark harness (cli/bench.js, which
 * the package does not ship) and modules that find files next to themselves at run time
 * (the worker pool, the service and the cluster start worker threads from their own directories).
 * jsonata, yaml and js-yaml stay in node_modules: they load only when a file needs them.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const built = resolve(root, 'dist', 'src');
const outdir = resolve(root, 'dist', 'cli');
const unbundled = [resolve(built, 'cli', 'bench.js'), resolve(built, 'pool') + sep, resolve(built, 'service') + sep, resolve(built, 'cluster') + sep];

/** Imports of unbundled modules point at their dist/src files from dist/cli. */
const keepUnbundled = {
  name: 'keep-unbundled',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      if (!unbundled.some((prefix) => target === prefix || target.startsWith(prefix))) return undefined;
      return { path: `./${relative(outdir, target).split(sep).join('/')}`, external: true };
    });
  },
};

// Chunk names carry content hashes: start empty, so no chunk of an earlier build lingers.
rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: { main: resolve(built, 'cli', 'main.js') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['jsonata', 'yaml', 'js-yaml', 'piscina', 'msgpackr', 'hdr-histogram-js', 'bullmq', 'ioredis', 'better-sqlite3'],
  // commander is CommonJS: bundled into ESM, its require() calls need a require.
  banner: { js: "import { createRequire as createRequireForBundle } from 'node:module';\nconst require = createRequireForBundle(import.meta.url);" },
  plugins: [keepUnbundled],
  // Less text to parse at every start; names stay, so stack traces and profiles still read.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
