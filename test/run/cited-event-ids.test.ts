import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, createService, virtualClock, type Handlers } from '../../src/index.js';
import { citedId, citing, citingEnteredId } from '../support/citing.js';

/**
 * The "entered at the event id #N" a cause cites, after a failure inside a Parallel branch or
 * a Map iteration that the Parallel or Map catches, retries or tolerates: N is the id of the
 * failing state's StateEntered in the recorded history, and the same without a history (the
 * engine then counts the ids itself), and in a Standard execution of createService(), whose
 * branches and iterations run as parkable threads. Each row puts one failing thread body in
 * each container; the state after the container fails citing its own event id.
 */
const cited = suite('event ids cited after failures in branches and iterations');

function named(name: string): Error {
  const e = new Error('went wrong');
  e.name = name;
  return e;
}

const handlers: Handlers = {
  throws: () => {
    throw named('Boom');
  },
  rejects: async () => {
    throw named('Boom');
  },
  answers: () => ({ ok: true }),
  answersLater: async () => ({ ok: true }),
  // Held until the state after the container runs: the thread is still running when its sibling fails the container.
  answersAfterAbort: () => new Promise((resolve) => held.push(() => resolve({ ok: true }))),
  failsAfterAbort: () => new Promise((_, reject) => held.push(() => reject(named('Late')))),
  // The state after the container: lets the held calls end, and ends once they had time to record anything.
  releases: async () => {
    for (const release of held.splice(0)) release();
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    return {};
  },
};
const held: (() => void)[] = [];

const retryOnce = [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1, IntervalSeconds: 1 }];
const catchAll = [{ ErrorEquals: ['States.ALL'], Next: 'Citing' }];

/** Thread bodies that fail: their states, the first one starting. */
const bodies: { name: string; states: Record<string, unknown>; tolerantOnly?: true }[] = [
  { name: 'a Task whose handler throws', states: { T: { Type: 'Task', Resource: 'throws', End: true } } },
  { name: 'a Task whose handler rejects', states: { T: { Type: 'Task', Resource: 'rejects', End: true } } },
  { name: 'a Task whose Retry gives up (handler throws)', states: { T: { Type: 'Task', Resource: 'throws', Retry: retryOnce, End: true } } },
  { name: 'a Task whose Retry gives up (handler rejects)', states: { T: { Type: 'Task', Resource: 'rejects', Retry: retryOnce, End: true } } },
  {
    name: 'a Task failing in Arguments, before any handler call',
    states: { T: { Type: 'Task', QueryLanguage: 'JSONata', Resource: 'answers', Arguments: '{% $undefinedfn() %}', End: true } },
  },
  {
    name: 'a Task failing in Arguments on every attempt of its Retry',
    states: { T: { Type: 'Task', QueryLanguage: 'JSONata', Resource: 'answers', Arguments: '{% $undefinedfn() %}', Retry: retryOnce, End: true } },
  },
  {
    name: 'a Task failing in TimeoutSeconds, before any handler call',
    states: { T: { Type: 'Task', QueryLanguage: 'JSONata', Resource: 'answers', TimeoutSeconds: '{% $undefinedfn() %}', End: true } },
  },
  {
    name: 'a Task failing in Output after TaskSucceeded',
    states: { T: { Type: 'Task', QueryLanguage: 'JSONata', Resource: 'answers', Output: '{% $undefinedfn() %}', End: true } },
  },
  {
    name: 'a Task failing in Output after an asynchronous TaskSucceeded',
    states: { T: { Type: 'Task', QueryLanguage: 'JSONata', Resource: 'answersLater', Output: '{% $undefinedfn() %}', End: true } },
  },
  // States.Runtime: no Catch takes it, a Map's tolerance does.
  {
    name: 'a Task failing in Parameters (JSONPath), before any handler call',
    states: { T: { Type: 'Task', Resource: 'answers', Parameters: { 'x.$': '$.missing' }, End: true } },
    tolerantOnly: true,
  },
  {
    name: 'a Task failing in ResultSelector (JSONPath) after TaskSucceeded',
    states: { T: { Type: 'Task', Resource: 'answers', ResultSelector: { 'x.$': '$.missing' }, End: true } },
    tolerantOnly: true,
  },
  {
    name: 'a Task caught inside the thread, then a Fail state',
    states: { T: { Type: 'Task', Resource: 'throws', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'F' }], End: true }, F: { Type: 'Fail', Error: 'E' } },
  },
  { name: 'a Fail state', states: { F: { Type: 'Fail', Error: 'E', Cause: 'c' } } },
  { name: 'a Pass state whose Output fails', states: { P: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $undefinedfn() %}', End: true } } },
  {
    name: 'a Pass, then a Task whose handler throws',
    states: { P: { Type: 'Pass', Next: 'T' }, T: { Type: 'Task', Resource: 'throws', End: true } },
  },
  {
    name: 'a nested Parallel whose branch Task throws',
    states: { N: { Type: 'Parallel', Branches: [{ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'throws', End: true } } }], End: true } },
  },
  {
    name: 'a nested Parallel whose branch Task rejects',
    states: { N: { Type: 'Parallel', Branches: [{ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'rejects', End: true } } }], End: true } },
  },
  {
    name: 'a nested Map whose iteration Task throws',
    states: {
      N: {
        Type: 'Map',
        ItemsPath: '$$.Execution.Input.items',
        ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'throws', End: true } } },
        End: true,
      },
    },
  },
  {
    name: 'a nested Map whose iteration fails in Arguments',
    states: {
      N: {
        Type: 'Map',
        ItemsPath: '$$.Execution.Input.items',
        ItemProcessor: {
          StartAt: 'T',
          States: { T: { Type: 'Task', QueryLanguage: 'JSONata', Resource: 'answers', Arguments: '{% $undefinedfn() %}', End: true } },
        },
        End: true,
      },
    },
  },
];

