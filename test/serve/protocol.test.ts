import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type StepFunctionsServer } from '../../src/serve/server.js';
import { createLogger } from '../../src/serve/log.js';
import { ServiceError } from '../../src/service/errors.js';

/**
 * AWS JSON 1.0 on the wire, against a stand-in service: every way a request can be wrong
 * gets a typed 4xx answer with `__type` and `X-Amzn-Errortype`, never a 500; answers carry
 * epoch-second timestamps and a request id.
 */
const wire = suite('serve: wire protocol');

const started = new Date('2026-12-06T10:00:00.123Z');
const stub = {
  calls: [] as unknown[],
  async describeExecution(request: { executionArn?: unknown }) {
    stub.calls.push(request);
    if (request.executionArn === 'missing') throw new ServiceError('ExecutionDoesNotExist', "Execution Does Not Exist: 'missing'");
    return { executionArn: request.executionArn, status: 'SUCCEEDED', startDate: started, stopDate: started, events: [{ timestamp: started }] };
  },
  async stopExecution() {
    throw new Error('boom');
  },
  async tagResource() {
    return undefined;
  },
};

let server: StepFunctionsServer;
let logged = '';

wire.before(async () => {
  server = createServer(stub, { bodyLimit: 1024, logger: createLogger('error', (line) => (logged += line)) });
  await server.listen(0);
});
wire.after(() => server.close());

interface Exchange {
  status: number;
  headers: Headers;
  body: string;
  json(): any;
}

async function post(headers: Record<string, string>, body: string, path = '/', method = 'POST'): Promise<Exchange> {
  const response = await fetch(server.url + path, { method, headers, body: method === 'GET' ? undefined : body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text, json: () => JSON.parse(text) };
}

const awsJson = (operation: string) => ({ 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${operation}` });

wire('an operation answers 200 with epoch-second timestamps (milliseconds as the fraction), the content type and a request id', async () => {
  const r = await post(awsJson('DescribeExecution'), JSON.stringify({ executionArn: 'arn:x' }));
  assert.is(r.status, 200);
  assert.is(r.headers.get('content-type'), 'application/x-amz-json-1.0');
  assert.match(r.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/);
  assert.is(r.headers.get('x-amzn-errortype'), null);
  assert.equal(r.json(), {
    executionArn: 'arn:x',
    status: 'SUCCEEDED',
    startDate: 1796551200.123,
    stopDate: 1796551200.123,
    events: [{ timestamp: 1796551200.123 }],
  });
});

wire('an operation without output answers {}', async () => {
  const r = await post(awsJson('TagResource'), '{}');
  assert.is(r.status, 200);
  assert.is(r.body, '{}');
});

wire('an empty body is the empty input structure', async () => {
  const before = stub.calls.length;
  const r = await post(awsJson('DescribeExecution'), '');
  assert.is(r.status, 200);
  assert.equal(stub.calls.slice(before), [{}]);
});

wire('a ServiceError is HTTP 400 with the namespaced __type, the message, and X-Amzn-Errortype', async () => {
  const r = await post(awsJson('DescribeExecution'), JSON.stringify({ executionArn: 'missing' }));
  assert.is(r.status, 400);
  assert.is(r.headers.get('x-amzn-errortype'), 'ExecutionDoesNotExist');
  assert.equal(r.json(), { __type: 'com.amazonaws.sfn#ExecutionDoesNotExist', message: "Execution Does Not Exist: 'missing'" });
});

wire('an unexpected failure in the service is InternalFailure 500, logged with its stack', async () => {
  const r = await post(awsJson('StopExecution'), '{}');
  assert.is(r.status, 500);
  assert.is(r.json().__type, 'com.amazonaws.sfn#InternalFailure');
  assert.match(r.json().message, /boom/);
  assert.match(logged, /"level":"error".*"operation":"StopExecution".*boom/);
});

const refusals: Array<{
  name: string;
  headers: Record<string, string>;
  body: string;
  path?: string;
  method?: string;
  status: number;
  type: string;
  message: RegExp;
}> = [
  {
    name: 'no X-Amz-Target',
    headers: { 'content-type': 'application/x-amz-json-1.0' },
    body: '{}',
    status: 400,
    type: 'UnknownOperationException',
    message: /Missing X-Amz-Target/,
  },
  {
    name: 'an operation outside the model',
    headers: awsJson('LaunchRockets'),
    body: '{}',
    status: 400,
    type: 'UnknownOperationException',
    message: /AWSStepFunctions\.LaunchRockets/,
  },
  {
    name: "another service's target",
    headers: { ...awsJson('x'), 'x-amz-target': 'AmazonSQS.SendMessage' },
    body: '{}',
    status: 400,
    type: 'UnknownOperationException',
    message: /AmazonSQS\.SendMessage/,
  },
  {
    name: 'a model operation the service does not implement',
    headers: awsJson('UpdateMapRun'),
    body: '{}',
    status: 400,
    type: 'UnknownOperationException',
    message: /does not implement UpdateMapRun/,
  },
  {
    name: 'a prototype member as operation name',
    headers: { ...awsJson('x'), 'x-amz-target': 'AWSStepFunctions.constructor' },
    body: '{}',
    status: 400,
    type: 'UnknownOperationException',
    message: /constructor/,
  },
  {
    name: 'a JSON content type of another protocol',
    headers: { ...awsJson('DescribeExecution'), 'content-type': 'application/json' },
    body: '{}',
    status: 400,
    type: 'SerializationException',
    message: /Content-Type must be application\/x-amz-json-1\.0/,
  },
  {
    name: 'a text body (fetch labels it text/plain)',
    headers: { 'x-amz-target': 'AWSStepFunctions.DescribeExecution' },
    body: '{}',
    status: 400,
    type: 'SerializationException',
    message: /not "text\/plain/,
  },
  {
    name: 'a body that is not JSON',
    headers: awsJson('DescribeExecution'),
    body: '{"executionArn": ',
    status: 400,
    type: 'SerializationException',
    message: /not valid JSON/,
  },
  { name: 'a JSON array body', headers: awsJson('DescribeExecution'), body: '[]', status: 400, type: 'SerializationException', message: /not an array/ },
  { name: 'a JSON null body', headers: awsJson('DescribeExecution'), body: 'null', status: 400, type: 'SerializationException', message: /not null/ },
  {
    name: 'a body over the limit',
    headers: awsJson('DescribeExecution'),
    body: JSON.stringify({ input: 'x'.repeat(2000) }),
    status: 413,
    type: 'ValidationException',
    message: /exceeds the limit of 1024 bytes/,
  },
  { name: 'a GET of /', headers: {}, body: '', method: 'GET', status: 405, type: 'UnknownOperationException', message: /Method GET not allowed/ },
  {
    name: 'another path',
    headers: awsJson('DescribeExecution'),
    body: '{}',
    path: '/2015-03-31/functions',
    status: 404,
    type: 'UnknownOperationException',
    message: /No such resource/,
  },
];

for (const c of refusals) {
  wire(`refused with ${c.type} (${c.status}): ${c.name}`, async () => {
    const r = await post(c.headers, c.body, c.path, c.method);
    assert.is(r.status, c.status);
    assert.is(r.headers.get('x-amzn-errortype'), c.type);
    assert.is(r.headers.get('content-type'), 'application/x-amz-json-1.0');
    assert.is(r.json().__type, `com.amazonaws.sfn#${c.type}`);
    assert.match(r.json().message, c.message);
  });
}

