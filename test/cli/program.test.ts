import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cli } from './run-cli.js';

/** The program as a whole: help, version, usage errors, and the executable itself. */
const program = suite('cli program');

const root = fileURLToPath(new URL('../../', import.meta.url));
const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

program('--help lists the commands, examples and exit codes, and exits 0', async () => {
  const r = await cli(['--help']);
  assert.is(r.code, 0);
  for (const text of ['Usage: statemill', 'run [options] <definition>', 'validate [options]', 'bench', 'Examples:', 'Exit codes:']) {
    assert.ok(r.stdout.includes(text), text);
  }
});

program('every command has --help with examples and exit codes', async () => {
  for (const command of ['run', 'validate']) {
    const r = await cli([command, '--help']);
    assert.is(r.code, 0);
    assert.ok(r.stdout.includes(`Usage: statemill ${command}`) && r.stdout.includes('Examples:') && r.stdout.includes('Exit codes:'), command);
  }
  const viaHelp = await cli(['help', 'run']);
  assert.ok(viaHelp.stdout.includes('Usage: statemill run'));
});

program('--version prints the package version', async () => {
  const r = await cli(['--version']);
  assert.is(r.code, 0);
  assert.is(r.stdout.trim(), version);
});

program('unknown commands and options, and missing arguments, exit 2 with a pointer to --help', async () => {
  for (const argv of [['frobnicate'], ['run', 'order.asl.json', '--inptu', 'x.json'], ['run'], []]) {
    const r = await cli(argv);
    assert.is(r.code, 2, argv.join(' '));
    assert.ok(r.stderr.length > 0, argv.join(' '));
  }
  const unknown = await cli(['frobnicate']);
  assert.ok(unknown.stderr.startsWith("statemill: unknown command 'frobnicate'"), unknown.stderr);
  assert.ok(unknown.stderr.includes('--help'), unknown.stderr);
});

program('the executable starts with a shebang and runs as a script', () => {
  const main = readFileSync(new URL('../../src/cli/main.ts', import.meta.url), 'utf8');
  assert.ok(main.startsWith('#!/usr/bin/env node\n'));
  const r = spawnSync(process.execPath, ['--import', 'tsx/esm', 'src/cli/main.ts', 'validate', 'test/cli/fixtures/broken.asl.json'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.is(r.status, 4, r.stderr);
  assert.ok(r.stdout.startsWith('test/cli/fixtures/broken.asl.json: 3 problems'), r.stdout);
});

program('bench is handed its arguments as they are', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx/esm', 'src/cli/main.ts', 'bench', '--help'], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.ok(r.stdout.includes('statemill bench'), r.stdout);
});

program.run();
