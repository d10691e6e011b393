import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startEndpoint, type TestEndpoint } from './endpoint.js';

/**
 * A request body over the endpoint's limit is answered 413 and its connection closed without
 * a reset: the server half-closes after the 413 and drains what the client still sends, so a
 * client reading while it sends gets its 413, and nothing sent behind the refused body on that
 * connection is run. A client that never stops sending is cut off after a bounded time.
 */
const limit = suite('serve: a request body over the limit');

const BODY_LIMIT = 16 * 1024;
let t: TestEndpoint;
limit.before(async () => {
  t = await startEndpoint({ virtualClock: true, bodyLimit: BODY_LIMIT });
});
limit.after(() => t.close());

/** One HTTP/1.1 request as bytes, its body whole (Content-Length) or in `chunks` chunks. */
function requestBytes(operation: string, body: string, options: { chunks?: number; contentType?: string; close?: boolean } = {}): Buffer {
  const head =
    `POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: AWSStepFunctions.${operation}\r\n` +
    `Content-Type: ${options.contentType ?? 'application/x-amz-json-1.0'}\r\n${options.close === true ? 'Connection: close\r\n' : ''}`;
  if (options.chunks === undefined) return Buffer.from(`${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  const size = Math.ceil(body.length / options.chunks);
  let chunked = '';
  for (let at = 0; at < body.length; at += size) chunked += `${Math.min(size, body.length - at).toString(16)}\r\n${body.slice(at, at + size)}\r\n`;
  return Buffer.from(`${head}Transfer-Encoding: chunked\r\n\r\n${chunked}0\r\n\r\n`);
}

/** The status codes of the answers in `raw`, in order. */
function statusesIn(raw: string): number[] {
  return [...raw.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1]));
}

interface Exchange {
  socket: Socket;
  /** Everything the server sent. */
  received: string;
  /** The code of the connection's error (ECONNRESET, EPIPE), or null. */
  error: string | null;
  /** True once the server half-closed (its FIN arrived). */
  ended: boolean;
  closed: Promise<void>;
}

/** A connection that records what the server sends; with `halfOpen`, it stays writable after the server's FIN. */
function open(halfOpen = false): Promise<Exchange> {
  const { port } = t.endpoint.server.address()!;
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: halfOpen });
    const exchange: Exchange = { socket, received: '', error: null, ended: false, closed: new Promise((done) => socket.on('close', () => done())) };
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (exchange.received += chunk));
    socket.on('end', () => (exchange.ended = true));
    socket.on('error', (error: NodeJS.ErrnoException) => (exchange.error = error.code ?? error.message));
    socket.on('connect', () => resolve(exchange));
  });
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once the server's FIN has arrived (failing after 5 s). */
async function halfClosedByServer(exchange: Exchange): Promise<void> {
  for (let waited = 0; !exchange.ended; waited += 5) {
    assert.ok(waited < 5000, `the server did not half-close; it sent ${JSON.stringify(exchange.received)}`);
    await pause(5);
  }
}

/** ListStateMachines on a connection of its own: the machines' names. */
async function machineNames(): Promise<string[]> {
  const response = await fetch(t.url, {
    method: 'POST',
    headers: { 'x-amz-target': 'AWSStepFunctions.ListStateMachines', 'content-type': 'application/x-amz-json-1.0' },
    body: '{}',
  });
  return ((await response.json()) as { stateMachines: { name: string }[] }).stateMachines.map((machine) => machine.name);
}

const overLimit = `{"definition":"${' '.repeat(4 * BODY_LIMIT)}"}`;
const createMachine = requestBytes(
  'CreateStateMachine',
  JSON.stringify({
    name: 'behind-a-refused-body',
    definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
    roleArn: 'arn:aws:iam::123456789012:role/r',
  }),
);

limit('a body refused while the client is still sending it: each of 100 tries reads its 413, none sees a reset', async () => {
  // A hostile-test counterexample: two refused requests, a chunked body over the limit, then requests the 413 leaves unanswered.
  const bytes = Buffer.concat([
    requestBytes('ListStateMachines', '\0', { contentType: 'application/json' }),
    requestBytes('CreateStateMachine', `{"a":${'['.repeat(3000)}`),
    requestBytes('StartExecution', overLimit, { chunks: 3 }),
    requestBytes('ValidateStateMachineDefinition', overLimit, { contentType: 'text/plain' }),
    requestBytes('ListActivities', '{}', { close: true }),
  ]);
  const piece = Math.ceil(bytes.length / 20);
  for (let attempt = 1; attempt <= 100; attempt++) {
    const exchange = await open();
    // Sent the way a client streams a body: a piece per turn of the event loop, reading the answers as they come.
    for (let at = 0; at < bytes.length && !exchange.socket.writableEnded && !exchange.socket.destroyed; at += piece) {
      exchange.socket.write(bytes.subarray(at, at + piece));
      await pause(0);
    }
    exchange.socket.end();
    await exchange.closed;
    assert.equal({ attempt, statuses: statusesIn(exchange.received), error: exchange.error }, { attempt, statuses: [400, 400, 413], error: null });
  }
});

limit(
  'a request pipelined behind a refused body is not run, whether it came in the same bytes or after the 413; what follows the 413 is drained, not parsed',
  async () => {
    // Just over the limit, so the request behind it arrives in the same read.
    const sameBytes = await open();
    sameBytes.socket.end(Buffer.concat([requestBytes('StartExecution', ' '.repeat(BODY_LIMIT + 1)), createMachine]));
    await sameBytes.closed;
    assert.equal(statusesIn(sameBytes.received), [413]);
    assert.equal(await machineNames(), []);

    // A chunked body read up to its first chunk, which is over the limit: the rest, a request and bytes that are not HTTP come after the 413.
    const parsed: string[] = [];
    const onRequest = (request: IncomingMessage): number => parsed.push(String(request.headers['x-amz-target']));
    t.endpoint.server.http.on('request', onRequest);
    const afterTheAnswer = await open(true);
    const refused = requestBytes('StartExecution', ' '.repeat(2 * (BODY_LIMIT + 1)), { chunks: 2 });
    const firstChunkEnds = refused.indexOf('\r\n', refused.indexOf('\r\n\r\n') + 4) + 2 + BODY_LIMIT + 1;
    afterTheAnswer.socket.write(refused.subarray(0, firstChunkEnds));
    await halfClosedByServer(afterTheAnswer);
    afterTheAnswer.socket.end(Buffer.concat([refused.subarray(firstChunkEnds), createMachine, Buffer.from('NOT HTTP\r\n\r\n')]));
    await afterTheAnswer.closed;
    t.endpoint.server.http.off('request', onRequest);
    assert.equal(statusesIn(afterTheAnswer.received), [413]);
    assert.is(afterTheAnswer.error, null);
    assert.equal(parsed, ['AWSStepFunctions.StartExecution'], 'node:http parsed what came after the 413');
    assert.equal(await machineNames(), []);
  },
);

limit('a client that goes on sending after its 413 is cut off within seconds', async () => {
  const exchange = await open(true);
  exchange.socket.write(
    `POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: AWSStepFunctions.StartExecution\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 1000000000\r\n\r\n`,
  );
  const sent = Date.now();
  while (!exchange.socket.destroyed && Date.now() - sent < 6000) {
    exchange.socket.write(' '.repeat(1024));
    await pause(20);
  }
  assert.ok(exchange.socket.destroyed, 'the server still reads after 6 s');
  assert.ok(exchange.ended, 'the server half-closed after its 413');
  assert.equal(statusesIn(exchange.received), [413]);
});

limit.run();
