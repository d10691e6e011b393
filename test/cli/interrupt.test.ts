import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../../src/cli/program.js';
import { fixtures } from './run-cli.js';

/** Ctrl-C is never swallowed: it settles a running execution, and ends what has none to settle. */
const interrupt = suite('cli Ctrl-C');

const root = fileURLToPath(new URL('../../', import.meta.url));
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
  const child = spawn(process.execPath, ['--import', 'tsx/esm', 'src/cli/main.ts', ...args, '--no-save', '--no-peer', '--scenario', 'throughput'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  const measuring = new Promise<void>((resolve) =>
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (stderr.includes('answers match')) resolve();
    }),
  );
  const ended = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`${code}/${signal}`)));
  await measuring;
  child.kill('SIGINT');
  // Not a speed check: a bench that swallows Ctrl-C runs on for two minutes, far past this.
  const outcome = await Promise.race([ended, new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 30_000).unref())]);
  if (outcome === 'still running') child.kill('SIGKILL');
  assert.is(outcome, 'null/SIGINT', stderr);
  assert.not.ok(stdout.includes('Throughput and latency'), stdout);
});

interrupt.run();
