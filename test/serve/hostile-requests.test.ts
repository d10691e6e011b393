import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeRequest, MAX_REQUEST_DEPTH, OPERATIONS } from '../../src/serve/protocol.js';
import { ServiceError } from '../../src/service/errors.js';
import { startEndpoint, type TestEndpoint } from './endpoint.js';

/**
 * Bad input is never a 500: every operation, given random JSON objects (wrong types, missing
 * and unknown members, near-valid ARNs), answers 200 or a typed 4xx with `__type`.
 */
const hostile = suite('serve: hostile requests');

let t: TestEndpoint;
hostile.before(async () => {
  t = await startEndpoint({ virtualClock: true });
});
hostile.after(() => t.close());

const arnish = fc.constantFrom(
  'arn:aws:states:us-east-1:123456789012:stateMachine:m',
  'arn:aws:states:us-east-1:123456789012:execution:m:e',
  'arn:aws:states:us-east-1:123456789012:activity:a',
  'arn:aws:states:us-east-1:123456789012:express:m:e:1',
  'arn:aws:states:us-east-1:123456789012:stateMachine:m:1',
  'arn:aws:states:us-east-1:123456789012:stateMachine:m:alias',
  'arn:aws:states:us-east-1:123456789012:mapRun:m/x:1',
  'arn:aws:lambda:us-east-1:123456789012:function:f',
  'arn:',
  '',
);
const member = fc.oneof(
  arnish,
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ maxLength: 20 }),
  fc.constant('{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}'),
);
const names = [
  'stateMachineArn',
  'executionArn',
  'activityArn',
  'resourceArn',
  'name',
  'definition',
  'roleArn',
  'input',
  'output',
  'taskToken',
  'maxResults',
  'nextToken',
  'type',
  'tags',
  'tagKeys',
  'mapRunArn',
  'stateMachineAliasArn',
  'stateMachineVersionArn',
  'routingConfiguration',
  'inspectionLevel',
  'mock',
  'error',
  'cause',
  'reverseOrder',
  'includedData',
  'statusFilter',
  'publish',
  'description',
];
const body = fc.dictionary(fc.constantFrom(...names), member, { maxKeys: 5 });

hostile('random request structures for every operation: 200 or a typed 4xx, never a 5xx', async () => {
  const operations = OPERATIONS.filter((op) => op !== 'GetActivityTask');
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...operations), body, async (operation, request) => {
      const response = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${operation}` },
        body: JSON.stringify(request),
      });
      const answer = (await response.json()) as { __type?: string; message?: string };
      if (response.status === 200) return;
      assert.ok(response.status >= 400 && response.status < 500, `${operation} ${JSON.stringify(request)} → ${response.status} ${JSON.stringify(answer)}`);
      assert.match(answer.__type ?? '', /^com\.amazonaws\.sfn#\w+$/);
      assert.type(answer.message, 'string');
    }),
    { numRuns: 400, seed: 20261206 },
  );
});

const nestedArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

hostile('regression: members nested 20,000 deep answer a typed 4xx from every operation, not a 500 (stack overflow)', async () => {
  const operations = OPERATIONS.filter((op) => op !== 'GetActivityTask');
  const untyped: string[] = [];
  for (const operation of operations) {
    for (const member of ['stateMachineArn', 'executionArn', 'activityArn', 'resourceArn', 'name', 'type', 'maxResults', 'nextToken', 'stateName']) {
      const response = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${operation}` },
        body: `{"${member}":${nestedArray(20_000)}}`,
      });
      const answer = (await response.json()) as { __type?: string };
      if (response.status !== 400 || answer.__type !== 'com.amazonaws.sfn#SerializationException')
        untyped.push(`${operation} ${member} → ${response.status} ${answer.__type}`);
    }
  }
  assert.equal(untyped, []);
});

hostile('decodeRequest takes bodies nested up to MAX_REQUEST_DEPTH and refuses deeper ones with a SerializationException', () => {
  assert.equal(decodeRequest(`{"a":${nestedArray(MAX_REQUEST_DEPTH - 1)}}`), { a: JSON.parse(nestedArray(MAX_REQUEST_DEPTH - 1)) });
  for (const body of [`{"a":${nestedArray(MAX_REQUEST_DEPTH)}}`, `{"tags":[${'{"a":'.repeat(40)}1${'}'.repeat(40)}]}`]) {
    try {
      decodeRequest(body);
      assert.unreachable(`accepted ${body.slice(0, 40)}`);
    } catch (error) {
      assert.instance(error, ServiceError);
      assert.is((error as ServiceError).name, 'SerializationException');
    }
  }
});

hostile.run();
