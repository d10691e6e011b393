/**
 * One realistic tour of Step Functions' 37 operations, run against any target that answers
 * them (the in-process service, the SDK over HTTP): Standard and Express machines; executions
 * that succeed, fail, are aborted, time out, stay running and are redriven; histories with
 * Task (Lambda, retries, catches, callbacks, activities, nested `.sync`), Wait, Choice,
 * Parallel, Map, Fail and JSONata states; versions, aliases, tags, TestState, validation and
 * the refusals each operation can give; Distributed Maps' map runs (model-map-runs.ts). The target checks every answer; the tour only drives.
 */
import { ITEMS, itemsHandler, mapRunTour } from './model-map-runs.js';

export const ROLE = 'arn:aws:iam::123456789012:role/statemill';
export const DOUBLE = 'arn:aws:lambda:us-east-1:123456789012:function:double';
export const FLAKY = 'arn:aws:lambda:us-east-1:123456789012:function:flaky';
export const SILENT = 'arn:aws:lambda:us-east-1:123456789012:function:silent';
const SQS_CALLBACK = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';

/** What a tour needs of its target: an operation called by wire name, answering or refusing. */
export interface TourTarget {
  /** The operation's answer; a refusal throws an Error whose `name` is AWS's exception name. */
  call(operation: string, request: Record<string, unknown>): Promise<any>;
  /** The refusal of a call that must be refused: its exception name. */
  refuse(operation: string, request: Record<string, unknown>): Promise<string>;
}

/** Task tokens the callback handler received, by the `tag` the execution's input carried. */
export const callbackTokens = new Map<string, string>();

/** Attempts per `key`, so a flaky function fails its first two calls of each execution. */
const flakyAttempts = new Map<string, number>();

/** The handlers the tour's machines call (serve's `handlers`). */
export const tourHandlers = {
  [ITEMS]: itemsHandler,
  [DOUBLE]: (input: { n: number }) => ({ n: input.n * 2 }),
  [FLAKY]: (input: { key: string }) => {
    const attempt = (flakyAttempts.get(input.key) ?? 0) + 1;
    flakyAttempts.set(input.key, attempt);
    if (attempt <= 2) throw Object.assign(new Error('not yet'), { name: 'Flaky.NotYet' });
    return { attempt };
  },
  // Never answers: its Task's TimeoutSeconds ends it.
  [SILENT]: () => new Promise(() => {}),
  'arn:aws:states:::sqs:sendMessage': (input: { MessageBody: { tag: string; token: string } }) => {
    callbackTokens.set(input.MessageBody.tag, input.MessageBody.token);
    return { MessageId: 'm-1' };
  },
};

const json = (value: unknown) => JSON.stringify(value);