wire('a chunked body over the limit (no Content-Length) is refused with 413 too', async () => {
  const { request } = await import('node:http');
  const address = server.address()!;
  const status = await new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: address.port, method: 'POST', path: '/', headers: awsJson('DescribeExecution') }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.write('{"input": "');
    req.write('y'.repeat(4096));
    req.end('"}');
  });
  assert.is(status, 413);
});

wire('any Host is served: a hosts entry for sync-localhost reaches the server', async () => {
  const { request } = await import('node:http');
  const address = server.address()!;
  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: address.port,
        method: 'POST',
        path: '/',
        headers: { ...awsJson('DescribeExecution'), host: `sync-localhost:${address.port}` },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ executionArn: 'arn:y' }));
  });
  assert.is(answer.status, 200);
  assert.is(JSON.parse(answer.body).executionArn, 'arn:y');
});

wire('GET /health answers ok', async () => {
  const r = await post({}, '', '/health', 'GET');
  assert.is(r.status, 200);
  assert.equal(r.json(), { status: 'ok' });
});

wire.run();

const logs = suite('serve: logs');

logs('at debug, every request is a JSON line with its request id, operation, status, error type and time; at info, none', async () => {
  const lines: string[] = [];
  const debugServer = createServer(stub, { logger: createLogger('debug', (line) => lines.push(line)) });
  await debugServer.listen(0);
  await fetch(debugServer.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.DescribeExecution' },
    body: '{"executionArn":"missing"}',
  });
  await debugServer.close();
  const entry = JSON.parse(lines.find((l) => l.includes('"request"'))!);
  assert.is(entry.level, 'debug');
  assert.is(entry.operation, 'DescribeExecution');
  assert.is(entry.status, 400);
  assert.is(entry.errorType, 'ExecutionDoesNotExist');
  assert.match(entry.requestId, /^[0-9a-f-]{36}$/);
  assert.type(entry.ms, 'number');
  const quiet: string[] = [];
  const infoServer = createServer(stub, { logger: createLogger('info', (line) => quiet.push(line)) });
  await infoServer.listen(0);
  await fetch(infoServer.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.DescribeExecution' },
    body: '{}',
  });
  await infoServer.close();
  assert.equal(quiet, []);
});

logs('an unknown level is refused', () => {
  assert.throws(() => createLogger('verbose' as never), /log level must be one of silent, error, warn, info, debug/);
});

logs.run();
