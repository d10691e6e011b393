#!/usr/bin/env node
'use strict';
/**
 * The `statemill` executable: runs the CLI bundle (dist/cli/statemill.cjs, built by
 * scripts/bundle-cli.mjs) with V8's code cache, which Node 20 offers only to scripts compiled
 * through node:vm (module.enableCompileCache is Node 22.1). Compiling the bundle's ~400 KB of
 * JavaScript is a fifth of a `statemill run` without the cache.
 *
 * The cache sits next to the bundle, one file per V8 version and architecture. The build
 * writes it (running the CLI once); when it is missing or V8 rejects it (other V8 flags), this
 * run writes a fresh one at exit, from the functions the run compiled, if the directory is
 * writable (a read-only install just compiles, as without a cache).
 */
const { readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

const bundleDir = join(__dirname, '..', 'dist', 'cli');
const bundle = join(bundleDir, 'statemill.cjs');
const cacheFile = join(bundleDir, `statemill.${process.versions.v8}-${process.arch}.v8cache`);

let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // No cache yet: compiled from source, and cached at exit.
}

// CommonJS's wrapper, plus what the bundle's ES module sources need: importMetaUrl (the bundle's URL), and importModule for
// their import() of ES modules outside the bundle and of handlers modules (scripts/bundle-cli.mjs says why), resolved
// as from a file at the bundle's place.
const script = new Script(`(function (exports, require, module, __filename, __dirname, importModule, importMetaUrl) {${readFileSync(bundle, 'utf8')}\n})`, {
  filename: bundle,
  cachedData,
});
const importModule = (specifier) => import(specifier.startsWith('.') ? pathToFileURL(join(bundleDir, specifier)).href : specifier);

if (cachedData === undefined || script.cachedDataRejected === true) {
  process.once('exit', () => {
    const written = `${cacheFile}.${process.pid}`;
    try {
      writeFileSync(written, script.createCachedData());
      // Renamed into place: a concurrent start reads the old cache or the new one, never half of one.
      renameSync(written, cacheFile);
    } catch {
      // A read-only install: every start compiles, as without a cache.
      rmSync(written, { force: true });
    }
  });
}

const bundleModule = { exports: {} };
script.runInThisContext()(bundleModule.exports, createRequire(bundle), bundleModule, bundle, bundleDir, importModule, pathToFileURL(bundle).href);
