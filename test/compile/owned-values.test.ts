import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock, type ExecutionResult } from '../../src/index.js';
import { passesOwnedValue } from '../../src/compile/owned-values.js';
import type { MachineEnv } from '../../src/compile/context.js';

/**
 * A ResultPath `$.name` after another one may set its result in the copy the first made,
 * while only states that read their input (a Choice, a Task whose handler gets parts of it)
 * have come between (compile/owned-values.ts). Nothing may see the difference: each case
 * below keeps a reference to a state's output or input somewhere a later in-place write
 * would show (a handler, a variable, a Parallel's branch, a history), and checks it did not.
 */
const owned = suite('owned ResultPath copies');

const START = Date.UTC(2026, 0, 1);
const run = (definition: object, handlers: Record<string, (input: any) => unknown>, input: unknown, history?: 'ALL'): ExecutionResult =>
  compile(definition, { handlers, clock: virtualClock(START), ...(history ? { history } : {}) }).run(input) as ExecutionResult;

const task = (resource: string, extra: Record<string, unknown>) => ({ Type: 'Task', Resource: resource, ...extra });

owned('a Choice between two ResultPaths: both results set, the execution input untouched', () => {
  const input = { id: 'a1', n: 3 };
  const r = run(
    {
      StartAt: 'First',
      States: {
        First: task('first', { Parameters: { 'id.$': '$.id' }, ResultPath: '$.first', Next: 'Check' }),
        Check: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 1, Next: 'Second' }], Default: 'Second' },
        Second: task('second', { Parameters: { 'id.$': '$.id', 'got.$': '$.first.v' }, ResultPath: '$.second', End: true }),
      },
    },
    { first: () => ({ v: 1 }), second: (p) => ({ echoed: p }) },
    input,
  );
  assert.is(r.status, 'SUCCEEDED');
  assert.equal(r.output, { id: 'a1', n: 3, first: { v: 1 }, second: { echoed: { id: 'a1', got: 1 } } });
  assert.equal(input, { id: 'a1', n: 3 });
  assert.equal(Object.keys(r.output as object), ['id', 'n', 'first', 'second']);
});

owned('a null input (no copy yet, the frame holds none): a ResultPath $.name fails with States.ResultPathMatchFailure, as before', () => {
  const r = run({ StartAt: 'P', States: { P: { Type: 'Pass', Result: 1, ResultPath: '$.x', End: true } } }, {}, null);
  assert.equal([r.status, r.error], ['FAILED', 'States.ResultPathMatchFailure']);
  assert.ok(r.cause!.endsWith("Unable to apply ResultPath '$.x' to input 'null'"), r.cause!);
});

owned('a ResultPath over a key its input already has keeps the key in its place', () => {
  const r = run(
    {
      StartAt: 'First',
      States: {
        First: task('first', { Parameters: { 'id.$': '$.id' }, ResultPath: '$.a', Next: 'Second' }),
        Second: task('second', { Parameters: { 'id.$': '$.id' }, ResultPath: '$.a', End: true }),
      },
    },
    { first: () => 1, second: () => 2 },
    { a: 0, id: 'x' },
  );
  assert.equal(Object.entries(r.output as object), [
    ['a', 2],
    ['id', 'x'],
  ]);
});

owned('a handler given the whole input keeps it as it was given', () => {
  let kept: unknown;
  const r = run(
    {
      StartAt: 'First',
      States: {
        First: task('first', { Parameters: { 'id.$': '$.id' }, ResultPath: '$.first', Next: 'Second' }),
        Second: task('keep', { Parameters: { 'all.$': '$' }, ResultPath: '$.second', Next: 'Third' }),
        Third: task('keep2', { ResultPath: '$.third', End: true }),
      },
    },
    {
      first: () => 1,
      keep: (p) => {
        kept = p.all;
        return 2;
      },
      keep2: () => 3,
    },
    { id: 'x' },
  );
  assert.equal(kept, { id: 'x', first: 1 });
  assert.equal(r.output, { id: 'x', first: 1, second: 2, third: 3 });
});

owned('a handler that returns its whole input: no cycle', () => {
  const r = run(
    {
      StartAt: 'First',
      States: {
        First: task('first', { Parameters: { 'id.$': '$.id' }, ResultPath: '$.first', Next: 'Echo' }),
        Echo: task('echo', { ResultPath: '$.echo', Next: 'Last' }),
        Last: task('first', { Parameters: { 'id.$': '$.id' }, ResultPath: '$.last', End: true }),
      },
    },
    { first: () => 1, echo: (input) => input },
    { id: 'x' },
  );
  assert.is(JSON.stringify(r.output), '{"id":"x","first":1,"echo":{"id":"x","first":1},"last":1}');
});

owned('a variable that holds an output keeps it as it was', () => {
  const r = run(
    {
      StartAt: 'First',
      States: {
        First: task('first', { Parameters: { 'id.$': '$.id' }, ResultPath: '$.first', Next: 'Save' }),
        Save: { Type: 'Pass', Assign: { 'saved.$': '$' }, Next: 'Second' },
        Second: task('first', { Parameters: { 'id.$': '$.id' }, ResultPath: '$.second', Next: 'Show' }),
        Show: { Type: 'Pass', Parameters: { 'saved.$': '$saved' }, End: true },
      },
    },
    { first: () => 1 },
    { id: 'x' },
  );
  assert.equal(r.output, { saved: { id: 'x', first: 1 } });
});

