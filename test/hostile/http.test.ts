import { connect } from 'node:net';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startEndpoint, type TestEndpoint } from '../serve/endpoint.js';
import { brief, fuzzParameters, type Mutation, hostileStrings, hostileValue, mutate, mutation, plant, realDefinitions } from './support.js';

/**
 * `statemill serve` given what nobody picks by hand: random operation sequences with
 * members of every wrong type, real definitions mutated, inputs that are not JSON, bodies
 * that are not UTF-8, pipelined and trickled requests. Every answer is 200 or AWS JSON
 * 1.0's error shape (`__type`, `message`, `X-Amzn-Errortype`) with a 4xx status; the server
 * answers the next request; every execution it accepted can still be described and settles.
 */
const http = suite('hostile: the HTTP endpoint');

let t: TestEndpoint;
http.before(async () => {
  t = await startEndpoint({ virtualClock: true, bodyLimit: 256 * 1024 });
});
http.after(() => t.close());

const ROLE = 'arn:aws:iam::123456789012:role/r';
const sources = realDefinitions();

interface Reply {
  status: number;
  body: string;
  errorType: string | null;
  contentType: string | null;
}

async function call(operation: string, body: string | Buffer, contentType = 'application/x-amz-json-1.0'): Promise<Reply> {
  const response = await fetch(t.url, {
    method: 'POST',
    headers: { 'x-amz-target': `AWSStepFunctions.${operation}`, 'content-type': contentType },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return {
    status: response.status,
    body: await response.text(),
    errorType: response.headers.get('x-amzn-errortype'),
    contentType: response.headers.get('content-type'),
  };
}

/** The answer is 200 with a JSON object, or a typed AWS JSON 1.0 error with a 4xx status. */
function assertWellFormed(reply: Reply, context: string): Record<string, unknown> | null {
  const where = `${context} → ${reply.status} ${brief(reply.body, 300)}`;
  assert.is(reply.contentType, 'application/x-amz-json-1.0', where);
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply.body);
  } catch {
    assert.unreachable(`the body is not JSON: ${where}`);
  }
  assert.ok(parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed), where);
  const body = parsed as Record<string, unknown>;
  if (reply.status === 200) return body;
  assert.ok(reply.status >= 400 && reply.status < 500, `not a 4xx: ${where}`);
  assert.type(body.__type, 'string', where);
  assert.match(body.__type as string, /^com\.amazonaws\.sfn#[A-Za-z]+$/, where);
  assert.type(body.message, 'string', where);
  assert.is(reply.errorType, (body.__type as string).slice('com.amazonaws.sfn#'.length), where);
  return null;
}

/** One step of a session: the operation and how its request is built from what the session holds. */
type Step =
  | { op: 'create'; source: number; mutations: Mutation[] | null; type: unknown; name: unknown }
  | { op: 'start'; machine: number; input: unknown; name: unknown; text: boolean }
  | { op: 'startSync'; machine: number; input: unknown }
  | { op: 'stop'; execution: number; error: unknown; cause: unknown }
  | { op: 'describe'; execution: number }
  | { op: 'history'; execution: number; maxResults: unknown; reverseOrder: unknown }
  | { op: 'sendTask'; kind: 'Success' | 'Failure' | 'Heartbeat'; token: unknown; output: unknown }
  | { op: 'raw'; operation: string; body: unknown; encoding: 'json' | 'latin1' | 'bytes' };

