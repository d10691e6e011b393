import { spawnSync } from 'node:child_process';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

/**
 * The bundled executable (bin/statemill.cjs running dist/cli/statemill.cjs, built by `npm run
 * build`, as CI does before the tests): what `statemill run` loads at start, V8's code cache,
 * and the libraries and ES modules it loads only on first use still working from the bundle.
 * Skipped, saying so, where the bundle is not built.
 */
const bundle = suite('cli bundle');

const root = fileURLToPath(new URL('../../', import.meta.url));
const outdir = join(root, 'dist', 'cli');
const bundleFile = join(outdir, 'statemill.cjs');
const launcher = join(root, 'bin', 'statemill.cjs');
const fixtures = fileURLToPath(new URL('./fixtures/bundle/', import.meta.url));
const built = existsSync(bundleFile);

function runBundled(args: string[], nodeOptions: string[] = [], executable = launcher): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...nodeOptions, executable, ...args], { cwd: fixtures, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const loadedOnFirstUse = [{ library: 're2js', definedBy: /class _?RE2JS\d*\b/ }];

for (const { library, definedBy } of loadedOnFirstUse) {
  bundle(`statemill run does not load ${library} at start (it is loaded on first use)`, () => {
    if (!built) return console.log('  (skipped: dist/cli is not built; npm run build)');
    assert.not.match(readFileSync(bundleFile, 'utf8'), definedBy, `${library} is in the bundle`);
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

bundle('the bundled statemill reads CSV items', () => {
  if (!built) return console.log('  (skipped: dist/cli is not built; npm run build)');
  const r = runBundled(['run', 'csv-map.asl.json', '--handlers', './s3-handlers.mjs']);
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).output, [
    { id: '1', name: 'ann' },
    { id: '2', name: 'bob, jr' },
  ]);
});

/** What the reporting preload says of the launcher's vm.Script. */
function codeCacheOf(stderr: string): { given: boolean; rejected: boolean | null } {
  const reported = /code cache: (.*)/.exec(stderr);
  if (reported === null) throw new Error(`no code cache report in: ${stderr}`);
  return JSON.parse(reported[1]!) as { given: boolean; rejected: boolean | null };
}

const reportCodeCache = ['-r', './report-code-cache.cjs'];

bundle('statemill starts from the code cache the build wrote (V8 accepts it)', () => {
  if (!built) return console.log('  (skipped: dist/cli is not built; npm run build)');
  assert.ok(
    readdirSync(outdir).some((file) => file.endsWith('.v8cache')),
    'no .v8cache in dist/cli',
  );
  const r = runBundled(['run', 'pass.asl.json', '--input-json', '{}'], reportCodeCache);
  assert.is(r.status, 0, r.stderr);
  assert.equal(codeCacheOf(r.stderr), { given: true, rejected: false });
});

bundle('dist/cli/main.js, the executable before bin/statemill.cjs, still starts the CLI as an executable (npx keeps links to it)', () => {
  if (!built) return console.log('  (skipped: dist/cli is not built; npm run build)');
  const r = spawnSync(join(outdir, 'main.js'), ['run', 'pass.asl.json', '--input-json', '{}'], { cwd: fixtures, encoding: 'utf8' });
  assert.is(r.status, 0, `${r.error ?? ''}${r.stderr}`);
  assert.is(JSON.parse(r.stdout).status, 'SUCCEEDED');
});

/** A copy of the executable and its bundle in a temporary directory, as an install lays them out. */
function copiedInstall(): { dir: string; launcher: string; cacheFiles: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'statemill-bundle-test-'));
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'dist', 'cli'), { recursive: true });
  copyFileSync(launcher, join(dir, 'bin', 'statemill.cjs'));
  copyFileSync(bundleFile, join(dir, 'dist', 'cli', 'statemill.cjs'));
  return {
    dir,
    launcher: join(dir, 'bin', 'statemill.cjs'),
    cacheFiles: () => readdirSync(join(dir, 'dist', 'cli')).filter((file) => file !== 'statemill.cjs'),
  };
}

bundle('without a code cache, statemill compiles, writes one at exit, and the next start uses it', () => {
  if (!built) return console.log('  (skipped: dist/cli is not built; npm run build)');
  const install = copiedInstall();
  try {
    const first = runBundled(['run', 'pass.asl.json', '--input-json', '{}'], reportCodeCache, install.launcher);
    assert.is(first.status, 0, first.stderr);
    assert.equal(codeCacheOf(first.stderr), { given: false, rejected: null });
    assert.is(install.cacheFiles().length, 1, 'no cache written');
    const second = runBundled(['run', 'pass.asl.json', '--input-json', '{}'], reportCodeCache, install.launcher);
    assert.is(second.status, 0, second.stderr);
    assert.equal(codeCacheOf(second.stderr), { given: true, rejected: false });
    assert.equal(JSON.parse(second.stdout).output, JSON.parse(first.stdout).output);
  } finally {
    rmSync(install.dir, { recursive: true, force: true });
  }
});

bundle('a code cache V8 rejects (not its data) is replaced at exit, and the run is unaffected', () => {
  if (!built) return console.log('  (skipped: dist/cli is not built; npm run build)');
  const install = copiedInstall();
  try {
    runBundled(['--version'], [], install.launcher);
    const [cacheFile] = install.cacheFiles();
    writeFileSync(join(install.dir, 'dist', 'cli', cacheFile!), 'not a V8 code cache');
    const spoiled = runBundled(['run', 'pass.asl.json', '--input-json', '{}'], reportCodeCache, install.launcher);
    assert.is(spoiled.status, 0, spoiled.stderr);
    assert.equal(codeCacheOf(spoiled.stderr), { given: true, rejected: true });
    assert.is(JSON.parse(spoiled.stdout).status, 'SUCCEEDED');
    const next = runBundled(['run', 'pass.asl.json', '--input-json', '{}'], reportCodeCache, install.launcher);
    assert.equal(codeCacheOf(next.stderr), { given: true, rejected: false });
    assert.equal(install.cacheFiles(), [cacheFile], 'one cache file, no leftover temporary file');
  } finally {
    rmSync(install.dir, { recursive: true, force: true });
  }
});

/** Resolves with the first stdout line of a started child process. */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    let errors = '';
    child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before printing: ${errors}`)));
  });
}

bundle('the bundled statemill serves (the server, an ES module outside the bundle, loads through import())', async () => {
  if (!built) return console.log('  (skipped: dist/cli is not built; npm run build)');
  const child = spawn(process.execPath, [launcher, 'serve', '--port', '0'], { cwd: fixtures });
  try {
    const line = await firstLine(child);
    const url = /endpoint at (http:\/\/\S+)/.exec(line)?.[1];
    assert.ok(url, line);
    const answer = await fetch(url!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' },
      body: '{}',
    });
    assert.equal(await answer.json(), { stateMachines: [] });
  } finally {
    child.kill('SIGTERM');
  }
});

bundle.run();