/** Where a body runs: a Parallel's branch or a Map's iterations over two items, then Citing. */
const containers: { name: string; tolerant?: true; state: (body: Record<string, unknown>) => Record<string, unknown> }[] = [
  { name: "a Parallel's Catch", state: (body) => ({ Type: 'Parallel', Branches: [body], Catch: catchAll, Next: 'Citing' }) },
  { name: "a Parallel's Retry, then its Catch", state: (body) => ({ Type: 'Parallel', Branches: [body], Retry: retryOnce, Catch: catchAll, Next: 'Citing' }) },
  {
    name: "a Parallel's Catch, a sibling branch succeeding first",
    state: (body) => ({
      Type: 'Parallel',
      Branches: [{ StartAt: 'S', States: { S: { Type: 'Task', Resource: 'answers', End: true } } }, body],
      Catch: catchAll,
      Next: 'Citing',
    }),
  },
  {
    name: "a Parallel's Catch, two branches failing alike",
    state: (body) => ({ Type: 'Parallel', Branches: [body, renamed(body, '2')], Catch: catchAll, Next: 'Citing' }),
  },
  {
    name: "an inline Map's Catch (MaxConcurrency 0)",
    state: (body) => ({ Type: 'Map', ItemsPath: '$.items', ItemProcessor: body, Catch: catchAll, Next: 'Citing' }),
  },
  {
    name: "an inline Map's Catch (MaxConcurrency 1)",
    state: (body) => ({ Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 1, ItemProcessor: body, Catch: catchAll, Next: 'Citing' }),
  },
  {
    name: "an inline Map's Retry, then its Catch",
    state: (body) => ({ Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 1, ItemProcessor: body, Retry: retryOnce, Catch: catchAll, Next: 'Citing' }),
  },
  {
    name: "an inline Map's Catch of its exceeded ToleratedFailureCount",
    state: (body) => ({ Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 1, ToleratedFailureCount: 1, ItemProcessor: body, Catch: catchAll, Next: 'Citing' }),
  },
  {
    name: 'an inline Map tolerating every failure',
    tolerant: true,
    state: (body) => ({ Type: 'Map', ItemsPath: '$.items', ToleratedFailurePercentage: 100, ItemProcessor: body, Next: 'Citing' }),
  },
  {
    name: 'an inline Map tolerating every failure (MaxConcurrency 1)',
    tolerant: true,
    state: (body) => ({ Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 1, ToleratedFailurePercentage: 100, ItemProcessor: body, Next: 'Citing' }),
  },
];