const anyMember = fc.oneof({ weight: 3, arbitrary: hostileValue(1) }, { weight: 1, arbitrary: hostileStrings });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    op: fc.constant('create' as const),
    source: fc.nat(),
    mutations: fc.option(fc.array(mutation, { minLength: 1, maxLength: 2 }), { freq: 2 }),
    type: fc.oneof(fc.constantFrom('STANDARD', 'EXPRESS', undefined), anyMember),
    name: fc.oneof(fc.constantFrom(undefined, 'm1', 'm2', 'm3'), anyMember),
  }),
  fc.record({
    op: fc.constant('start' as const),
    machine: fc.nat(),
    input: fc.oneof(fc.jsonValue({ maxDepth: 3 }), anyMember),
    name: fc.oneof(fc.constant(undefined), anyMember),
    text: fc.boolean(),
  }),
  fc.record({ op: fc.constant('startSync' as const), machine: fc.nat(), input: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({
    op: fc.constant('stop' as const),
    execution: fc.nat(),
    error: fc.oneof(fc.constant(undefined), anyMember),
    cause: fc.oneof(fc.constant(undefined), anyMember),
  }),
  fc.record({ op: fc.constant('describe' as const), execution: fc.nat() }),
  fc.record({
    op: fc.constant('history' as const),
    execution: fc.nat(),
    maxResults: fc.oneof(fc.constant(undefined), anyMember),
    reverseOrder: fc.oneof(fc.constant(undefined), anyMember),
  }),
  fc.record({
    op: fc.constant('sendTask' as const),
    kind: fc.constantFrom('Success' as const, 'Failure' as const, 'Heartbeat' as const),
    token: anyMember,
    output: anyMember,
  }),
  fc.record({
    op: fc.constant('raw' as const),
    operation: fc.oneof(
      fc.constantFrom(
        'CreateStateMachine',
        'StartExecution',
        'StartSyncExecution',
        'DescribeExecution',
        'SendTaskSuccess',
        'TestState',
        'ValidateStateMachineDefinition',
        'ListExecutions',
        'RedriveExecution',
        'UpdateStateMachine',
        'TagResource',
        'GetActivityTask',
      ),
      fc.string({ maxLength: 20 }),
    ),
    body: fc.oneof(
      hostileValue(2),
      fc.dictionary(
        fc.constantFrom('definition', 'name', 'stateMachineArn', 'executionArn', 'input', 'roleArn', 'taskToken', 'activityArn', 'state', 'timeoutSeconds'),
        anyMember,
      ),
    ),
    encoding: fc.constantFrom('json' as const, 'latin1' as const, 'bytes' as const),
  }),
);

/** What a session created, so later steps can name it. */
interface Session {
  machines: { arn: string; type: string }[];
  executions: string[];
}

function pick<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

function member(value: unknown): unknown {
  return value === undefined ? undefined : plant(value);
}

let machineCount = 0;

async function perform(session: Session, s: Step): Promise<[string, Reply]> {
  switch (s.op) {
    case 'create': {
      const source = sources[s.source % sources.length]!;
      const definition = s.mutations === null ? source.definition : mutate(source.definition, s.mutations);
      const name = s.name === undefined ? `m${++machineCount}` : member(s.name);
      const request = { name, definition: JSON.stringify(definition), roleArn: ROLE, type: member(s.type) };
      const reply = await call('CreateStateMachine', JSON.stringify(request));
      if (reply.status === 200) {
        const type = typeof s.type === 'string' && s.type !== '' ? s.type : 'STANDARD';
        session.machines.push({ arn: (JSON.parse(reply.body) as { stateMachineArn: string }).stateMachineArn, type });
      }
      return ['CreateStateMachine ' + brief(request, 300), reply];
    }
    case 'start': {
      const machine = pick(session.machines, s.machine);
      const input = s.text ? JSON.stringify(member(s.input)) : member(s.input);
      const request = { stateMachineArn: machine?.arn ?? 'arn:aws:states:us-east-1:123456789012:stateMachine:none', input, name: member(s.name) };
      const reply = await call('StartExecution', JSON.stringify(request));
      if (reply.status === 200 && machine?.type === 'STANDARD') session.executions.push((JSON.parse(reply.body) as { executionArn: string }).executionArn);
      return ['StartExecution ' + brief(request, 300), reply];
    }
    case 'startSync': {
      const machine = pick(session.machines, s.machine);
      const request = { stateMachineArn: machine?.arn ?? 'arn:aws:states:us-east-1:123456789012:stateMachine:none', input: JSON.stringify(s.input) };
      const reply = await call('StartSyncExecution', JSON.stringify(request));
      return ['StartSyncExecution ' + brief(request, 300), reply];
    }
    case 'stop': {
      const request = { executionArn: pick(session.executions, s.execution) ?? 'arn:', error: member(s.error), cause: member(s.cause) };
      return ['StopExecution ' + brief(request, 300), await call('StopExecution', JSON.stringify(request))];
    }
    case 'describe': {
      const request = { executionArn: pick(session.executions, s.execution) ?? 'arn:' };
      return ['DescribeExecution ' + brief(request), await call('DescribeExecution', JSON.stringify(request))];
    }
    case 'history': {
      const request = { executionArn: pick(session.executions, s.execution) ?? 'arn:', maxResults: member(s.maxResults), reverseOrder: member(s.reverseOrder) };
      return ['GetExecutionHistory ' + brief(request), await call('GetExecutionHistory', JSON.stringify(request))];
    }
    case 'sendTask': {
      const request = { taskToken: member(s.token), output: member(s.output), error: member(s.output), cause: member(s.output) };
      return [`SendTask${s.kind} ${brief(request, 300)}`, await call(`SendTask${s.kind}`, JSON.stringify(request))];
    }
    case 'raw': {
      const text = JSON.stringify(member(s.body)) ?? '';
      // latin1 turns every character past U+00FF into one byte: bytes that are often not UTF-8.
      const body =
        s.encoding === 'json'
          ? text
          : s.encoding === 'latin1'
            ? Buffer.from(text, 'latin1')
            : Buffer.concat([Buffer.from(text.slice(0, 10)), Buffer.from([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80]), Buffer.from(text.slice(10))]);
      return [`${s.operation} raw(${s.encoding}) ${brief(text, 300)}`, await call(s.operation, body)];
    }
  }
}

http('random operation sequences: every answer is 200 or a typed 4xx; every accepted execution is describable and settles', async () => {
  const parameters = fuzzParameters(20261207, 40);
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
      const session: Session = { machines: [], executions: [] };
      for (const s of steps) {
        const [what, reply] = await perform(session, s);
        assertWellFormed(reply, `seed ${parameters.seed}: ${what}`);
      }
      for (const executionArn of session.executions) {
        await call('StopExecution', JSON.stringify({ executionArn }));
        const described = assertWellFormed(
          await call('DescribeExecution', JSON.stringify({ executionArn })),
          `seed ${parameters.seed}: describe ${executionArn}`,
        );
        assert.ok(described !== null, `seed ${parameters.seed}: an accepted execution is lost: ${executionArn}`);
        assert.ok(
          ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'].includes(described.status as string),
          `seed ${parameters.seed}: ${executionArn} is ${String(described.status)} after StopExecution`,
        );
      }
      for (const { arn } of session.machines) await call('DeleteStateMachine', JSON.stringify({ stateMachineArn: arn }));
    }),
    parameters,
  );
});

