import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, virtualClock, type Handlers, type HistoryLevel, type StepFunctionsService } from '../../src/index.js';
import { citedId, citing, citingEnteredId } from '../support/citing.js';
import { roleArn, withFreshStore, type FreshStore } from '../support/stores.js';

/**
 * The events of Standard workflows' Tasks count in a later state's cause ("entered at the
 * event id #N"): N is the id of that state's StateEntered in the history GetExecutionHistory
 * returns, and the same when the service records no history. A callback
 * (`.waitForTaskToken`) or `.sync` Task records TaskSubmitted between TaskStarted and its end,
 * whether the resource's call answers synchronously or later, the token is answered inside
 * the call or after the execution parked, and across a restart over the same store between
 * the parking and the answer; such a Task runs on the main line, in a Parallel's branch and
 * in a Map's two iterations. An activity task records ActivityStarted only when a worker
 * takes it. The state after the Task fails citing its own entry.
 */
const submitted = suite('event ids cited after Standard Tasks: callbacks, .sync jobs, activities');

const CALLBACK = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';
const SYNC = 'arn:aws:states:::states:startExecution.sync';

function callbackTask(name: string): Record<string, unknown> {
  return { Type: 'Task', Resource: CALLBACK, Parameters: { QueueUrl: 'q', MessageBody: { 'TaskToken.$': '$$.Task.Token', name } }, End: true };
}

function syncTask(childArn: string): Record<string, unknown> {
  return { Type: 'Task', Resource: SYNC, Parameters: { StateMachineArn: childArn }, End: true };
}

/** Where the Task runs, then Citing. */
const places: { name: string; machine: (task: (name: string) => Record<string, unknown>) => unknown; waits: number }[] = [
  {
    name: 'on the main line',
    machine: (task) => ({ StartAt: 'Ask', States: { Ask: { ...task('Ask'), End: undefined, Next: 'Citing' }, Citing: citing } }),
    waits: 1,
  },
  {
    name: "in a Parallel's branch beside a Pass branch",
    machine: (task) => ({
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Ask', States: { Ask: task('Ask') } },
            { StartAt: 'Quick', States: { Quick: { Type: 'Pass', End: true } } },
          ],
          Next: 'Citing',
        },
        Citing: citing,
      },
    }),
    waits: 1,
  },
  {
    name: "in a Map's two iterations",
    machine: (task) => ({
      StartAt: 'Each',
      States: { Each: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'Ask', States: { Ask: task('Ask') } }, Next: 'Citing' }, Citing: citing },
    }),
    waits: 2,
  },
];

/** How the callback's resource answers its call, and when the token is answered. */
type Answering = 'inside the synchronous call' | 'after its synchronous call, once parked' | 'after its call resolved, once parked';
const answerings: Answering[] = ['inside the synchronous call', 'after its synchronous call, once parked', 'after its call resolved, once parked'];

async function turns(n = 30): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

/** The tokens the callback's resource was given, and the calls still to resolve (`after its call resolved`). */
function sqs(answering: Answering, service: () => StepFunctionsService) {
  const tokens: string[] = [];
  const unresolved: (() => void)[] = [];
  const handlers = {
    'arn:aws:states:::sqs:sendMessage': (input: { MessageBody: { TaskToken: string } }) => {
      const token = input.MessageBody.TaskToken;
      if (answering === 'inside the synchronous call') {
        void service().sendTaskSuccess({ taskToken: token, output: '{}' });
        return { MessageId: 'm' };
      }
      tokens.push(token);
      if (answering === 'after its synchronous call, once parked') return { MessageId: 'm' };
      return new Promise((resolve) => unresolved.push(() => resolve({ MessageId: 'm' })));
    },
  };
  return { tokens, unresolved, handlers };
}

/** Citing's PassStateEntered id in the history `service` returns for `executionArn`; the history holds `submittedEvents` TaskSubmitted events. */
async function enteredId(service: StepFunctionsService, executionArn: string, submittedEvents: number): Promise<number> {
  const { events } = await service.getExecutionHistory({ executionArn, maxResults: 1000 });
  assert.is(events.filter((e) => e.type === 'TaskSubmitted').length, submittedEvents, 'TaskSubmitted recorded once per call');
  return citingEnteredId(events);
}