owned("a Choice's Assign holds its input as it was", () => {
  const r = run(
    {
      StartAt: 'First',
      States: {
        First: task('first', { Parameters: { 'id.$': '$.id' }, ResultPath: '$.first', Next: 'Check' }),
        Check: { Type: 'Choice', Choices: [{ Variable: '$.first', NumericEquals: 1, Assign: { 'saved.$': '$' }, Next: 'Second' }], Default: 'Second' },
        Second: task('first', { Parameters: { 'id.$': '$.id' }, ResultPath: '$.second', Next: 'Show' }),
        Show: { Type: 'Pass', Parameters: { 'saved.$': '$saved' }, End: true },
      },
    },
    { first: () => 1 },
    { id: 'x' },
  );
  assert.equal(r.output, { saved: { id: 'x', first: 1 } });
});

owned("a Parallel's branches that return their input: no cycle", () => {
  const r = run(
    {
      StartAt: 'First',
      States: {
        First: task('first', { Parameters: { 'id.$': '$.id' }, ResultPath: '$.first', Next: 'Both' }),
        Both: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'Same', States: { Same: { Type: 'Pass', End: true } } }],
          ResultPath: '$.both',
          End: true,
        },
      },
    },
    { first: () => 1 },
    { id: 'x' },
  );
  assert.is(JSON.stringify(r.output), '{"id":"x","first":1,"both":[{"id":"x","first":1}]}');
});

owned("a recorded history keeps each state's output as it was", () => {
  const r = run(
    {
      StartAt: 'First',
      States: {
        First: task('first', { Parameters: { 'id.$': '$.id' }, ResultPath: '$.first', Next: 'Second' }),
        Second: task('first', { Parameters: { 'id.$': '$.id' }, ResultPath: '$.second', End: true }),
      },
    },
    { first: () => 1 },
    { id: 'x' },
    'ALL',
  );
  const exited = r.history!.filter((e) => e.type === 'TaskStateExited');
  const outputs = exited.map((e) => JSON.parse((e as unknown as { stateExitedEventDetails: { output: string } }).stateExitedEventDetails.output));
  assert.equal(outputs, [
    { id: 'x', first: 1 },
    { id: 'x', first: 1, second: 1 },
  ]);
});

owned('a retried attempt and a caught failure set one result each', () => {
  let calls = 0;
  const r = run(
    {
      StartAt: 'First',
      States: {
        First: task('first', { Parameters: { 'id.$': '$.id' }, ResultPath: '$.first', Next: 'Flaky' }),
        Flaky: task('flaky', {
          Parameters: { 'id.$': '$.id' },
          ResultPath: '$.flaky',
          Retry: [{ ErrorEquals: ['Oops'], IntervalSeconds: 1, MaxAttempts: 1 }],
          Next: 'Failing',
        }),
        Failing: task('failing', {
          Parameters: { 'id.$': '$.id' },
          ResultPath: '$.never',
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Done' }],
          Next: 'Done',
        }),
        Done: { Type: 'Succeed' },
      },
    },
    {
      first: () => 1,
      flaky: () => {
        if (calls++ === 0) throw Object.assign(new Error('once'), { name: 'Oops' });
        return 2;
      },
      failing: () => {
        throw Object.assign(new Error('always'), { name: 'Nope' });
      },
    },
    { id: 'x' },
  );
  return Promise.resolve(r).then((result) => {
    assert.equal(result.output, { id: 'x', first: 1, flaky: 2, error: { Error: 'Nope', Cause: 'always' } });
  });
});

const machine = { integrations: null } as unknown as MachineEnv;
const withIntegrations = { integrations: {} } as unknown as MachineEnv;

owned('which states keep the copy their thread made', () => {
  const cases: [string, string, Record<string, unknown>, boolean, MachineEnv?][] = [
    ['a Choice', 'Choice', { Choices: [{ Variable: '$.a', IsPresent: true, Next: 'X' }] }, true],
    ['a Choice with a rule that assigns', 'Choice', { Choices: [{ Variable: '$.a', IsPresent: true, Assign: { x: 1 }, Next: 'X' }] }, false],
    ['a Choice that assigns', 'Choice', { Choices: [], Assign: { x: 1 } }, false],
    ['a Task giving parts of its input', 'Task', { Parameters: { 'a.$': '$.a', 'b.$': '$.b[0]', c: 1, d: { 'e.$': '$$.Execution.Input' } } }, true],
    ['a Task giving its whole input', 'Task', { Parameters: { 'a.$': '$' } }, false],
    ['a Task giving its whole input, nested', 'Task', { Parameters: { d: { 'e.$': '$' } } }, false],
    ['a Task without Parameters', 'Task', {}, false],
    ['a Task with an intrinsic function', 'Task', { Parameters: { 'a.$': 'States.Array($)' } }, false],
    ['a Task with a deep scan', 'Task', { Parameters: { 'a.$': '$..a' } }, false],
    ['a Task reading a variable', 'Task', { Parameters: { 'a.$': '$v' } }, false],
    ['a Task that assigns', 'Task', { Parameters: { 'a.$': '$.a' }, Assign: { x: 1 } }, false],
    ['a Task with Standard integrations', 'Task', { Parameters: { 'a.$': '$.a' } }, false, withIntegrations],
    ['a Pass', 'Pass', {}, false],
    ['a Parallel', 'Parallel', { Parameters: { 'a.$': '$.a' } }, false],
    ['a Map', 'Map', { ItemSelector: { 'a.$': '$.a' } }, false],
  ];
  for (const [name, type, def, expected, env] of cases) assert.is(passesOwnedValue(type, def, 'JSONPath', env ?? machine), expected, name);
  assert.is(passesOwnedValue('Choice', { Choices: [] }, 'JSONata', machine), false, 'a JSONata Choice');
});

owned.run();
