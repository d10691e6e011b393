import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, operations, ServiceError, virtualClock, type StepFunctionsService } from '../../src/index.js';

/**
 * Requests at and past AWS's bounds: each refusal is the ValidationException AWS words for
 * it, and members the service model marks sensitive (definition, input, error, cause, task
 * token, an alias's description) are left out of the message, as AWS leaves them out, so a
 * refused 256 KiB input is not echoed back.
 */
const hostile = suite('service: hostile requests');

const ROLE = 'arn:aws:iam::123456789012:role/r';
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:waits';
const CALLBACK = JSON.stringify({
  StartAt: 'Wait',
  States: { Wait: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { 'token.$': '$$.Task.Token' }, End: true } },
});

let service: StepFunctionsService;
let executionArn: string;

hostile.before(async () => {
  service = createService({ clock: virtualClock(0), handlers: { 'arn:aws:states:::sqs:sendMessage': () => ({}) } });
  await service.createStateMachine({ name: 'waits', definition: CALLBACK, roleArn: ROLE, publish: true });
  ({ executionArn } = await service.startExecution({ stateMachineArn: MACHINE, name: 'running' }));
});
hostile.after(() => service.close());

const tooLong = (member: string, max: number) =>
  `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${max}`;

const cases: [what: string, call: () => Promise<unknown>, message: string][] = [
  [
    'an empty task token is under the minimum length of 1, not over 2048',
    () => service.sendTaskHeartbeat({ taskToken: '' }),
    "1 validation error detected: Value '' at 'taskToken' failed to satisfy constraint: Member must have length greater than or equal to 1",
  ],
  [
    'a task token over 2048 characters (the model does not mark it sensitive: its value is shown)',
    () => service.sendTaskSuccess({ taskToken: 't'.repeat(2049), output: '{}' }),
    `1 validation error detected: Value '${'t'.repeat(2049)}' at 'taskToken' failed to satisfy constraint: Member must have length less than or equal to 2048`,
  ],
  [
    'an execution input over 262144 characters',
    () => service.startExecution({ stateMachineArn: MACHINE, input: `"${'x'.repeat(262_143)}"` }),
    tooLong('input', 262_144),
  ],
  [
    'an execution input that is not a string',
    () => service.startExecution({ stateMachineArn: MACHINE, input: { a: 1 } as never }),
    "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must be a string",
  ],
  [
    'a definition to validate over 1 MiB',
    () => service.validateStateMachineDefinition({ definition: ' '.repeat(1_048_577) }),
    tooLong('definition', 1_048_576),
  ],
  ['a StopExecution error over 256 characters', () => service.stopExecution({ executionArn, error: 'e'.repeat(257) }), tooLong('error', 256)],
  ['a StopExecution cause over 32768 characters', () => service.stopExecution({ executionArn, cause: 'c'.repeat(32_769) }), tooLong('cause', 32_768)],
  [
    'an alias description over 256 characters',
    () =>
      service.createStateMachineAlias({
        name: 'live',
        description: 'd'.repeat(257),
        routingConfiguration: [{ stateMachineVersionArn: `${MACHINE}:1`, weight: 100 }],
      }),
    tooLong('description', 256),
  ],
];