/** Writes `chunks` on one new connection, `gapMs` apart, and resolves to all the server sends until it closes the connection. */
function exchange(chunks: readonly Buffer[], gapMs: number): Promise<string> {
  const { port } = t.endpoint.server.address()!;
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    // The server may close a connection while bytes are still on the way (after refusing a body over the limit): what it answered counts.
    socket.on('error', () => resolve(received));
    socket.on('close', () => resolve(received));
    // The last request asks the server to close (Connection: close); a client half-closing
    // earlier would make node:http drop the requests it has not parsed yet. A server that
    // never closes shows up as missing answers.
    const giveUp = setTimeout(() => socket.destroy(), 5000);
    socket.on('close', () => clearTimeout(giveUp));
    let i = 0;
    const next = (): void => {
      if (i === chunks.length) return;
      socket.write(chunks[i++]!);
      if (gapMs === 0) next();
      else setTimeout(next, gapMs);
    };
    socket.on('connect', next);
  });
}

/** The answers in `raw`, in order (100 Continue lines skipped). */
function answersIn(raw: string): { status: number; headers: Map<string, string>; body: string }[] {
  const answers = [];
  let rest = raw;
  while (rest.length > 0) {
    rest = rest.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0) break;
    const [statusLine, ...lines] = rest.slice(0, headEnd).split('\r\n');
    const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    const length = Number(headers.get('content-length') ?? '0');
    answers.push({ status: Number(statusLine!.split(' ')[1]), headers, body: rest.slice(headEnd + 4, headEnd + 4 + length) });
    rest = rest.slice(headEnd + 4 + length);
  }
  return answers;
}

