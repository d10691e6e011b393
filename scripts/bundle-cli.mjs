/**
 * Bundles the `statemill` executable (after tsc has built dist/src) into dist/cli: one file
 * for what `run` and `validate` load at start, plus chunks for what they load on demand.
 * Node 20 spends about half a millisecond on each ES module it resolves and links; the CLI
 * loads about 70, so the bundle starts some 40 ms sooner (bench/standalone/startup.ts measures it).
 *
 * Left unbundled, loaded from dist as built: the benchmark harness (dist/bench/command.js, in
 * a checkout only: the package does not ship it) and modules that find files next to themselves
 * at run time (the worker pool, the service and the cluster start worker threads from their
 * own directories).
 * jsonata, yaml and js-yaml stay in node_modules: they load only when a file needs them.
 */
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const built = resolve(root, 'dist', 'src');
const outdir = resolve(root, 'dist', 'cli');
const unbundled = [resolve(root, 'dist', 'bench') + sep, resolve(built, 'pool') + sep, resolve(built, 'service') + sep, resolve(built, 'cluster') + sep];

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

/**
 * The CLI imports the library only through its public index (and its cluster index), which
 * re-export from every module. esbuild assigns a whole file to each chunk whose entry can
 * reach it through any import of a file in use, so one shared index would put every
 * command's code, and the service it imports, into the chunk every command loads. The CLI's
 * imports from an index are therefore linked here to the modules that define each name, as
 * if written against them: each command loads what it uses and no more.
 */
const linkThroughIndexes = {
  name: 'link-through-indexes',
  setup(esbuild) {
    const cli = resolve(built, 'cli') + sep;
    esbuild.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(cli)) return undefined;
      const from = dirname(args.path);
      const text = readFileSync(args.path, 'utf8');
      const contents = text.replace(/import\s*\{([^}]*)\}\s*from\s*(['"])(\.[^'"]*\/index\.js)\2;/g, (statement, names, _quote, specifier) => {
        const index = resolve(from, specifier);
        if (index.startsWith(cli)) return statement;
        const byModule = new Map();
        for (const entry of names
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean)) {
          const [imported, local = imported] = entry.split(/\s+as\s+/);
          const { file, name } = definitionOf(index, imported);
          if (!byModule.has(file)) byModule.set(file, []);
          byModule.get(file).push(name === local ? name : `${name} as ${local}`);
        }
        return [...byModule].map(([file, bound]) => `import { ${bound.join(', ')} } from './${relative(from, file).split(sep).join('/')}';`).join('\n');
      });
      return { contents, loader: 'js' };
    });
  },
};

/** The module that defines `name`, which `file` exports, following re-exports (`export { a as b } from './x.js'`). */
function definitionOf(file, name) {
  const text = readFileSync(file, 'utf8');
  for (const [, names, , specifier] of text.matchAll(/export\s*\{([^}]*)\}\s*from\s*(['"])([^'"]*)\2;/g)) {
    for (const entry of names.split(',').map((part) => part.trim())) {
      const [inner, outer = inner] = entry.split(/\s+as\s+/);
      if (outer === name) return definitionOf(resolve(dirname(file), specifier), inner);
    }
  }
  if (!new RegExp(`export\\s+(?:async\\s+)?(?:function\\*?|class|const|let|var)\\s+${name}\\b`).test(text)) {
    throw new Error(`bundle-cli: ${relative(root, file)} does not define or re-export ${name}`);
  }
  return { file, name };
}

/**
 * commander requires node:child_process at load, for executable subcommands, which statemill
 * does not have; loading it costs every start some milliseconds. commander gets a stand-in
 * that loads node:child_process only if a subcommand were ever spawned.
 */
const childProcessOnUse = {
  name: 'child-process-on-use',
  setup(esbuild) {
    const commander = resolve(root, 'node_modules', 'commander') + sep;
    esbuild.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer.startsWith(commander) ? { path: 'child-process-on-use', namespace: 'child-process-on-use' } : undefined,
    );
    esbuild.onLoad({ filter: /.*/, namespace: 'child-process-on-use' }, () => ({
      contents: "module.exports = { spawn: (...args) => require('child_process').spawn(...args) };",
      loader: 'js',
    }));
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
  plugins: [linkThroughIndexes, keepUnbundled, childProcessOnUse],
  // Less text to parse at every start; names stay, so stack traces and profiles still read.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