/** `value` with every state name in it (States keys, StartAt, Next) ending in `suffix`: state names are unique in a machine. */
function renamed(value: unknown, suffix: string): any {
  if (Array.isArray(value)) return value.map((v) => renamed(v, suffix));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => {
      if (key === 'StartAt' || key === 'Next') return [key, `${v as string}${suffix}`];
      if (key === 'States') return [key, Object.fromEntries(Object.entries(v as object).map(([name, state]) => [`${name}${suffix}`, renamed(state, suffix)]))];
      return [key, renamed(v, suffix)];
    }),
  );
}

function definition(container: (body: Record<string, unknown>) => Record<string, unknown>, states: Record<string, unknown>): unknown {
  const body = { StartAt: Object.keys(states)[0], States: states };
  return { StartAt: 'Threads', States: { Threads: container(body), Citing: citing } };
}

const input = { items: [1, 2] };

/** Runs `definition` with `history: 'ALL'` and without, and as a Standard execution: each cites Citing's StateEntered id. */
async function assertCitesEnteredId(definition: unknown): Promise<void> {
  const recorded = await compile(definition, { handlers, clock: virtualClock(0), history: 'ALL' }).execute(input);
  const entered = citingEnteredId(recorded.history!);
  assert.is(citedId(recorded.cause), entered, 'with a history');
  const counted = await compile(definition, { handlers, clock: virtualClock(0) }).execute(input);
  assert.is(citedId(counted.cause), entered, 'without a history');
  const { stateMachineArn } = await service.createStateMachine({ name: `m${machines++}`, roleArn: ROLE, definition: JSON.stringify(definition) });
  const { executionArn } = await service.startExecution({ stateMachineArn, input: JSON.stringify(input) });
  const standard = await service.waitForExecution({ executionArn });
  const { events } = await service.getExecutionHistory({ executionArn, maxResults: 1000 });
  assert.is(citedId(standard.cause), citingEnteredId(events), 'in a Standard execution');
}
const ROLE = 'arn:aws:iam::123456789012:role/statemill';
const service = createService({ clock: virtualClock(0), handlers });
let machines = 0;

for (const body of bodies) {
  for (const container of containers) {
    if (body.tolerantOnly && !container.tolerant) continue;
    cited(`${body.name}, in ${container.name}`, async () => {
      await assertCitesEnteredId(definition(container.state, body.states));
    });
  }
}

/** The same bodies as the state itself, with its own Catch (no container). */
for (const body of bodies) {
  const [start, { End: _end, ...state }] = Object.entries(body.states)[0]! as [string, Record<string, unknown>];
  if (state.Type !== 'Task' || 'Catch' in state || body.tolerantOnly) continue;
  cited(`${body.name}, caught by its own Catch`, async () => {
    await assertCitesEnteredId({ StartAt: start, States: { [start]: { ...state, Catch: catchAll, Next: 'Citing' }, Citing: citing } });
  });
}

/**
 * A thread still running when its sibling fails the Parallel or Map is aborted: AWS records its
 * Task's TaskStateAborted (and a Map's MapIterationAborted), then nothing more of it, however
 * its call ends later. Each row's thread is held in its call until the state after the
 * container (Releases) runs; its sibling fails at once. Releases then Citing follow, and
 * their events are all the history holds after the container.
 */
