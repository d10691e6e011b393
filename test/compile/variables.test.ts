import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock, type Handlers } from '../../src/index.js';
import { AssignedNames, assignVariables } from '../../src/compile/variables.js';
import { type Frame } from '../../src/run/frame.js';
import { VariableScope } from '../../src/run/variables.js';
import { StatesScope } from '../../src/compile/jsonata/index.js';
import { compileOutcome } from '../../src/compile/jsonata/state.js';
import type { Problem } from '../../src/asl/problems.js';
import type { AslError } from '../../src/run/errors.js';

interface VariableCase {
  name: string;
  definition: unknown;
  input: unknown;
  expected: { status: string; output?: unknown; error?: string; cause?: string };
}

const cases = (JSON.parse(readFileSync(new URL('./variables.cases.json', import.meta.url), 'utf8')) as { cases: VariableCase[] }).cases;

const handlers: Handlers = {
  echo: (input: unknown) => input,
  wrap: (input: unknown) => ({ raw: input }),
  fail: () => {
    const e = new Error('boom');
    e.name = 'Custom.Error';
    throw e;
  },
};

const Semantics = suite('Assign semantics');

for (const c of cases) {
  Semantics(c.name, async () => {
    const result = await compile(c.definition, { handlers, clock: virtualClock(0) }).execute(c.input);
    assert.is(result.status, c.expected.status, `${result.error}: ${result.cause}`);
    if (c.expected.status === 'SUCCEEDED') assert.equal(result.output, c.expected.output);
    if (c.expected.error !== undefined) assert.is(result.error, c.expected.error);
    if (c.expected.cause !== undefined) assert.is(result.cause, c.expected.cause);
  });
}

Semantics.run();

// ---------------------------------------------------------------------------------------------

const Limits = suite('variable size quotas');

/** A JSONata machine whose states each assign one variable `v<i>` of `bytes` bytes (as JSON). */
function assigning(count: number, bytes: number, names: (i: number) => string = (i) => `v${i}`) {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    states[`S${i}`] = { Type: 'Pass', Assign: { [names(i)]: 'x'.repeat(bytes - 2) }, ...(i === count - 1 ? { End: true } : { Next: `S${i + 1}` }) };
  }
  return { QueryLanguage: 'JSONata', StartAt: 'S0', States: states };
}

async function run(definition: unknown, payloadBytes: number) {
  return compile(definition, { clock: virtualClock(0), limits: { payloadBytes } }).execute({});
}

Limits('one variable may hold as much as the payload limit, not more', async () => {
  assert.is((await run(assigning(1, 1000), 1000)).status, 'SUCCEEDED');
  const r = await run(assigning(1, 1001), 1000);
  assert.is(r.error, 'States.DataLimitExceeded');
  assert.match(r.cause!, /The variable 'v0' exceeds the maximum size of 1000 bytes/);
});

Limits("one Assign's values together may hold as much as the payload limit", async () => {
  const definition = { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Assign: { a: 'x'.repeat(598), b: 'y'.repeat(598) }, End: true } } };
  const r = await run(definition, 1000);
  assert.is(r.error, 'States.DataLimitExceeded');
  assert.match(r.cause!, /combined size of 1000 bytes/);
});

Limits('all variables together may hold 40 times the payload limit (10 MiB for 256 KiB)', async () => {
  assert.is((await run(assigning(40, 1000), 1000)).status, 'SUCCEEDED');
  const r = await run(assigning(41, 1000), 1000);
  assert.is(r.error, 'States.DataLimitExceeded');
  assert.match(r.cause!, /maximum total size of 40000 bytes/);
});

Limits('assigning a variable again replaces its size instead of adding to the total', async () => {
  assert.is(
    (
      await run(
        assigning(100, 1000, () => 'same'),
        1000,
      )
    ).status,
    'SUCCEEDED',
  );
});

// Sizes start as upper bounds (6 bytes per string unit); a quota the bounds pass is decided by exact sizes.
Limits("values whose bounds pass one Assign's quota but whose sizes keep it are assigned", async () => {
  // Each value: 102 bytes of JSON, bounded by 602; together 204 bytes, bounded by 1,204.
  const definition = { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Assign: { a: 'x'.repeat(100), b: 'y'.repeat(100) }, End: true } } };
  assert.is((await run(definition, 1000)).status, 'SUCCEEDED');
});

Limits('variables whose bounds pass the total quota but whose sizes keep it are assigned; past it they are refused', async () => {
  // 100 variables of 102 bytes: 10,200 bytes, bounded by 60,200, under a total of 40,000.
  assert.is((await run(assigning(100, 102), 1000)).status, 'SUCCEEDED');
  const r = await run(assigning(400, 102), 1000);
  assert.is(r.error, 'States.DataLimitExceeded');
  assert.match(r.cause!, /maximum total size of 40000 bytes/);
});

Limits('measuring the total exactly leaves each scope with the exact size of its own variables', () => {
  const outer = new VariableScope(null);
  const inner = new VariableScope(outer);
  const frame = { vars: inner, exec: { limits: { payloadBytes: 1000 }, history: null } } as unknown as Frame;
  for (let i = 0; i < 66; i++) outer.set(`o${i}`, 'x'.repeat(100), 602);
  assignVariables(frame, new AssignedNames(['a', 'b']), ['y'.repeat(100), 'z'.repeat(100)]);
  assert.is(outer.bytes, 66 * 102);
  assert.is(inner.bytes, 2 * 102);
  assert.is(inner.sizeOf('o0'), 0);
});