/** Runs the callback machine of `place` on a service made by `open`, answering as `answering` says; `restart` opens the service that answers. Returns the cited id and the answering service. */
async function runCallback(place: (typeof places)[number], answering: Answering, open: (handlers: Handlers) => StepFunctionsService, restart: boolean) {
  let current: StepFunctionsService | null = null;
  const resource = sqs(answering, () => current!);
  current = open(resource.handlers);
  const { stateMachineArn } = await current.createStateMachine({ name: 'asks', roleArn, definition: JSON.stringify(place.machine(callbackTask)) });
  const { executionArn } = await current.startExecution({ stateMachineArn, name: 'asking', input: '{"items":[1,2]}' });
  await turns();
  if (answering !== 'inside the synchronous call') {
    assert.is((await current.describeExecution({ executionArn })).status, 'RUNNING', 'parked');
    assert.is(resource.tokens.length, place.waits, 'every call made');
    for (const resolve of resource.unresolved.splice(0)) resolve();
    await turns();
    if (restart) current = open(sqs(answering, () => current!).handlers);
    for (const taskToken of resource.tokens) await current.sendTaskSuccess({ taskToken, output: '{}' });
  }
  const ended = await current.waitForExecution({ executionArn });
  return { cited: citedId(ended.cause), service: current, executionArn };
}

for (const place of places) {
  for (const answering of answerings) {
    submitted(`a callback Task ${place.name}, its token answered ${answering}`, async () => {
      const services: StepFunctionsService[] = [];
      const open = (history: HistoryLevel) => (handlers: Handlers) => {
        const service = createService({ clock: virtualClock(0), handlers, history });
        services.push(service);
        return service;
      };
      try {
        const recorded = await runCallback(place, answering, open('ALL'), false);
        const entered = await enteredId(recorded.service, recorded.executionArn, place.waits);
        assert.is(recorded.cited, entered, 'with a history');
        assert.is((await runCallback(place, answering, open('OFF'), false)).cited, entered, 'without a history');
      } finally {
        for (const service of services) await service.close();
      }
    });
    if (answering === 'inside the synchronous call') continue;
    submitted(`a callback Task ${place.name}, its token answered ${answering}, after a restart over the store`, async () => {
      const runs: { cited: number; entered: number | null }[] = [];
      for (const history of ['ALL', 'OFF'] as const) {
        await withFreshStore(async (store: FreshStore) => {
          const run = await runCallback(place, answering, (handlers) => store.open({ clock: virtualClock(0), handlers, history }), true);
          runs.push({ cited: run.cited, entered: history === 'ALL' ? await enteredId(run.service, run.executionArn, place.waits) : null });
        });
      }
      assert.is(runs[0]!.cited, runs[0]!.entered, 'with a history');
      assert.is(runs[1]!.cited, runs[0]!.entered, 'without a history');
    });
  }
}

for (const place of places) {
  submitted(`a .sync Task ${place.name}, its child succeeding`, async () => {
    const cited: number[] = [];
    let entered = 0;
    for (const history of ['ALL', 'OFF'] as const) {
      const service = createService({ clock: virtualClock(0), history });
      try {
        const child = await service.createStateMachine({
          name: 'child',
          roleArn,
          definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
        });
        const machine = place.machine(() => syncTask(child.stateMachineArn));
        const { stateMachineArn } = await service.createStateMachine({ name: 'parent', roleArn, definition: JSON.stringify(machine) });
        const { executionArn } = await service.startExecution({ stateMachineArn, input: '{"items":[1,2]}' });
        const ended = await service.waitForExecution({ executionArn });
        cited.push(citedId(ended.cause));
        if (history === 'ALL') entered = await enteredId(service, executionArn, place.waits);
      } finally {
        await service.close();
      }
    }
    assert.equal(cited, [entered, entered], 'with a history, then without');
  });
}

/** An activity Task that times out (TimeoutSeconds 1, real time), a worker having taken its task or not, caught into Citing. */
for (const taken of [false, true]) {
  submitted(`an activity Task timing out, ${taken ? 'after a worker took its task' : 'no worker having taken its task'}`, async () => {
    const runs = await Promise.all(
      (['ALL', 'OFF'] as const).map(async (history) => {
        const service = createService({ history });
        try {
          const { activityArn } = await service.createActivity({ name: 'review' });
          const machine = {
            StartAt: 'Review',
            States: {
              Review: { Type: 'Task', Resource: activityArn, TimeoutSeconds: 1, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Citing' }], Next: 'Citing' },
              Citing: citing,
            },
          };
          const { stateMachineArn } = await service.createStateMachine({ name: 'reviews', roleArn, definition: JSON.stringify(machine) });
          const { executionArn } = await service.startExecution({ stateMachineArn, input: '{}' });
          if (taken) assert.ok((await service.getActivityTask({ activityArn, workerName: 'w' })).taskToken, 'a worker took the task');
          const ended = await service.waitForExecution({ executionArn });
          return { cited: citedId(ended.cause), entered: history === 'ALL' ? await enteredId(service, executionArn, 0) : null };
        } finally {
          await service.close();
        }
      }),
    );
    assert.is(runs[0]!.cited, runs[0]!.entered, 'with a history');
    assert.is(runs[1]!.cited, runs[0]!.entered, 'without a history');
  });
}

submitted.run();
