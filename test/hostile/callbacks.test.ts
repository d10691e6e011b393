import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, ServiceError, virtualClock } from '../../src/index.js';
import { handlers as behaviourHandlers, kinds } from './fixtures/behaviours.js';
import { brief, fuzzParameters, hostileStrings, hostileValue, plant } from './support.js';

/**
 * Standard executions waiting for task tokens, driven by random callers: tokens answered
 * twice, answered after a stop, answered with output that is not JSON or too large, errors
 * and causes of every type, heartbeats, stops with odd reasons, in random order. Every
 * refusal is a ServiceError AWS's API knows; every execution settles exactly once (one
 * terminal history event, last) and DescribeExecution agrees with its history.
 */
const callbacks = suite('hostile: task tokens and stops');

const ROLE = 'arn:aws:iam::123456789012:role/r';
const SQS = 'arn:aws:states:::sqs:sendMessage';
const waitTask = (queue: string, extra: object = {}) => ({
  Type: 'Task',
  Resource: `${SQS}.waitForTaskToken`,
  Parameters: { QueueUrl: queue, MessageBody: { 'TaskToken.$': '$$.Task.Token', 'input.$': '$' } },
  ...extra,
});

/** Workflows in the shapes AWS's samples wait for callbacks in: alone, with Retry and Catch, in Parallel branches, in a Map. */
const definitions = [
  { StartAt: 'Wait', States: { Wait: { ...waitTask('q1'), End: true } } },
  {
    StartAt: 'Approve',
    States: {
      Approve: {
        ...waitTask('q1'),
        Retry: [{ ErrorEquals: ['Retryable'], MaxAttempts: 2, IntervalSeconds: 1 }],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Rejected' }],
        Next: 'Done',
      },
      Rejected: { Type: 'Fail', Error: 'Rejected' },
      Done: { Type: 'Succeed' },
    },
  },
  {
    StartAt: 'Both',
    States: {
      Both: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'A', States: { A: { ...waitTask('qa'), End: true } } },
          { StartAt: 'B', States: { B: { ...waitTask('qb'), End: true } } },
        ],
        End: true,
      },
    },
  },
  {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        MaxConcurrency: 2,
        ItemProcessor: { StartAt: 'Item', States: { Item: { ...waitTask('qm'), End: true } } },
        ResultSelector: { 'count.$': 'States.ArrayLength($)' },
        End: true,
      },
    },
  },
  {
    StartAt: 'Act',
    States: {
      Act: {
        Type: 'Task',
        Resource: 'act',
        Retry: [{ ErrorEquals: ['Retryable'], MaxAttempts: 1, IntervalSeconds: 1 }],
        Catch: [{ ErrorEquals: ['Caught'], Next: 'Then' }],
        Next: 'Then',
      },
      Then: { ...waitTask('q2'), End: true },
    },
  },
];

/** The ServiceErrors a caller of these operations may meet. */
const refusals = new Set([
  'TaskDoesNotExist',
  'InvalidToken',
  'InvalidOutput',
  'TaskTimedOut',
  'ValidationException',
  'ExecutionDoesNotExist',
  'InvalidArn',
  'InvalidExecutionInput',
  'ExecutionNotRedrivable',
]);

type Action =
  | { kind: 'start'; definition: number; input: unknown }
  | { kind: 'success'; token: number; output: unknown; asText: boolean }
  | { kind: 'failure'; token: number; error: unknown; cause: unknown }
  | { kind: 'heartbeat'; token: number }
  | { kind: 'stop'; execution: number; error: unknown; cause: unknown }
  | { kind: 'redrive'; execution: number }
  | { kind: 'tick' };

const odd = fc.oneof(hostileValue(1), hostileStrings, fc.constant(undefined));
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant('start' as const),
    definition: fc.nat(),
    input: fc.record({ items: fc.array(fc.nat(9), { maxLength: 4 }), plan: fc.tuple(fc.nat(kinds.length - 1), fc.nat(), fc.nat(3)), extra: hostileValue(1) }),
  }),
  fc.record({ kind: fc.constant('redrive' as const), execution: fc.nat() }),
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('success' as const),
      token: fc.nat(),
      output: fc.oneof(fc.jsonValue({ maxDepth: 2 }), odd),
      asText: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('failure' as const), token: fc.nat(), error: odd, cause: odd }) },
  fc.record({ kind: fc.constant('heartbeat' as const), token: fc.nat() }),
  fc.record({ kind: fc.constant('stop' as const), execution: fc.nat(), error: odd, cause: odd }),
  fc.record({ kind: fc.constant('tick' as const) }),
);