const abortedBodies: { name: string; states: Record<string, unknown> }[] = [
  { name: 'a Task answering after the abort', states: { S: { Type: 'Task', Resource: 'answersAfterAbort', Next: 'S2' }, S2: { Type: 'Pass', End: true } } },
  { name: 'a Task failing after the abort', states: { S: { Type: 'Task', Resource: 'failsAfterAbort', End: true } } },
  {
    name: 'a Task failing after the abort, into its Catch',
    states: {
      S: { Type: 'Task', Resource: 'failsAfterAbort', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'S2' }], End: true },
      S2: { Type: 'Pass', End: true },
    },
  },
  {
    name: 'a nested Parallel whose branch answers after the abort',
    states: {
      N: { Type: 'Parallel', Branches: [{ StartAt: 'S', States: { S: { Type: 'Task', Resource: 'answersAfterAbort', End: true } } }], Next: 'S2' },
      S2: { Type: 'Pass', End: true },
    },
  },
];
const failing = { StartAt: 'F', States: { F: { Type: 'Task', Resource: 'rejects', End: true } } };
const catchToReleases = [{ ErrorEquals: ['States.ALL'], Next: 'Releases' }];
const abortingContainers: { name: string; state: (running: Record<string, unknown>) => Record<string, unknown> }[] = [
  { name: 'a Parallel', state: (running) => ({ Type: 'Parallel', Branches: [running, failing], Catch: catchToReleases, Next: 'Releases' }) },
  {
    name: 'an inline Map (item 1 runs the thread, item 2 fails)',
    state: (running) => ({
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        StartAt: 'Route',
        States: {
          Route: { Type: 'Choice', Choices: [{ Variable: '$', NumericEquals: 1, Next: running.StartAt as string }], Default: 'F' },
          ...(running.States as object),
          ...failing.States,
        },
      },
      Catch: catchToReleases,
      Next: 'Releases',
    }),
  },
];

for (const body of abortedBodies) {
  for (const container of abortingContainers) {
    cited(`${body.name}, in ${container.name} failed by its sibling: nothing recorded after its abort`, async () => {
      const running = { StartAt: Object.keys(body.states)[0], States: body.states };
      const definition = {
        StartAt: 'Threads',
        States: { Threads: container.state(running), Releases: { Type: 'Task', Resource: 'releases', Next: 'Citing' }, Citing: citing },
      };
      await assertCitesEnteredId(definition);
      const recorded = await compile(definition, { handlers, clock: virtualClock(0), history: 'ALL' }).execute(input);
      const types = recorded.history!.map((e) => e.type);
      assert.ok(types.includes('TaskStateAborted'), 'the running thread was aborted');
      assert.equal(
        types.slice(types.findIndex((t) => t === 'ParallelStateExited' || t === 'MapStateExited') + 1),
        ['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'PassStateEntered', 'EvaluationFailed', 'ExecutionFailed'],
        "after the container, Releases' and Citing's events only",
      );
    });
  }
}

cited("two branches whose calls fail in the same turn: the Parallel's failure aborts each branch's Task once", async () => {
  const definition = {
    StartAt: 'Threads',
    States: { Threads: { Type: 'Parallel', Branches: [failing, renamed(failing, '2')], Catch: catchAll, Next: 'Citing' }, Citing: citing },
  };
  await assertCitesEnteredId(definition);
  const recorded = await compile(definition, { handlers, clock: virtualClock(0), history: 'ALL' }).execute(input);
  const types = recorded.history!.map((e) => e.type);
  assert.equal(types.slice(types.lastIndexOf('TaskFailed') + 1, types.indexOf('ParallelStateExited')), [
    'TaskStateAborted',
    'TaskStateAborted',
    'ParallelStateFailed',
  ]);
});

cited.run();