/** A definition of every construct whose history is worth checking. */
function everythingDefinition(activityArn: string, childArn: string, comment = 'every state type and Standard construct'): string {
  return json({
    Comment: comment,
    StartAt: 'Double',
    States: {
      Double: { Type: 'Task', Resource: DOUBLE, ResultPath: '$.doubled', Next: 'Invoke' },
      Invoke: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: DOUBLE, Payload: { 'n.$': '$.doubled.n' } },
        ResultSelector: { 'n.$': '$.Payload.n' },
        ResultPath: '$.invoked',
        TimeoutSeconds: 60,
        Next: 'Flaky',
      },
      Flaky: {
        Type: 'Task',
        Resource: FLAKY,
        Parameters: { 'key.$': '$$.Execution.Id' },
        Retry: [{ ErrorEquals: ['Flaky.NotYet'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 }],
        ResultPath: '$.flaky',
        Next: 'Pick',
      },
      Pick: {
        Type: 'Choice',
        Choices: [{ Variable: '$.doubled.n', NumericGreaterThan: 0, Next: 'Nap' }],
        Default: 'Broken',
      },
      Nap: { Type: 'Wait', Seconds: 2, Next: 'Both' },
      Both: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'Left', States: { Left: { Type: 'Pass', Result: 'left', End: true } } },
          {
            StartAt: 'Child',
            States: {
              Child: {
                Type: 'Task',
                Resource: 'arn:aws:states:::states:startExecution.sync:2',
                Parameters: { StateMachineArn: childArn, Input: { n: 1 } },
                End: true,
              },
            },
          },
        ],
        ResultPath: '$.both',
        Next: 'Each',
      },
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Task', Resource: DOUBLE, End: true } } },
        ResultPath: '$.each',
        Next: 'Approve',
      },
      Approve: {
        Type: 'Task',
        Resource: SQS_CALLBACK,
        Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', MessageBody: { 'tag.$': '$.tag', 'token.$': '$$.Task.Token' } },
        HeartbeatSeconds: 600,
        ResultPath: '$.approval',
        Next: 'Work',
      },
      Work: { Type: 'Task', Resource: activityArn, TimeoutSeconds: 600, HeartbeatSeconds: 300, ResultPath: '$.work', Next: 'Sum' },
      Sum: {
        Type: 'Pass',
        QueryLanguage: 'JSONata',
        Assign: { total: '{% $states.input.doubled.n + $states.input.invoked.n %}' },
        Output: '{% $merge([$states.input, {"total": $states.input.doubled.n + $states.input.invoked.n}]) %}',
        Next: 'Risky',
      },
      Risky: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:missing' },
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: 'Done' }],
        Next: 'Done',
      },
      Broken: { Type: 'Fail', Error: 'Tour.Broken', Cause: 'the choice took the default' },
      Done: { Type: 'Succeed' },
    },
  });
}

const childDefinition = json({ StartAt: 'Add', States: { Add: { Type: 'Pass', Parameters: { 'sum.$': 'States.MathAdd($.n, 1)' }, End: true } } });
const failDefinition = json({ StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'Custom.Failure', Cause: 'it broke' } } });
const slowDefinition = json({ TimeoutSeconds: 5, StartAt: 'Sleep', States: { Sleep: { Type: 'Wait', Seconds: 60, End: true } } });
const jsonataFailure = json({
  QueryLanguage: 'JSONata',
  StartAt: 'Compute',
  States: { Compute: { Type: 'Pass', Output: '{% $undefinedFunction(1) %}', End: true } },
});
const timeoutTask = json({
  StartAt: 'Wait for it',
  States: {
    'Wait for it': {
      Type: 'Task',
      Resource: SQS_CALLBACK,
      Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', MessageBody: { tag: 'never', 'token.$': '$$.Task.Token' } },
      TimeoutSeconds: 1,
      End: true,
    },
  },
});
/** A Map whose item fails, caught; then a Parallel whose branch fails: *Failed events of both. */
const failuresDefinition = json({
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: { StartAt: 'Bad', States: { Bad: { Type: 'Fail', Error: 'Item.Bad', Cause: 'bad item' } } },
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.mapError', Next: 'Both' }],
      Next: 'Both',
    },
    Both: {
      Type: 'Parallel',
      Branches: [{ StartAt: 'Worse', States: { Worse: { Type: 'Fail', Error: 'Branch.Bad' } } }],
      End: true,
    },
  },
});

/** Callbacks inside a Parallel and a Map, never answered: StopExecution aborts them all (ExecutionAborted alone, no *StateAborted: as AWS recorded conformance-api test_stop_execution for a Wait). */
function abortedDefinition(tag: string): string {
  const callback = (which: string) => ({
    Type: 'Task',
    Resource: SQS_CALLBACK,
    Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', MessageBody: { tag: `${tag}-${which}`, 'token.$': '$$.Task.Token' } },
    End: true,
  });
  return json({
    StartAt: 'Both',
    States: {
      Both: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'Hold', States: { Hold: callback('branch') } },
          {
            StartAt: 'Each',
            States: { Each: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'Item', States: { Item: callback('item') } }, End: true } },
          },
        ],
        End: true,
      },
    },
  });
}

const passDefinition = json({ StartAt: 'Step', States: { Step: { Type: 'Pass', Result: { done: true }, ResultPath: '$.step', End: true } } });