/** One HTTP/1.1 request as bytes, its body whole or chunked in `pieces` parts. */
function requestBytes(operation: string, body: Buffer, chunked: number | null, contentType: string): Buffer {
  const head = `POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: AWSStepFunctions.${operation}\r\nContent-Type: ${contentType}\r\n`;
  if (chunked === null) return Buffer.concat([Buffer.from(`${head}Content-Length: ${body.length}\r\n\r\n`), body]);
  const parts: Buffer[] = [Buffer.from(`${head}Transfer-Encoding: chunked\r\n\r\n`)];
  const size = Math.max(1, Math.ceil(body.length / chunked));
  for (let at = 0; at < body.length; at += size) {
    const piece = body.subarray(at, at + size);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

const wireRequest = fc.record({
  operation: fc.constantFrom(
    'ListStateMachines',
    'CreateStateMachine',
    'StartExecution',
    'DescribeStateMachine',
    'ValidateStateMachineDefinition',
    'SendTaskSuccess',
  ),
  body: fc.oneof(
    hostileValue(2).map((value) => Buffer.from(JSON.stringify(plant(value)) ?? '')),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
    fc.constantFrom(
      Buffer.from('{}'),
      Buffer.from('{"definition":"\\ud800"}'),
      Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
      Buffer.from('{"a":' + '['.repeat(3000)),
      Buffer.from(`{"definition":"${' '.repeat(300_000)}"}`),
    ),
  ),
  chunked: fc.option(fc.integer({ min: 1, max: 5 })),
  contentType: fc.constantFrom('application/x-amz-json-1.0', 'application/x-amz-json-1.1', 'application/json', 'text/plain'),
});

http('pipelined and trickled requests with random bodies: one well-formed answer each, in order, and the server serves on', async () => {
  const parameters = fuzzParameters(20261208, 25);
  await fc.assert(
    fc.asyncProperty(fc.array(wireRequest, { minLength: 1, maxLength: 4 }), fc.constantFrom(0, 0, 2), async (requests, gapMs) => {
      const last = Buffer.from(
        'POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: AWSStepFunctions.ListActivities\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
      );
      const bytes = Buffer.concat([...requests.map((r) => requestBytes(r.operation, r.body, r.chunked, r.contentType)), last]);
      // Trickled: the bytes in small pieces with pauses between; pipelined: all at once.
      const piece = Math.max(97, Math.ceil(bytes.length / 40));
      const chunks = gapMs === 0 ? [bytes] : Array.from({ length: Math.ceil(bytes.length / piece) }, (_, i) => bytes.subarray(i * piece, i * piece + piece));
      const answers = answersIn(await exchange(chunks, gapMs));
      const context = `seed ${parameters.seed}: answered ${answers.map((answer) => answer.status).join(',') || 'nothing'} to ${brief(requests.map((r) => [r.operation, r.contentType, r.chunked, r.body.toString('latin1').slice(0, 80)]))}`;
      // A body over the limit is refused (413) unread, and its connection closed: nothing after it is answered there.
      const tooLarge = answers.findIndex((answer) => answer.status === 413);
      assert.is(answers.length, tooLarge >= 0 ? tooLarge + 1 : requests.length + 1, context);
      for (const answer of answers) {
        assertWellFormed(
          {
            status: answer.status,
            body: Buffer.from(answer.body, 'latin1').toString('utf8'),
            errorType: answer.headers.get('x-amzn-errortype') ?? null,
            contentType: answer.headers.get('content-type') ?? null,
          },
          context,
        );
      }
      if (tooLarge < 0) assert.is(answers[answers.length - 1]!.status, 200, context);
      else assert.is(answersIn(await exchange([last], 0))[0]?.status, 200, context);
    }),
    parameters,
  );
});

http.run();