/**
 * A value the state's result check already measured (the result itself, when an object)
 * is given to the scope at that check's bound instead of walked again; any other value,
 * and a measured bound past the limit, is walked as before.
 */
const measuredRows: { row: string; value: (measured: object) => unknown; bound: number; size: number | string }[] = [
  { row: 'the measured object: the bound given', value: (m) => m, bound: 37, size: 37 },
  { row: 'an equal copy of it: walked (2 + 4 × 6 + 4 + 25)', value: (m) => ({ ...m }), bound: 37, size: 55 },
  { row: 'a number inside it: walked (its digits)', value: () => 12345, bound: 37, size: 5 },
  { row: 'null, with nothing measured: walked', value: () => null, bound: Infinity, size: 4 },
  { row: 'the measured object, its bound past the limit: walked', value: (m) => m, bound: 2000, size: 55 },
  { row: 'a value past the limit: refused', value: () => 'x'.repeat(999), bound: 37, size: "The variable 'v' exceeds the maximum size of 1000 bytes." },
];
for (const { row, value, bound, size } of measuredRows) {
  Limits(`a value the state measured: ${row}`, () => {
    const scope = new VariableScope(null);
    const frame = { vars: scope, exec: { limits: { payloadBytes: 1000 }, history: null } } as unknown as Frame;
    const measured = { done: 12345 };
    const assign = () => assignVariables(frame, new AssignedNames(['v']), [value(measured)], bound === Infinity ? null : measured, bound);
    if (typeof size === 'string') {
      assert.throws(assign, (e: AslError) => e.error === 'States.DataLimitExceeded' && e.cause!.endsWith(size));
      return;
    }
    assign();
    assert.is(scope.sizeOf('v'), size);
  });
}

/** A JSONata Task's Assign after its result's check: what each variable is sized at. */
const taskResultRows: { row: string; result: unknown; resultBound: number; assign: Record<string, string>; sizes: Record<string, number> }[] = [
  {
    row: '$states.result, an object: the check’s bound; a part of it: walked',
    result: { id: 7, name: 'ab' },
    resultBound: 90,
    assign: { whole: '{% $states.result %}', id: '{% $states.result.id %}', name: '{% $states.result.name %}' },
    sizes: { whole: 90, id: 1, name: 14 },
  },
  {
    row: '$states.result, a number: its digits, not the check’s bound',
    result: 12345,
    resultBound: 25,
    assign: { n: '{% $states.result %}' },
    sizes: { n: 5 },
  },
  { row: '$states.result, a boolean', result: false, resultBound: 25, assign: { b: '{% $states.result %}' }, sizes: { b: 5 } },
  { row: '$states.result, null', result: null, resultBound: 25, assign: { z: '{% $states.result %}' }, sizes: { z: 4 } },
  {
    row: 'no result measured: walked',
    result: { id: 7 },
    resultBound: Infinity,
    assign: { whole: '{% $states.result %}' },
    sizes: { whole: 43 },
  },
  {
    row: '$states.result[k] of an array (a Parallel’s, a Map’s): an object item at the bound less the brackets; other items walked',
    result: [{ id: 7 }, [1, 2], 12345, 'ab', null],
    resultBound: 300,
    assign: { first: '{% $states.result[0] %}', second: '{% $states.result[1] %}', third: '{% $states.result[2] %}', fourth: '{% $states.result[3] %}' },
    sizes: { first: 298, second: 298, third: 5, fourth: 14 },
  },
  {
    row: '$states.result[k] with more after it, or a negative index: walked',
    result: [{ id: 7 }, { id: 8 }],
    resultBound: 300,
    assign: { id: '{% $states.result[0].id %}', last: '{% $states.result[-1] %}' },
    sizes: { id: 1, last: 43 },
  },
  {
    row: '$states.result[k] past the items: nothing assigned there to size (undefined)',
    result: [{ id: 7 }],
    resultBound: 300,
    assign: { first: '{% $states.result[0] %}' },
    sizes: { first: 298 },
  },
  {
    row: '$states.result[k] of an array whose bound passes the limit: walked',
    result: [{ id: 7 }, { id: 8 }],
    resultBound: 2000,
    assign: { first: '{% $states.result[0] %}' },
    sizes: { first: 43 },
  },
  {
    row: '$states.result[0] of an object result (the object itself): the check’s bound',
    result: { id: 7 },
    resultBound: 90,
    assign: { whole: '{% $states.result[0] %}' },
    sizes: { whole: 90 },
  },
];
for (const { row, result, resultBound, assign, sizes } of taskResultRows) {
  Limits(`Assign after a result's check: ${row}`, () => {
    const problems: Problem[] = [];
    const outcome = compileOutcome({ Assign: assign }, '/States/T', problems);
    assert.equal(problems, []);
    const vars = new VariableScope(null);
    const frame = { vars, valueBound: Infinity, exec: { limits: { payloadBytes: 1000 }, history: null, suppliedContext: null } } as unknown as Frame;
    const scope = new StatesScope(frame, {});
    scope.result = result;
    scope.resultBound = resultBound;
    assert.is(outcome(scope, result), result);
    for (const [name, size] of Object.entries(sizes)) assert.is(vars.sizeOf(name), size, name);
  });
}

Limits('a machine without a payload limit measures nothing', async () => {
  assert.is((await run(assigning(50, 5000), Infinity)).status, 'SUCCEEDED');
});

Limits.run();
