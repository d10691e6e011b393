import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../../src/cli/program.js';
import { CliProcess, fixtures } from './run-cli.js';

/** Ctrl-C is never swallowed: it settles a running execution, and ends what has none to settle. */
const interrupt = suite('cli Ctrl-C');

const work = mkdtempSync(join(tmpdir(), 'statemill-interrupt-'));
interrupt.after(() => rmSync(work, { recursive: true, force: true }));

interrupt('Ctrl-C while the input is read from a stdin that does not end stops the wait: exit 6, ERR_CLI_INTERRUPTED, nothing run', async () => {
  const stdin = new PassThrough();
  stdin.write('{"orderId": ');
  const controller = new AbortController();
  let stdout = '';
  let stderr = '';
  const exit = runCli(['run', 'pass.asl.json', '--input', '-'], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin,
    cwd: fixtures,
    signal: controller.signal,
  });
  await new Promise((resolve) => setImmediate(resolve));
  controller.abort(new Error('Interrupted (Ctrl-C).'));
  assert.is(await exit, 6, stderr);
  assert.is(stdout, '');
  assert.ok(stderr.includes('[ERR_CLI_INTERRUPTED]') && stderr.includes('no execution started'), stderr);
  assert.ok(stdin.destroyed, 'the stream is closed, so the process can exit');
});

interrupt('Ctrl-C during `statemill bench` ends it at once (it used to be swallowed and the bench ran to its end, exit 0)', async () => {
  const definition = join(work, 'one-task.asl.json');
  const handlers = join(work, 'handlers.mjs');
  writeFileSync(definition, JSON.stringify({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'call', End: true } } }));
  writeFileSync(handlers, 'export const handlers = { call: (input) => input };');
  const args = ['bench', '--definition', definition, '--handlers', handlers, '--duration', '120s', '--warmup', '0ms', '--rounds', '1'];
  const bench = new CliProcess([...args, '--no-save', '--no-peer', '--scenario', 'throughput']);
  assert.ok(await bench.stderrHolds('answers match'), bench.stderr);
  assert.is(await bench.stop('SIGINT'), 'null/SIGINT', bench.stderr);
  assert.not.ok(bench.stdout.includes('Throughput and latency'), bench.stdout);
});

interrupt.run();