const terminalEvents = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);
const statusOfEvent: Record<string, string> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionAborted: 'ABORTED',
  ExecutionTimedOut: 'TIMED_OUT',
};

/** Runs `call`; a refusal must be a ServiceError of `refusals`, anything else thrown fails the property. */
async function refusedOrDone(what: string, call: () => unknown): Promise<void> {
  try {
    await call();
  } catch (error) {
    assert.ok(error instanceof ServiceError, `${what} threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    assert.ok(refusals.has(error.name), `${what} refused with ${error.name}: ${error.message}`);
  }
}

callbacks('random callers of task tokens and stops: typed refusals only, and every execution settles exactly once', async () => {
  const parameters = fuzzParameters(20261209, 60);
  await fc.assert(
    fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 16 }), async (actions) => {
      const tokens: string[] = [];
      const service = createService({
        clock: virtualClock(0),
        handlers: { [SQS]: (input: { MessageBody: { TaskToken: string } }) => void tokens.push(input.MessageBody.TaskToken), ...behaviourHandlers },
      });
      const context = `seed ${parameters.seed}: ${brief(actions, 1500)}`;
      try {
        const machines: string[] = [];
        for (const [i, definition] of definitions.entries()) {
          const created = await service.createStateMachine({ name: `cb${i}`, definition: JSON.stringify(definition), roleArn: ROLE });
          machines.push(created.stateMachineArn);
        }
        const executions: string[] = [];
        for (const a of actions) {
          const token = tokens.length === 0 ? 'no-such-token' : tokens[(a as { token?: number }).token! % tokens.length]!;
          switch (a.kind) {
            case 'start': {
              const input = JSON.stringify(plant(a.input));
              await refusedOrDone(`startExecution ${context}`, async () => {
                executions.push((await service.startExecution({ stateMachineArn: machines[a.definition % machines.length]!, input })).executionArn);
              });
              break;
            }
            case 'success': {
              const output = plant(a.output);
              await refusedOrDone(`sendTaskSuccess ${brief(output)} ${context}`, () =>
                service.sendTaskSuccess({ taskToken: token, output: (a.asText ? JSON.stringify(output) : output) as string }),
              );
              break;
            }
            case 'failure':
              await refusedOrDone(`sendTaskFailure ${context}`, () =>
                service.sendTaskFailure({ taskToken: token, error: plant(a.error) as string, cause: plant(a.cause) as string }),
              );
              break;
            case 'heartbeat':
              await refusedOrDone(`sendTaskHeartbeat ${context}`, () => service.sendTaskHeartbeat({ taskToken: token }));
              break;
            case 'stop':
              if (executions.length > 0) {
                const executionArn = executions[a.execution % executions.length]!;
                await refusedOrDone(`stopExecution ${context}`, () =>
                  service.stopExecution({ executionArn, error: plant(a.error) as string, cause: plant(a.cause) as string }),
                );
              }
              break;
            case 'redrive':
              if (executions.length > 0) {
                const executionArn = executions[a.execution % executions.length]!;
                await refusedOrDone(`redriveExecution ${context}`, () => service.redriveExecution({ executionArn }));
              }
              break;
            case 'tick':
              await new Promise((resolve) => setImmediate(resolve));
              break;
          }
        }
        for (const executionArn of executions) await service.stopExecution({ executionArn });
        await new Promise((resolve) => setImmediate(resolve));
        for (const executionArn of executions) {
          const described = await service.describeExecution({ executionArn });
          const { events } = await service.getExecutionHistory({ executionArn, maxResults: 1000 });
          const ends = events.filter((e) => terminalEvents.has(e.type));
          // Each redrive reopens a failed execution, which then ends again.
          const redrives = events.filter((e) => e.type === 'ExecutionRedriven').length;
          assert.is(ends.length, 1 + redrives, `${executionArn} has ${ends.length} terminal events and ${redrives} redrives: ${context}`);
          assert.is(events[events.length - 1], ends[ends.length - 1], `the terminal event of ${executionArn} is not its last: ${context}`);
          assert.is(described.status, statusOfEvent[ends[ends.length - 1]!.type], `${executionArn}: ${context}`);
        }
      } finally {
        await service.close();
      }
    }),
    parameters,
  );
});

callbacks.run();