async function settled(target: TourTarget, executionArn: string): Promise<any> {
  for (let i = 0; i < 400; i++) {
    const described = await target.call('DescribeExecution', { executionArn });
    if (described.status !== 'RUNNING') return described;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${executionArn} still RUNNING`);
}

async function tokenFor(tag: string): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const token = callbackTokens.get(tag);
    if (token !== undefined) return token;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`no task token for ${tag}`);
}

async function allHistory(target: TourTarget, executionArn: string): Promise<any[]> {
  const events: any[] = [];
  let nextToken: string | undefined;
  do {
    const page = await target.call('GetExecutionHistory', { executionArn, maxResults: 20, ...(nextToken === undefined ? {} : { nextToken }) });
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return events;
}

/** The tour; `prefix` keeps each target's names apart. Resolves to the histories it read. */
export async function tour(target: TourTarget, prefix: string): Promise<any[][]> {
  const histories: any[][] = [];
  const history = async (executionArn: string) => {
    const events = await allHistory(target, executionArn);
    histories.push(events);
    await target.call('GetExecutionHistory', { executionArn, reverseOrder: true, includeExecutionData: false, maxResults: 3 });
    return events;
  };

  // State machines and validation.
  const validated = await target.call('ValidateStateMachineDefinition', { definition: passDefinition });
  if (validated.result !== 'OK') throw new Error(`a valid definition validated as ${validated.result}`);
  await target.call('ValidateStateMachineDefinition', { definition: '{"StartAt": "Nowhere", "States": {}}', maxResults: 5 });
  await target.call('ValidateStateMachineDefinition', { definition: 'not json' });
  const { activityArn } = await target.call('CreateActivity', { name: `${prefix}-approve`, tags: [{ key: 'team', value: 'ops' }] });
  await target.call('DescribeActivity', { activityArn });
  await target.call('ListActivities', { maxResults: 1 });
  const child = await target.call('CreateStateMachine', { name: `${prefix}-child`, definition: childDefinition, roleArn: ROLE });
  const main = await target.call('CreateStateMachine', {
    name: `${prefix}-main`,
    definition: everythingDefinition(activityArn, child.stateMachineArn),
    roleArn: ROLE,
    tags: [{ key: 'env', value: 'test' }],
    loggingConfiguration: { level: 'OFF', includeExecutionData: false },
    tracingConfiguration: { enabled: false },
    publish: true,
    versionDescription: 'first',
  });
  await target.call('DescribeStateMachine', { stateMachineArn: main.stateMachineArn });
  await target.call('DescribeStateMachine', { stateMachineArn: main.stateMachineVersionArn });
  await target.call('ListStateMachines', { maxResults: 2 });
  await target.refuse('CreateStateMachine', { name: `${prefix}-bad`, definition: '{"States": {}}', roleArn: ROLE });
  await target.refuse('DescribeStateMachine', { stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:nothing' });
  await target.refuse('DescribeStateMachine', { stateMachineArn: 'not an arn' });

  // Tags.
  await target.call('TagResource', { resourceArn: main.stateMachineArn, tags: [{ key: 'owner', value: 'tour' }] });
  await target.call('ListTagsForResource', { resourceArn: main.stateMachineArn });
  await target.call('UntagResource', { resourceArn: main.stateMachineArn, tagKeys: ['owner'] });
  await target.call('ListTagsForResource', { resourceArn: activityArn });
  await target.refuse('ListTagsForResource', { resourceArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:nothing' });

  // The everything execution: callbacks and an activity keep it RUNNING until answered.
  const tag = `${prefix}-everything`;
  const started = await target.call('StartExecution', {
    stateMachineArn: main.stateMachineArn,
    name: tag,
    input: json({ tag, n: 3, items: [{ n: 1 }, { n: 2 }] }),
    traceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793',
  });
  await target.call('DescribeExecution', { executionArn: started.executionArn });
  await target.call('DescribeStateMachineForExecution', { executionArn: started.executionArn });
  const token = await tokenFor(tag);
  await target.call('SendTaskHeartbeat', { taskToken: token });
  await target.call('SendTaskSuccess', { taskToken: token, output: '{"approved":true}' });
  await target.refuse('SendTaskSuccess', { taskToken: token, output: '{}' });
  await target.refuse('SendTaskSuccess', { taskToken: 'not-a-token', output: '{}' });
  let task = await target.call('GetActivityTask', { activityArn, workerName: 'worker-1' });
  for (let i = 0; i < 50 && task.taskToken === undefined; i++) task = await target.call('GetActivityTask', { activityArn, workerName: 'worker-1' });
  if (task.taskToken === undefined) throw new Error('the activity never handed out its task');
  await target.call('SendTaskHeartbeat', { taskToken: task.taskToken });
  await target.call('SendTaskSuccess', { taskToken: task.taskToken, output: '{"worked":true}' });
  const everything = await settled(target, started.executionArn);
  if (everything.status !== 'SUCCEEDED') throw new Error(`the everything execution ${everything.status}: ${everything.error} ${everything.cause}`);
  await history(started.executionArn);
  await target.call('DescribeExecution', { executionArn: started.executionArn, includedData: 'METADATA_ONLY' });
  await target.call('ListExecutions', { stateMachineArn: main.stateMachineArn });
  // The nested execution started by `.sync:2`.
  const children = await target.call('ListExecutions', { stateMachineArn: child.stateMachineArn, statusFilter: 'SUCCEEDED' });
  for (const execution of children.executions) await history(execution.executionArn);
  await target.call('DescribeExecution', { executionArn: children.executions[0].executionArn });

  // An activity task that fails.
  const activityOnly = await target.call('CreateStateMachine', {
    name: `${prefix}-activity`,
    definition: json({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true } } }),
    roleArn: ROLE,
  });
  const failing = await target.call('StartExecution', { stateMachineArn: activityOnly.stateMachineArn });
  let failingTask = await target.call('GetActivityTask', { activityArn });
  for (let i = 0; i < 50 && failingTask.taskToken === undefined; i++) failingTask = await target.call('GetActivityTask', { activityArn });
  await target.call('SendTaskFailure', { taskToken: failingTask.taskToken, error: 'Work.Refused', cause: 'no capacity' });
  await target.refuse('SendTaskFailure', { taskToken: failingTask.taskToken, error: 'Again' });
  await settled(target, failing.executionArn);
  await history(failing.executionArn);

  // Failed, redriven, aborted, timed-out and JSONata-failed executions.
  const fails = await target.call('CreateStateMachine', { name: `${prefix}-fails`, definition: failDefinition, roleArn: ROLE });
  const failed = await target.call('StartExecution', { stateMachineArn: fails.stateMachineArn, name: 'once', input: '{"a":1}' });
  await settled(target, failed.executionArn);
  await history(failed.executionArn);
  await target.call('DescribeExecution', { executionArn: failed.executionArn });
  const redrive = await target.call('RedriveExecution', { executionArn: failed.executionArn, clientToken: `${prefix}-redrive-1` }).catch((e: Error) => e);
  if (!(redrive instanceof Error)) {
    await settled(target, failed.executionArn);
    await history(failed.executionArn);
    await target.call('DescribeExecution', { executionArn: failed.executionArn });
    await target.call('ListExecutions', { stateMachineArn: fails.stateMachineArn, redriveFilter: 'REDRIVEN' });
    // The same client token answers the same redrive again.
    await target.call('RedriveExecution', { executionArn: failed.executionArn, clientToken: `${prefix}-redrive-1` });
  }
  await target.refuse('RedriveExecution', { executionArn: started.executionArn });
  await target.refuse('StartExecution', { stateMachineArn: fails.stateMachineArn, name: 'once', input: '{"a":2}' });
  await target.refuse('StartExecution', { stateMachineArn: fails.stateMachineArn, input: 'not json' });

  const slow = await target.call('CreateStateMachine', { name: `${prefix}-slow`, definition: slowDefinition, roleArn: ROLE });
  const timedOut = await target.call('StartExecution', { stateMachineArn: slow.stateMachineArn });
  await settled(target, timedOut.executionArn);
  await history(timedOut.executionArn);

  // Timeouts that pass in real time (1 s each, side by side): a callback, an activity nobody polls, a silent Lambda.
  const waiting = await target.call('CreateStateMachine', { name: `${prefix}-waiting`, definition: timeoutTask, roleArn: ROLE });
  const { activityArn: idleActivity } = await target.call('CreateActivity', { name: `${prefix}-idle` });
  const idle = await target.call('CreateStateMachine', {
    name: `${prefix}-idle`,
    definition: json({ StartAt: 'Idle', States: { Idle: { Type: 'Task', Resource: idleActivity, TimeoutSeconds: 1, End: true } } }),
    roleArn: ROLE,
  });
  const silent = await target.call('CreateStateMachine', {
    name: `${prefix}-silent`,
    definition: json({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: SILENT, TimeoutSeconds: 1, End: true } } }),
    roleArn: ROLE,
  });
  const timeouts = [
    await target.call('StartExecution', { stateMachineArn: waiting.stateMachineArn }),
    await target.call('StartExecution', { stateMachineArn: idle.stateMachineArn }),
    await target.call('StartExecution', { stateMachineArn: silent.stateMachineArn }),
  ];
  for (const { executionArn } of timeouts) {
    await settled(target, executionArn);
    await history(executionArn);
  }

  const failures = await target.call('CreateStateMachine', { name: `${prefix}-failures`, definition: failuresDefinition, roleArn: ROLE });
  const failedBoth = await target.call('StartExecution', { stateMachineArn: failures.stateMachineArn, input: '{"items":[1]}' });
  await settled(target, failedBoth.executionArn);
  await history(failedBoth.executionArn);

  const aborts = await target.call('CreateStateMachine', { name: `${prefix}-aborts`, definition: abortedDefinition(`${prefix}-aborts`), roleArn: ROLE });
  const aborted = await target.call('StartExecution', { stateMachineArn: aborts.stateMachineArn, input: '{"items":[1]}' });
  await tokenFor(`${prefix}-aborts-branch`);
  await tokenFor(`${prefix}-aborts-item`);
  await target.call('StopExecution', { executionArn: aborted.executionArn });
  await settled(target, aborted.executionArn);
  await history(aborted.executionArn);

  const held = await target.call('CreateStateMachine', {
    name: `${prefix}-held`,
    definition: json({
      StartAt: 'Hold',
      States: { Hold: { Type: 'Task', Resource: activityArn, End: true } },
    }),
    roleArn: ROLE,
  });
  const running = await target.call('StartExecution', { stateMachineArn: held.stateMachineArn, name: 'running' });
  await target.call('DescribeExecution', { executionArn: running.executionArn });
  await target.call('ListExecutions', { stateMachineArn: held.stateMachineArn, statusFilter: 'RUNNING', maxResults: 1 });
  await target.call('StopExecution', { executionArn: running.executionArn, error: 'Operator.Stop', cause: 'the tour is over' });
  await settled(target, running.executionArn);
  await history(running.executionArn);
  await target.refuse('DescribeExecution', { executionArn: 'arn:aws:states:us-east-1:123456789012:execution:nothing:none' });
  await target.refuse('GetExecutionHistory', { executionArn: 'arn:aws:states:us-east-1:123456789012:execution:nothing:none' });

  const jsonata = await target.call('CreateStateMachine', { name: `${prefix}-jsonata`, definition: jsonataFailure, roleArn: ROLE });
  const evaluation = await target.call('StartExecution', { stateMachineArn: jsonata.stateMachineArn });
  await settled(target, evaluation.executionArn);
  await history(evaluation.executionArn);

  // Express: StartSyncExecution succeeded, failed and timed out; Standard-only operations refused.
  const express = await target.call('CreateStateMachine', {
    name: `${prefix}-express`,
    definition: passDefinition,
    roleArn: ROLE,
    type: 'EXPRESS',
    loggingConfiguration: {
      level: 'ALL',
      includeExecutionData: true,
      destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: 'arn:aws:logs:us-east-1:123456789012:log-group:tour:*' } }],
    },
    tracingConfiguration: { enabled: true },
    encryptionConfiguration: { type: 'AWS_OWNED_KEY' },
  });
  await target.call('DescribeStateMachine', { stateMachineArn: express.stateMachineArn, includedData: 'METADATA_ONLY' });
  await target.call('StartSyncExecution', {
    stateMachineArn: express.stateMachineArn,
    input: '{"a":1}',
    name: 'sync-1',
    traceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793',
  });
  const expressSlow = await target.call('CreateStateMachine', { name: `${prefix}-express-slow`, definition: slowDefinition, roleArn: ROLE, type: 'EXPRESS' });
  await target.call('StartSyncExecution', { stateMachineArn: expressSlow.stateMachineArn });
  await target.call('StartSyncExecution', { stateMachineArn: express.stateMachineArn, input: '{"a":1}', includedData: 'METADATA_ONLY' });
  const expressFails = await target.call('CreateStateMachine', { name: `${prefix}-express-fails`, definition: failDefinition, roleArn: ROLE, type: 'EXPRESS' });
  await target.call('StartSyncExecution', { stateMachineArn: expressFails.stateMachineArn });
  const asynchronous = await target.call('StartExecution', { stateMachineArn: express.stateMachineArn });
  await target.refuse('DescribeExecution', { executionArn: asynchronous.executionArn });
  await target.refuse('ListExecutions', { stateMachineArn: express.stateMachineArn });
  await target.refuse('StartSyncExecution', { stateMachineArn: fails.stateMachineArn });

  // Versions and aliases.
  await target.call('UpdateStateMachine', { stateMachineArn: fails.stateMachineArn, definition: passDefinition, publish: true, versionDescription: 'v1' });
  await target.call('UpdateStateMachine', {
    stateMachineArn: main.stateMachineArn,
    definition: everythingDefinition(activityArn, child.stateMachineArn, 'the second version'),
  });
  const published = await target.call('PublishStateMachineVersion', { stateMachineArn: main.stateMachineArn, description: 'again' });
  await target.call('ListStateMachineVersions', { stateMachineArn: main.stateMachineArn });
  const alias = await target.call('CreateStateMachineAlias', {
    name: 'live',
    description: 'the live one',
    routingConfiguration: [
      { stateMachineVersionArn: main.stateMachineVersionArn, weight: 50 },
      { stateMachineVersionArn: published.stateMachineVersionArn, weight: 50 },
    ],
  });
  await target.call('DescribeStateMachineAlias', { stateMachineAliasArn: alias.stateMachineAliasArn });
  await target.call('ListStateMachineAliases', { stateMachineArn: main.stateMachineArn });
  await target.call('UpdateStateMachineAlias', {
    stateMachineAliasArn: alias.stateMachineAliasArn,
    routingConfiguration: [{ stateMachineVersionArn: published.stateMachineVersionArn, weight: 100 }],
  });
  await target.call('DescribeStateMachine', { stateMachineArn: alias.stateMachineAliasArn });
  const viaAlias = await target.call('StartExecution', {
    stateMachineArn: alias.stateMachineAliasArn,
    input: json({ tag: `${prefix}-alias`, n: 1, items: [] }),
  });
  await target.call('DescribeExecution', { executionArn: viaAlias.executionArn });
  await target.call('StopExecution', { executionArn: viaAlias.executionArn });
  await target.refuse('DeleteStateMachineVersion', { stateMachineVersionArn: published.stateMachineVersionArn });
  await target.call('DeleteStateMachineAlias', { stateMachineAliasArn: alias.stateMachineAliasArn });
  await target.call('DeleteStateMachineVersion', { stateMachineVersionArn: published.stateMachineVersionArn });
  await target.refuse('DescribeStateMachineAlias', { stateMachineAliasArn: alias.stateMachineAliasArn });

  // Pages: every list with a next page.
  await settled(target, (await target.call('StartExecution', { stateMachineArn: fails.stateMachineArn, name: 'twice' })).executionArn);
  await target.call('ListExecutions', { stateMachineArn: main.stateMachineVersionArn });
  for (const [operation, request] of [
    ['ListStateMachines', {}],
    ['ListActivities', {}],
    ['ListExecutions', { stateMachineArn: fails.stateMachineArn }],
  ] as const) {
    const first = await target.call(operation, { ...request, maxResults: 1 });
    if (first.nextToken === undefined) throw new Error(`${operation} gave one item and no next page`);
    await target.call(operation, { ...request, maxResults: 1, nextToken: first.nextToken });
  }
  await target.call('ValidateStateMachineDefinition', {
    definition: json({ StartAt: 'A', States: { A: { Type: 'Pass', End: true }, Orphan: { Type: 'Pass', End: true } } }),
    severity: 'WARNING',
    type: 'STANDARD',
  });

  // Map runs: none for an inline Map; real ones of Distributed Maps.
  await target.call('ListMapRuns', { executionArn: started.executionArn });
  await mapRunTour(target, prefix, ROLE, { history, settled: (executionArn) => settled(target, executionArn) });
  const mapRunArn = `${started.executionArn.replace(':execution:', ':mapRun:')}/Each:00000000-0000-4000-8000-000000000000`;
  await target.refuse('DescribeMapRun', { mapRunArn });
  await target.refuse('UpdateMapRun', { mapRunArn, maxConcurrency: 1 });

  // TestState: succeeded, caught, retriable and failed, at every inspection level.
  await target.call('TestState', {
    definition: json({ Type: 'Pass', Parameters: { 'id.$': '$.id' }, End: true }),
    input: '{"id":7}',
    inspectionLevel: 'DEBUG',
  });
  await target.call('TestState', {
    definition: json({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Fix' }], End: true }),
    input: '{}',
    mock: { errorOutput: { error: 'Card.Declined', cause: 'no funds' } },
    inspectionLevel: 'DEBUG',
  });
  await target.call('TestState', {
    definition: json({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2 }], End: true }),
    input: '{}',
    mock: { errorOutput: { error: 'Card.Declined', cause: 'no funds' } },
    inspectionLevel: 'TRACE',
  });
  await target.call('TestState', {
    definition: json({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'f' }, End: true }),
    input: '{}',
    mock: { result: '{"Payload":{"ok":true},"StatusCode":200}' },
    inspectionLevel: 'INFO',
  });
  await target.call('TestState', {
    definition: json({
      Type: 'Map',
      ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } },
      ToleratedFailureCount: 1,
      MaxConcurrency: 2,
      End: true,
    }),
    input: '[1,2]',
    mock: { result: '[1,2]' },
    inspectionLevel: 'DEBUG',
  });
  await target.call('TestState', { definition: failDefinition, stateName: 'Boom', input: '{}' });
  await target.call('TestState', {
    definition: json({ Type: 'Pass', QueryLanguage: 'JSONata', Assign: { x: '{% $states.input.a %}' }, Output: '{% $x %}', End: true }),
    input: '{"a":1}',
    variables: '{"x":0}',
    inspectionLevel: 'DEBUG',
  });
  await target.refuse('TestState', { definition: json({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true }), input: '{}' });

  // A poll that finds no task answers {} (at once on the virtual clock; after 60 s on a real one).
  const { activityArn: emptyActivity } = await target.call('CreateActivity', { name: `${prefix}-empty` });
  const none = await target.call('GetActivityTask', { activityArn: emptyActivity, workerName: 'idle' });
  if (none.taskToken !== undefined) throw new Error('an activity without work handed out a task');

  // Deletions and what follows them.
  await target.call('DeleteStateMachine', { stateMachineArn: express.stateMachineArn });
  await target.call('DeleteActivity', { activityArn });
  await target.refuse('DescribeActivity', { activityArn });
  await target.refuse('GetActivityTask', { activityArn });
  await target.refuse('SendTaskHeartbeat', { taskToken: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
  await target.refuse('CreateActivity', { name: 'bad name with spaces' });
  return histories;
}
