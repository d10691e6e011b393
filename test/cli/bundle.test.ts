import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

/**
 * The bundled executable (dist/cli, built by `npm run build`, as CI does before the tests):
 * what `statemill run` loads at start, and the libraries it loads only on first use still
 * working from the bundle. Skipped, saying so, where the bundle is not built.
 */
const bundle = suite('cli bundle');

const root = fileURLToPath(new URL('../../', import.meta.url));
const outdir = join(root, 'dist', 'cli');
const main = join(outdir, 'main.js');
const fixtures = fileURLToPath(new URL('./fixtures/bundle/', import.meta.url));
const built = existsSync(main);

/** The bundle's files a module imports statically (`import … from "./chunk.js"`), itself included, transitively. */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const [, name] of readFileSync(join(outdir, file), 'utf8').matchAll(/(?:from|import)\s*["']\.\/([^"']+\.js)["']/g)) staticClosure(name!, seen);
  return seen;
}

/** The chunk a dynamic `import("./<prefix>-….js")` of main.js loads. */
function dynamicChunk(prefix: string): string {
  const found = new RegExp(`import\\(\\s*["']\\./(${prefix}-[^"']+\\.js)["']\\s*\\)`).exec(readFileSync(main, 'utf8'));
  if (found === null) throw new Error(`main.js imports no ${prefix} chunk`);
  return found[1]!;
}

function runBundled(args: string[], nodeOptions: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...nodeOptions, main, ...args], { cwd: fixtures, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const loadedOnFirstUse = [
  { library: 're2js', definedBy: /class _?RE2JS\d*\b/ },
  { library: 'csv-parse', definedBy: /class _?CsvError\d*\b/ },
];

for (const { library, definedBy } of loadedOnFirstUse) {
  bundle(`statemill run does not load ${library} at start (it is loaded on first use)`, () => {
    if (!built) return console.log('  (skipped: dist/cli is not built; npm run build)');
    const files = [...staticClosure('main.js'), ...staticClosure(dynamicChunk('run'))];
    const holding = files.filter((file) => definedBy.test(readFileSync(join(outdir, file), 'utf8')));
    assert.equal(holding, [], `${library} is in ${holding.join(', ')}`);
  });
}

// Each costs a start-up 2 to 3 ms; only Map item readers (gzip) and commander's executable subcommands (unused) need them.
for (const builtin of ['zlib', 'child_process']) {
  bundle(`statemill run of a Pass-only definition does not load node:${builtin}`, () => {
    if (!built) return console.log('  (skipped: dist/cli is not built; npm run build)');
    const r = runBundled(['run', 'pass.asl.json', '--input-json', '{}'], ['--import', './report-builtins.mjs']);
    assert.is(r.status, 0, r.stderr);
    const loaded = JSON.parse(/built-ins loaded: (.*)/.exec(r.stderr)![1]!) as string[];
    assert.ok(loaded.includes('fs') && !loaded.includes(builtin), loaded.join(', '));
  });
}

bundle('the bundled statemill runs a JSONata regex (re2js, loaded on first use)', () => {
  if (!built) return console.log('  (skipped: dist/cli is not built; npm run build)');
  const r = runBundled(['run', 'regex.asl.json', '--input-json', '{"text": "ab12cd345"}']);
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).output, ['12', '345']);
});

bundle('the bundled statemill reads CSV items (csv-parse, loaded on first use)', () => {
  if (!built) return console.log('  (skipped: dist/cli is not built; npm run build)');
  const r = runBundled(['run', 'csv-map.asl.json', '--handlers', './s3-handlers.mjs']);
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).output, [
    { id: '1', name: 'ann' },
    { id: '2', name: 'bob, jr' },
  ]);
});

bundle.run();
