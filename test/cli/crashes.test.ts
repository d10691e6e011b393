import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatJson, formatJsonIteratively } from '../../src/cli/json-output.js';
import { notJsonData } from '../../src/cli/json-data.js';
import { cli, fixtures } from './run-cli.js';

/**
 * What used to crash the CLI (a stack trace, exit 70 or 1) is reported instead, with the
 * documented exit codes and [ERR_…] codes.
 */
const crashes = suite('cli crashes');

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'statemill-cli-crashes-'));
crashes.after(() => rmSync(work, { recursive: true, force: true }));

/** A one-Task definition calling `resource`, written to a temporary file; returns its path. */
function oneTask(resource: string): string {
  const file = join(work, `${resource}.asl.json`);
  writeFileSync(file, JSON.stringify({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: resource, End: true } } }));
  return file;
}

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

const notJsonResults = [
  { resource: 'bigint', found: 'a BigInt (10n) at /count' },
  { resource: 'asyncBigint', found: 'a BigInt (1n) at /0' },
  { resource: 'circular', found: 'a circular reference at /self' },
];

for (const { resource, found } of notJsonResults) {
  crashes(`a handler result with ${found.split(' at ')[0]} (${resource}) fails the execution with States.Runtime naming it, exit 1`, async () => {
    const r = await cli(['run', oneTask(resource), '--handlers', './handlers-not-json.mjs']);
    assert.is(r.code, 1, r.stderr);
    const result = r.json();
    assert.is(result.status, 'FAILED');
    assert.is(result.error, 'States.Runtime');
    assert.ok(result.cause.includes(found) && result.cause.includes("state 'Call'"), result.cause);
  });
}

crashes('an object shared by two branches of a handler result is JSON data, not a cycle', async () => {
  const r = await cli(['run', oneTask('shared'), '--handlers', './handlers-not-json.mjs']);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.json().output, { billing: { city: 'Oslo' }, shipping: { city: 'Oslo' } });
});

crashes('an input 5,000 levels deep runs and prints (the library runs it; printing must not overflow)', async () => {
  // Built as text: JSON.stringify itself overflows the test runner's stack at this depth.
  const text = '[{"a":'.repeat(2500) + '1' + '}]'.repeat(2500);
  const r = await cli(['run', 'pass.asl.json', '--input-json', text]);
  assert.is(r.code, 0, r.stderr.slice(0, 500));
  assert.ok(r.stdout.replace(/\s/g, '').startsWith('{"status":"SUCCEEDED","output":[{"a":[{"a"'), r.stdout.slice(0, 200));
  assert.is(r.stdout.replace(/\s/g, '').match(/\[\{"a":/g)?.length, 2500);
  assert.is(r.stdout.replace(/\s/g, '').includes('[{"a":1}]' + '}]'.repeat(2499) + ',"name"'), true);
});

crashes('formatJson prints what JSON.stringify(value, null, 2) prints, at any depth', () => {
  const values: unknown[] = [
    null,
    0,
    -1.5,
    'text "quoted"\n',
    true,
    [],
    {},
    [1, [2, [3]]],
    { a: { b: [] }, c: 'd' },
    { skipped: undefined, fn: () => 1, kept: 1 },
    [undefined, () => 1],
    { date: new Date(0) },
    { '': { 'x"y': [null] } },
    nested(50),
  ];
  for (const value of values) {
    assert.is(formatJsonIteratively(value), JSON.stringify(value, null, 2));
    assert.is(formatJson(value), JSON.stringify(value, null, 2));
  }
  const deep = nested(20_000);
  assert.throws(() => JSON.stringify(deep, null, 2), RangeError);
  const printed = formatJson(deep);
  assert.ok(printed.replace(/\s/g, '') === '{"a":['.repeat(10_000) + '1' + ']}'.repeat(10_000), 'the compact text of the deep value');
  assert.ok(printed.length < 20_000 * 2 * 140, 'indentation stops growing past 64 levels');
});

crashes('notJsonData names what is not JSON data and where; plain data passes', () => {
  const cycle: Record<string, unknown> = { list: [] };
  (cycle.list as unknown[]).push({ back: cycle });
  assert.is(notJsonData(cycle), 'a circular reference at /list/0/back (an object that contains itself)');
  assert.is(notJsonData({ 'a/b': [1, 2n] }), 'a BigInt (2n) at /a~1b/1');
  assert.is(notJsonData(5n), 'a BigInt (5n) at /');
  assert.is(notJsonData(nested(100_000)), null);
  const shared = { x: 1 };
  assert.is(notJsonData([shared, shared, { shared }]), null);
});

crashes('an uncaught exception from handler code exits 7 with ERR_CLI_HANDLER_CRASHED, not 1 (FAILED) with a raw stack', () => {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx/esm', 'src/cli/main.ts', 'run', join(fixtures, 'throw-later.asl.json'), '--handlers', join(fixtures, 'handlers-throw-later.mjs')],
    { cwd: root, encoding: 'utf8', timeout: 30_000 },
  );
  assert.is(r.status, 7, r.stderr);
  assert.ok(r.stderr.startsWith('statemill: uncaught exception outside any execution'), r.stderr);
  assert.ok(r.stderr.includes('[ERR_CLI_HANDLER_CRASHED]') && r.stderr.includes('the timer of a handler failed'), r.stderr);
});

crashes('a reader that closes the pipe early (statemill --help | head -1) ends the output without an EPIPE stack trace', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx/esm', 'src/cli/main.ts', 'run', '--help'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  // Like `head -1`: read the first chunk, then close the pipe.
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.is(stderr, '');
  assert.is(code, 0);
});

crashes('usage errors from the command line parser carry [ERR_CLI_USAGE]', async () => {
  for (const argv of [['frobnicate'], ['run', 'order.asl.json', '--inptu', 'x.json'], ['run']]) {
    const r = await cli(argv);
    assert.is(r.code, 2);
    assert.ok(r.stderr.split('\n')[0]!.endsWith('[ERR_CLI_USAGE]'), r.stderr);
  }
});

crashes.run();
