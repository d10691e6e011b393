import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, operations, ServiceError, virtualClock } from '../../src/index.js';

/**
 * No operation answers a malformed request with an untyped crash: every member of every
 * request set to values of the wrong type, alone and all at once, is either accepted or
 * refused with a ServiceError.
 */

const members = [
  'name',
  'definition',
  'roleArn',
  'type',
  'loggingConfiguration',
  'tags',
  'tracingConfiguration',
  'publish',
  'versionDescription',
  'encryptionConfiguration',
  'stateMachineArn',
  'maxResults',
  'nextToken',
  'input',
  'traceHeader',
  'includedData',
  'executionArn',
  'statusFilter',
  'mapRunArn',
  'redriveFilter',
  'error',
  'cause',
  'reverseOrder',
  'includeExecutionData',
  'activityArn',
  'workerName',
  'resourceArn',
  'tagKeys',
  'revisionId',
  'description',
  'stateMachineVersionArn',
  'routingConfiguration',
  'stateMachineAliasArn',
  'maxConcurrency',
  'toleratedFailureCount',
  'toleratedFailurePercentage',
  'severity',
  'clientToken',
];
const wrongValues: unknown[] = [
  1,
  'x',
  {},
  [],
  true,
  null,
  [1],
  [{}],
  [null],
  -1,
  1.5,
  { a: 1 },
  [{ key: 1, value: {} }],
  [{ stateMachineVersionArn: 1, weight: 'x' }],
];
const machineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:m';

test('every operation refuses requests of the wrong shape with a ServiceError', async () => {
  const s = createService({ clock: virtualClock(0) });
  await s.createStateMachine({
    name: 'm',
    definition: '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}',
    roleArn: 'arn:aws:iam::123456789012:role/r',
    publish: true,
  });
  const untyped: string[] = [];
  for (const [op, method] of Object.entries(operations)) {
    const requests: unknown[] = [null, undefined, 1, 'x', []];
    for (const v of wrongValues) requests.push(Object.fromEntries(members.map((m) => [m, v])));
    for (const v of wrongValues) for (const m of members) requests.push({ stateMachineArn: machineArn, [m]: v });
    for (const request of requests) {
      try {
        await (s[method] as (r: unknown) => Promise<unknown>).call(s, request);
      } catch (thrown) {
        if (!(thrown instanceof ServiceError)) untyped.push(`${op}(${JSON.stringify(request)?.slice(0, 120)}): ${String(thrown)}`);
      }
    }
  }
  await s.close();
  assert.equal(untyped.slice(0, 10), []);
});

test.run();