hostile('regression: UntagResource checks every key (a string of 1 to 128 characters) before removing any', async () => {
  await service.tagResource({ resourceArn: MACHINE, tags: [{ key: 'keep', value: 'v' }] });
  for (const [tagKeys, message] of [
    [['keep', 7], "1 validation error detected: Value '7' at 'tagKeys.2.member' failed to satisfy constraint: Member must be a string"],
    [
      ['keep', 'k'.repeat(129)],
      `1 validation error detected: Value '${'k'.repeat(129)}' at 'tagKeys.2.member' failed to satisfy constraint: Member must have length less than or equal to 128`,
    ],
    [
      ['keep', ''],
      "1 validation error detected: Value '' at 'tagKeys.2.member' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ],
  ] as const) {
    let refused: unknown = null;
    try {
      await service.untagResource({ resourceArn: MACHINE, tagKeys: tagKeys as never });
    } catch (error) {
      refused = error;
    }
    assert.instance(refused, ServiceError);
    assert.is((refused as ServiceError).name, 'ValidationException');
    assert.is((refused as ServiceError).message, message);
  }
  assert.equal((await service.listTagsForResource({ resourceArn: MACHINE })).tags, [{ key: 'keep', value: 'v' }]);
});

hostile(
  'regression: an input or name over its bound is a ValidationException even for a state machine that does not exist, as AWS checks bounds first',
  async () => {
    const missingMachine = 'arn:aws:states:us-east-1:123456789012:stateMachine:missing';
    for (const [call, member, max] of [
      [() => service.startExecution({ stateMachineArn: missingMachine, input: `"${'x'.repeat(262_143)}"` }), 'input', 262_144],
      [() => service.startSyncExecution({ stateMachineArn: missingMachine, input: `"${'x'.repeat(262_143)}"` }), 'input', 262_144],
      [() => service.startExecution({ stateMachineArn: missingMachine, name: 'n'.repeat(81) }), 'name', 80],
    ] as const) {
      let refused: unknown = null;
      try {
        await call();
      } catch (error) {
        refused = error;
      }
      assert.instance(refused, ServiceError);
      assert.is((refused as ServiceError).name, 'ValidationException', `${member}: ${(refused as Error).message.slice(0, 80)}`);
      assert.ok(
        (refused as ServiceError).message.includes(`at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${max}`),
      );
    }
  },
);

hostile('regression: ListMapRuns refuses a nextToken no list gave, as every list does', async () => {
  for (const nextToken of ['bogus', Buffer.from('0:arn:aws:states:us-east-1:123456789012:mapRun:waits/m:1').toString('base64url')]) {
    let refused: unknown = null;
    try {
      await service.listMapRuns({ executionArn, nextToken });
    } catch (error) {
      refused = error;
    }
    assert.instance(refused, ServiceError, nextToken);
    assert.is((refused as ServiceError).name, 'InvalidToken');
  }
  assert.equal(await service.listMapRuns({ executionArn }), { mapRuns: [] });
});

for (const [what, call, message] of cases) {
  hostile(what, async () => {
    let refused: unknown = null;
    try {
      await call();
    } catch (error) {
      refused = error;
    }
    assert.instance(refused, ServiceError, what);
    assert.is((refused as ServiceError).name, 'ValidationException');
    assert.is((refused as ServiceError).message, message);
  });
}

hostile('refused requests leave the execution running and create nothing', async () => {
  assert.is((await service.describeExecution({ executionArn })).status, 'RUNNING');
  assert.equal((await service.listStateMachineAliases({ stateMachineArn: MACHINE })).stateMachineAliases, []);
  assert.is((await service.listExecutions({ stateMachineArn: MACHINE })).executions.length, 1);
});

/** A value String() cannot print: an array nested deeper than the stack (String() recurses through arrays). */
function arrayNested(depth: number): unknown[] {
  let value: unknown[] = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

const unprintable: [kind: string, value: unknown][] = [
  ['an array nested 50,000 deep', arrayNested(50_000)],
  ['an object without a prototype', Object.create(null)],
  ['a list holding an object without a prototype', [Object.create(null)]],
];
const members = [
  'name',
  'definition',
  'roleArn',
  'type',
  'publish',
  'tags',
  'stateMachineArn',
  'executionArn',
  'activityArn',
  'resourceArn',
  'stateMachineAliasArn',
  'stateMachineVersionArn',
  'mapRunArn',
  'maxResults',
  'nextToken',
  'statusFilter',
  'includedData',
  'reverseOrder',
  'routingConfiguration',
  'loggingConfiguration',
  'encryptionConfiguration',
  'inspectionLevel',
  'stateName',
  'workerName',
];

hostile('regression: members String() cannot print (deep arrays, objects without a prototype) are refused with a ServiceError by every operation', async () => {
  const untyped: string[] = [];
  for (const [operation, method] of Object.entries(operations)) {
    if (operation === 'GetActivityTask') continue;
    for (const member of members) {
      for (const [kind, value] of unprintable) {
        try {
          await (service[method] as (request: unknown) => Promise<unknown>).call(service, {
            stateMachineArn: MACHINE,
            name: 'n',
            definition: CALLBACK,
            roleArn: ROLE,
            [member]: value,
          });
        } catch (error) {
          if (!(error instanceof ServiceError)) untyped.push(`${operation} with ${member} = ${kind}: ${String(error)}`);
        }
      }
    }
  }
  assert.equal(untyped, []);
});

hostile.run();
