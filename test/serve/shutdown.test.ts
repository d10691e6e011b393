import { spawn } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { killServers, root, startServe } from './serve-process.js';

/**
 * `statemill serve` as a process: SIGTERM stops accepting connections, lets the request in
 * flight finish with its answer, and exits 0, logging both steps as JSON lines.
 */
const shutdown = suite('serve: graceful shutdown on SIGTERM');

shutdown.after(killServers);

async function call(url: string, operation: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${operation}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

shutdown('a StartSyncExecution in flight at SIGTERM gets its answer; then no new connections; exit status 0', async () => {
  const serve = startServe(['--log-level', 'info']);
  const url = await serve.url;
  const definition = JSON.stringify({
    StartAt: 'Pause',
    States: { Pause: { Type: 'Wait', Seconds: 1, Next: 'Done' }, Done: { Type: 'Pass', Result: 'finished', End: true } },
  });
  const created = await call(url, 'CreateStateMachine', { name: 'slow', definition, roleArn: 'arn:aws:iam::123456789012:role/x', type: 'EXPRESS' });
  assert.is(created.status, 200, JSON.stringify(created.json));
  const inFlight = call(url, 'StartSyncExecution', { stateMachineArn: created.json.stateMachineArn });
  await new Promise((r) => setTimeout(r, 300));
  serve.child.kill('SIGTERM');
  const answer = await inFlight;
  assert.is(answer.status, 200);
  assert.is(answer.json.status, 'SUCCEEDED');
  assert.is(answer.json.output, '"finished"');
  assert.is((await serve.exit).code, 0);
  const refused = await fetch(`${url}/health`).catch((e) => e);
  assert.instance(refused, Error, 'the port no longer answers');
  const logs = serve
    .stderr()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.equal(
    logs.map((l) => l.msg),
    ['listening', 'stopping: no new connections; in-flight requests finish', 'stopped'],
  );
  assert.ok(logs.every((l) => l.level === 'info' && typeof l.time === 'string'));
});

shutdown('a port in use is a usage error naming the port, not a crash', async () => {
  const first = startServe(['--log-level', 'silent']);
  const port = new URL(await first.url).port;
  const second = spawn(process.execPath, ['--import', 'tsx/esm', 'src/cli/main.ts', 'serve', '--port', port], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  second.stderr!.on('data', (chunk) => (err += chunk));
  const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
  first.child.kill('SIGTERM');
  assert.is((await first.exit).code, 0);
  assert.is(code, 2);
  assert.match(err, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use`));
});

shutdown.run();
