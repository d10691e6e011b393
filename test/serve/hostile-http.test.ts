import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startEndpoint, type TestEndpoint } from './endpoint.js';

/**
 * Bytes that are not a well-formed HTTP request, sent on a raw socket: node:http cannot
 * read them, and the endpoint still answers with a typed AWS JSON error (`__type`,
 * `X-Amzn-Errortype`), never with a bare status line and no body.
 */
const hostile = suite('serve: malformed HTTP');

let t: TestEndpoint;
hostile.before(async () => {
  t = await startEndpoint({ virtualClock: true, bodyLimit: 1000 });
});
hostile.after(() => t.close());

/** Writes `request` on a new connection and resolves to everything the server sends until it closes. */
function exchange(request: string): Promise<string> {
  const { port } = t.endpoint.server.address()!;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    socket.end(request);
  });
}

interface Answer {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** The first answer in `raw` (a 100 Continue before it is skipped). */
function parseAnswer(raw: string): Answer {
  const text = raw.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
  const headEnd = text.indexOf('\r\n\r\n');
  assert.ok(headEnd > 0, `no complete answer in ${JSON.stringify(raw)}`);
  const [statusLine, ...lines] = text.slice(0, headEnd).split('\r\n');
  const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  const length = Number(headers.get('content-length'));
  return { status: Number(statusLine!.split(' ')[1]), headers, body: text.slice(headEnd + 4, headEnd + 4 + length) };
}

const target = 'Host: localhost\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AWSStepFunctions.ListStateMachines\r\n';

const cases: [name: string, request: string, status: number, errorType: string][] = [
  ['a request line that is not HTTP', 'HELLO THERE\r\n\r\n', 400, 'SerializationException'],
  ['an unknown method token', 'BREW / HTTP/1.1\r\nHost: localhost\r\n\r\n', 400, 'SerializationException'],
  ['a Content-Length that is not a number', `POST / HTTP/1.1\r\n${target}Content-Length: abc\r\n\r\n{}`, 400, 'SerializationException'],
  [
    'both Content-Length and Transfer-Encoding',
    `POST / HTTP/1.1\r\n${target}Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    400,
    'SerializationException',
  ],
  [
    'a chunk size that is not hexadecimal',
    `POST / HTTP/1.1\r\n${target}Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
    400,
    'SerializationException',
  ],
  ['a header line without a colon', `POST / HTTP/1.1\r\n${target}Broken header\r\nContent-Length: 2\r\n\r\n{}`, 400, 'SerializationException'],
  [
    'headers over node:http’s size limit',
    `POST / HTTP/1.1\r\n${target}X-Padding: ${'a'.repeat(20_000)}\r\nContent-Length: 2\r\n\r\n{}`,
    431,
    'SerializationException',
  ],
  ['an Expect header other than 100-continue', `POST / HTTP/1.1\r\n${target}Expect: teapot\r\nContent-Length: 2\r\n\r\n{}`, 417, 'ValidationException'],
  [
    'a chunked body over the body limit',
    `POST / HTTP/1.1\r\n${target}Transfer-Encoding: chunked\r\n\r\n${'400\r\n' + 'a'.repeat(1024) + '\r\n'}0\r\n\r\n`,
    413,
    'ValidationException',
  ],
];

for (const [name, request, status, errorType] of cases) {
  hostile(`${name}: ${status} with a typed AWS JSON error`, async () => {
    const answer = parseAnswer(await exchange(request));
    assert.is(answer.status, status);
    assert.is(answer.headers.get('content-type'), 'application/x-amz-json-1.0');
    assert.is(answer.headers.get('x-amzn-errortype'), errorType);
    const body = JSON.parse(answer.body) as { __type: string; message: string };
    assert.is(body.__type, `com.amazonaws.sfn#${errorType}`);
    assert.type(body.message, 'string');
  });
}

hostile('the endpoint still serves after each malformed request', async () => {
  const answer = parseAnswer(await exchange(`POST / HTTP/1.1\r\n${target}Content-Length: 2\r\nConnection: close\r\n\r\n{}`));
  assert.is(answer.status, 200);
  assert.equal(JSON.parse(answer.body), { stateMachines: [] });
});

hostile('random methods, paths, targets and content types: 200 or a typed 4xx, never a 5xx or an untyped answer', async () => {
  const printable = fc.string({ unit: fc.constantFrom(...'abcXYZ019./-_;=: %?#&'.split('')), maxLength: 30 });
  const request = fc.record({
    method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
    path: fc.oneof(
      fc.constantFrom('/', '/health', '/?x=1', '//', '/..', '/%2e%2e/'),
      printable.map((text) => `/${encodeURIComponent(text)}`),
    ),
    target: fc.oneof(
      fc.constant(undefined),
      fc.constantFrom('AWSStepFunctions.ListStateMachines', 'AWSStepFunctions.', 'AWSStepFunctions.constructor'),
      printable,
    ),
    contentType: fc.oneof(
      fc.constant(undefined),
      fc.constantFrom('application/x-amz-json-1.0', 'application/x-amz-json-1.1; charset=utf-8', 'application/json'),
      printable,
    ),
    body: fc.oneof(fc.constant('{}'), fc.constant(''), fc.string({ maxLength: 40 })),
  });
  await fc.assert(
    fc.asyncProperty(request, async ({ method, path, target, contentType, body }) => {
      const headers: Record<string, string> = {};
      if (target !== undefined) headers['x-amz-target'] = target;
      if (contentType !== undefined) headers['content-type'] = contentType;
      const response = await fetch(t.url + path, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body });
      const text = await response.text();
      const context = `${method} ${path} ${JSON.stringify(headers)} → ${response.status} ${text}`;
      assert.ok(response.status < 500, context);
      if (response.status === 200 || method === 'HEAD') return;
      assert.ok(response.status >= 400, context);
      assert.match((JSON.parse(text) as { __type: string }).__type, /^com\.amazonaws\.sfn#\w+$/, context);
      assert.is(response.headers.get('content-type'), 'application/x-amz-json-1.0');
    }),
    { numRuns: 300, seed: 20261206 },
  );
});

hostile('regression: a request without a Host header is served, as any Host is', async () => {
  const answer = parseAnswer(
    await exchange(
      'POST / HTTP/1.1\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AWSStepFunctions.ListStateMachines\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
    ),
  );
  assert.is(answer.status, 200);
  assert.equal(JSON.parse(answer.body), { stateMachines: [] });
});

hostile('GET /health answers with a query string too', async () => {
  const answer = parseAnswer(await exchange('GET /health?probe=1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'));
  assert.is(answer.status, 200);
  assert.equal(JSON.parse(answer.body), { status: 'ok' });
});

hostile('Expect: 100-continue is honoured', async () => {
  const raw = await exchange(`POST / HTTP/1.1\r\n${target}Expect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
  assert.ok(raw.startsWith('HTTP/1.1 100 Continue\r\n'));
  assert.is(parseAnswer(raw).status, 200);
});

/** POSTs `body` to ListStateMachines with `Content-Encoding: encoding`. */
async function encodedCall(encoding: string, body: Buffer): Promise<{ status: number; type: string | undefined; json: Record<string, unknown> }> {
  const response = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines', 'content-encoding': encoding },
    body: new Uint8Array(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  return { status: response.status, type: json.__type as string | undefined, json };
}

hostile(
  'regression: a gzip body (Content-Encoding: gzip) is inflated; a bad one, one inflating past the limit, another encoding are refused naming the header',
  async () => {
    assert.equal(await encodedCall('gzip', gzipSync('{"maxResults":5}')), { status: 200, type: undefined, json: { stateMachines: [] } });
    assert.equal(await encodedCall('identity', Buffer.from('{}')), { status: 200, type: undefined, json: { stateMachines: [] } });
    const notGzip = await encodedCall('gzip', Buffer.from('{}'));
    assert.is(notGzip.status, 400);
    assert.is(notGzip.type, 'com.amazonaws.sfn#SerializationException');
    assert.match(notGzip.json.message as string, /^The request body is not gzip data, as its Content-Encoding: gzip says/);
    // 200 KB of spaces compress to a few hundred bytes: under the 1,000-byte limit on the wire, far over it inflated.
    const bomb = gzipSync(`{"maxResults":5${' '.repeat(200_000)}}`);
    assert.ok(bomb.length < 1000);
    const inflated = await encodedCall('gzip', bomb);
    assert.is(inflated.status, 413);
    assert.is(inflated.type, 'com.amazonaws.sfn#ValidationException');
    assert.match(inflated.json.message as string, /exceeds the limit of 1000 bytes once inflated/);
    const brotli = await encodedCall('br', Buffer.from('{}'));
    assert.is(brotli.status, 415);
    assert.is(brotli.type, 'com.amazonaws.sfn#SerializationException');
    assert.is(brotli.json.message, 'Content-Encoding "br" is not supported: send the body as it is, or gzip');
  },
);

hostile.run();
