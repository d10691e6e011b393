/**
 * Bundles the `statemill` CLI (after tsc has built dist/src) into one CommonJS file,
 * dist/cli/statemill.cjs, which bin/statemill.cjs runs with V8's code cache, then runs it once
 * so that the cache exists (dist/cli/statemill.<V8 version>-<arch>.v8cache).
 * Node 20 spends about half a millisecond on each ES module it resolves and links, and has a
 * code cache only for scripts compiled through node:vm: one CommonJS file gets both. esbuild
 * cannot split CommonJS into chunks, so every command's code is in the file; with the cache,
 * code a start does not run costs it little (bench/standalone/startup.ts measures it).
 *
 * Left unbundled, loaded from dist as built through import() (they are ES modules): the
 * benchmark harness (dist/bench/command.js, in a checkout only: the package does not ship it)
 * and modules that find files next to themselves at run time (the worker pool, the service,
 * the HTTP server over it and the cluster start worker threads from their own directories).
 * jsonata, yaml and js-yaml stay in node_modules: they load only when a file needs them.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const built = resolve(root, 'dist', 'src');
const outdir = resolve(root, 'dist', 'cli');
const unbundled = [
  ...[resolve(root, 'dist', 'bench'), resolve(built, 'pool'), resolve(built, 'service'), resolve(built, 'cluster')].map((dir) => dir + sep),
  // The library's index, which `serve` imports whole for the HTTP server (the rest of the CLI imports through it from
  // the defining modules: linkThroughIndexes).
  resolve(built, 'index.js'),
];
const isUnbundled = (target) => unbundled.some((prefix) => target === prefix || target.startsWith(prefix));
/** How the bundle names an unbundled module: its path from dist/cli. */
const fromOutdir = (target) => `./${relative(outdir, target).split(sep).join('/')}`;

/** Imports of unbundled modules point at their dist/src files from dist/cli. */
const keepUnbundled = {
  name: 'keep-unbundled',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      return isUnbundled(target) ? { path: fromOutdir(target), external: true } : undefined;
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
      return { contents: throughLauncherImport(contents, from), loader: 'js' };
    });
  },
};

/**
 * V8's code cache and the import() of a node:vm script do not go together on Node 20 (a script
 * compiled from cached data loses its import callback, and the callback needs
 * --experimental-vm-modules anyway). The CLI's import() of what stays outside the bundle (ES
 * modules, handlers modules) therefore calls `importModule`, which bin/statemill.cjs passes
 * to the bundle: a plain import() of its own. Specifiers are given from dist/cli. import() of
 * bundled modules stays, for esbuild to inline.
 */
function throughLauncherImport(text, from) {
  return text
    .replace(/\bimport\((['"])(\.[^'"]*)\1\)/g, (call, _quote, specifier) => {
      const target = resolve(from, specifier);
      return isUnbundled(target) ? `importModule('${fromOutdir(target)}')` : call;
    })
    .replace(/\bimport\((?![\s)'"])/g, 'importModule(');
}

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

// Start empty, so no file (or code cache) of an earlier build lingers.
rmSync(outdir, { recursive: true, force: true });

const bundled = await build({
  entryPoints: [resolve(built, 'cli', 'main.js')],
  outfile: join(outdir, 'statemill.cjs'),
  write: false,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['jsonata', 'yaml', 'js-yaml', 'piscina', 'msgpackr', 'hdr-histogram-js', 'bullmq', 'ioredis', 'better-sqlite3'],
  // The sources find their package's files with createRequire(import.meta.url): bin/statemill.cjs passes the bundle's URL.
  define: { 'import.meta.url': 'importMetaUrl' },
  plugins: [linkThroughIndexes, keepUnbundled, childProcessOnUse],
  // Less text to parse at every start; names stay, so stack traces and profiles still read.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
// bin/statemill.cjs wraps the bundle in a function, where main's `#!` line would be a syntax error.
mkdirSync(outdir, { recursive: true });
writeFileSync(join(outdir, 'statemill.cjs'), bundled.outputFiles[0].text.replace(/^#!.*\n/, ''));
// dist/cli/main.js was the executable before bin/statemill.cjs: links made to it then (npm's npx
// cache of a checkout keeps its bin link, scripts name the path) still start the CLI.
writeFileSync(join(outdir, 'main.js'), "#!/usr/bin/env node\nimport '../../bin/statemill.cjs';\n", { mode: 0o755 });

// One `run` through the executable writes the code cache, with the functions a run compiles.
const work = mkdtempSync(join(tmpdir(), 'statemill-bundle-'));
try {
  const definition = join(work, 'pass.asl.json');
  writeFileSync(definition, JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Succeed' } } }));
  const warm = spawnSync(process.execPath, [join(root, 'bin', 'statemill.cjs'), 'run', definition, '--input-json', '{}'], { encoding: 'utf8' });
  if (warm.status !== 0) throw new Error(`bundle-cli: the bundled CLI failed its first run (exit ${warm.status}): ${warm.stderr}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
