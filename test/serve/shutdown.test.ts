import { spawn } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  // The execution's task calls a Lambda endpoint of the test's own, which answers only once the
  // server has begun to stop: the request is in flight at SIGTERM however slow the machine is.
  const lambda = await holdingLambda();
  const serve = startServe(['--log-level', 'info', '--lambda-endpoint', lambda.url]);
  const url = await serve.url;
  const definition = JSON.stringify({
    StartAt: 'Call',
    States: {
      Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'hold' }, Next: 'Done' },
      Done: { Type: 'Pass', Result: 'finished', End: true },
    },
  });
  const created = await call(url, 'CreateStateMachine', { name: 'slow', definition, roleArn: 'arn:aws:iam::123456789012:role/x', type: 'EXPRESS' });
  assert.is(created.status, 200, JSON.stringify(created.json));
  const inFlight = call(url, 'StartSyncExecution', { stateMachineArn: created.json.stateMachineArn });
  await within(lambda.invoked, 'the execution did not call its Lambda function');
  serve.child.kill('SIGTERM');
  await within(untilLogged(serve, 'stopping'), 'the server did not log that it was stopping');
  lambda.answer({ ok: true });
  const answer = await inFlight;
  lambda.server.close();
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

/** Waits for `promise`, failing with `what` after a generous backstop. */
function within<T>(promise: Promise<T>, what: string, backstopMs = 60_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${backstopMs} ms`)), backstopMs)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Settles once the server's log (stderr) holds a line whose msg starts with `prefix`. */
function untilLogged(serve: ReturnType<typeof startServe>, prefix: string): Promise<void> {
  return new Promise((resolve) => {
    const look = () => {
      if (serve.stderr().includes(`"msg":"${prefix}`)) {
        serve.child.stderr!.off('data', look);
        resolve();
      }
    };
    serve.child.stderr!.on('data', look);
    look();
  });
}

/** A Lambda Invoke API that holds the one invocation it gets until answer() is called. */
async function holdingLambda(): Promise<{ url: string; server: Server; invoked: Promise<void>; answer(payload: unknown): void }> {
  let held: ServerResponse | null = null;
  let pending: unknown;
  let answered = false;
  let invoked!: () => void;
  const invokedOnce = new Promise<void>((resolve) => (invoked = resolve));
  const reply = () => {
    if (held === null || !answered) return;
    held.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(pending));
  };
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      held = response;
      invoked();
      reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    invoked: invokedOnce,
    answer(payload) {
      pending = payload;
      answered = true;
      reply();
    },
  };
}

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
