import type { IncomingMessage, ServerResponse } from 'node:http';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startEndpoint, type TestEndpoint } from './endpoint.js';

/**
 * Workers that hang up: a GetActivityTask long poll whose connection closes (a worker killed,
 * a client timeout) is withdrawn, so the next task goes to a worker that is still polling
 * instead of into a response nobody reads, where it would wait for its timeout, or forever.
 */
const polls = suite('serve: workers that hang up');

let t: TestEndpoint;
polls.before(async () => {
  // The real clock: under virtualClock a poll's 60 seconds pass at once.
  t = await startEndpoint();
});
polls.after(() => t.close());

async function call(operation: string, request: unknown, signal?: AbortSignal): Promise<any> {
  const response = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${operation}` },
    body: JSON.stringify(request),
    signal,
  });
  const answer = await response.json();
  if (response.status !== 200) throw new Error(`${operation}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** Resolves with the server's response to a request for `operation`, once the server has read the request and let its handler run. */
function served(operation: string): Promise<ServerResponse> {
  return new Promise((resolve) => {
    const seen = (request: IncomingMessage, response: ServerResponse) => {
      if (request.headers['x-amz-target'] !== `AWSStepFunctions.${operation}`) return;
      t.endpoint.server.http.off('request', seen);
      request.once('end', () => setTimeout(() => resolve(response), 20));
    };
    t.endpoint.server.http.on('request', seen);
  });
}

/** Resolves once the server has seen `response`'s connection close, and its own listeners have run. */
function closed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (response.closed) setImmediate(resolve);
    else response.once('close', () => setImmediate(resolve));
  });
}

/** A bound on a call that must answer now (generous, for a loaded machine): a test that fails does not wait for the 60 s poll. */
function within<T>(ms: number, promise: Promise<T>): Promise<T | 'no answer'> {
  return Promise.race([promise, new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), ms).unref())]);
}

polls('regression: a poll whose worker hung up does not take the next task; a live worker gets it', async () => {
  const { activityArn } = await call('CreateActivity', { name: 'approve' });
  const definition = JSON.stringify({ StartAt: 'Approve', States: { Approve: { Type: 'Task', Resource: activityArn, End: true } } });
  const { stateMachineArn } = await call('CreateStateMachine', { name: 'approval', definition, roleArn: 'arn:aws:iam::123456789012:role/r' });

  const hangUp = new AbortController();
  const polling = served('GetActivityTask');
  const abandoned = call('GetActivityTask', { activityArn, workerName: 'gone' }, hangUp.signal).catch((error: Error) => error.name);
  const poll = await polling;
  hangUp.abort();
  assert.is(await abandoned, 'AbortError');
  await closed(poll);

  const { executionArn } = await call('StartExecution', { stateMachineArn, input: '{"amount":5}' });
  const task = await within(20_000, call('GetActivityTask', { activityArn, workerName: 'live' }));
  assert.ok(task !== 'no answer' && typeof task.taskToken === 'string', `the live worker got ${JSON.stringify(task)}`);
  assert.is(task.input, '{"amount":5}');

  await call('SendTaskSuccess', { taskToken: task.taskToken, output: '{"approved":true}' });
  const done = await call('DescribeExecution', { executionArn });
  assert.is(done.status, 'SUCCEEDED');
  assert.is(done.output, '{"approved":true}');
});

polls.run();
