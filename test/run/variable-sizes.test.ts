import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock } from '../../src/index.js';
import { stateUnderTest } from '../../src/service/test-state/definition.js';
import { createRun } from '../../src/service/test-state/run-env.js';
import { defaultLimits, jsonByteLength } from '../../src/run/limits.js';
import { NO_LAYOUT, scopeOf, variableSize, type VariableScope } from '../../src/run/variables.js';

/**
 * Every scope keeps, for each variable, an upper bound of its JSON size (run/variables.ts
 * variableSize), whichever way the variable came in: an Assign, TestState's `variables`,
 * the outer variables a Map's iterations get in another thread. The variable quotas count
 * those sizes, and an Arguments or Parameters object built from variables takes its size
 * bound from them. A value over the payload limit is refused as it was when it was walked.
 */
const sizes = suite('variable sizes');

const LIMIT = 1000;
const ARGUMENTS_TOO_LARGE = "The state/task 'Last' has an input with a size exceeding the maximum number of bytes service limit.";

/** JSONata: three Pass states each assign one copy of the input's `s` (each Assign within the limit), then `last` runs. */
function keepingThree(last: Record<string, unknown>): Record<string, unknown> {
  return {
    QueryLanguage: 'JSONata',
    StartAt: 'KeepA',
    States: {
      KeepA: { Type: 'Pass', Assign: { a: '{% $states.input.s %}' }, Next: 'KeepB' },
      KeepB: { Type: 'Pass', Assign: { b: '{% $states.input.s %}' }, Next: 'KeepC' },
      KeepC: { Type: 'Pass', Assign: { c: '{% $states.input.s %}' }, Next: 'Last' },
      Last: last,
    },
  };
}

/** Three Pass states each assign one copy of the input's `s`, then the last state's handler input holds all three. */
const definitions: Record<string, unknown> = {
  JSONata: keepingThree({ Type: 'Task', Resource: 'echo', Arguments: { checks: { a: '{% $a %}', b: '{% $b %}', c: '{% $c %}' } }, End: true }),
  JSONPath: {
    StartAt: 'KeepA',
    States: {
      KeepA: { Type: 'Pass', Assign: { 'a.$': '$.s' }, Next: 'KeepB' },
      KeepB: { Type: 'Pass', Assign: { 'b.$': '$.s' }, Next: 'KeepC' },
      KeepC: { Type: 'Pass', Assign: { 'c.$': '$.s' }, Next: 'Last' },
      Last: { Type: 'Task', Resource: 'echo', Parameters: { checks: { 'a.$': '$a', 'b.$': '$b', 'c.$': '$c' } }, End: true },
    },
  },
};

// The handler's input is {"checks":{"a":…,"b":…,"c":…}}: 30 bytes around the three values.
const table: [string, unknown, { error: string; cause: string } | null][] = [
  ['three strings whose sizes add up to just under the limit (the kept sizes prove it fits)', { s: 'x'.repeat(320) }, null],
  ['three strings just over the limit between them', { s: 'x'.repeat(324) }, { error: 'States.DataLimitExceeded', cause: ARGUMENTS_TOO_LARGE }],
  // Each object's kept size is its bound (6 bytes per character): together past the limit, so the object built is measured, and fits.
  ['three objects whose bounds pass the limit but whose sizes fit', { s: { k: 'x'.repeat(100) } }, null],
  [
    'three objects of non-ASCII strings over the limit in UTF-8 bytes',
    { s: { k: 'é'.repeat(160) } },
    { error: 'States.DataLimitExceeded', cause: ARGUMENTS_TOO_LARGE },
  ],
];

for (const language of Object.keys(definitions)) {
  for (const [name, input, failure] of table) {
    sizes(`${language}: a handler input copied from variables, ${name}`, async () => {
      let called = 0;
      const machine = compile(definitions[language], { handlers: { echo: () => ++called }, clock: virtualClock(0), limits: { payloadBytes: LIMIT } });
      const r = await machine.execute(input);
      if (failure === null) {
        assert.is(r.status, 'SUCCEEDED', String(r.cause));
        assert.is(called, 1);
      } else {
        assert.equal({ status: r.status, error: r.error, cause: r.cause }, { status: 'FAILED', ...failure });
        assert.is(called, 0);
      }
    });
  }
}

const OUTPUT_TOO_LARGE = "The state/task 'Last' returned a result with a size exceeding the maximum number of bytes service limit.";

/**
 * The last state's Output copies three variables (`{"a":…,"b":…,"c":…}`: 16 bytes around the values),
 * and its Assign sets them anew: the Output reads the values as they were before it.
 */
function showing(assign: Record<string, unknown> | null): Record<string, unknown> {
  const show: Record<string, unknown> = { Type: 'Pass', Output: { a: '{% $a %}', b: '{% $b %}', c: '{% $c %}' }, End: true };
  if (assign !== null) show.Assign = assign;
  return keepingThree(show);
}

const SMALLER = { a: '{% "" %}', b: '{% "" %}', c: '{% "" %}' };
const LARGER = { a: '{% $states.input.larger %}', b: '{% $states.input.larger %}', c: '{% $states.input.larger %}' };

const outputTable: [string, Record<string, unknown> | null, Record<string, unknown>, boolean][] = [
  ['three strings filling the limit exactly', null, { s: 'x'.repeat(326) }, true],
  ['three strings just over the limit', null, { s: 'x'.repeat(327) }, false],
  ['three strings under the limit in characters, over it in UTF-8 bytes', null, { s: 'é'.repeat(200) }, false],
  ['three objects whose bounds pass the limit but whose sizes fit', null, { s: { k: 'x'.repeat(300) } }, true],
  ["the old values over the limit, the state's Assign setting smaller ones", SMALLER, { s: 'x'.repeat(327) }, false],
  ["the old values within the limit, the state's Assign setting smaller ones", SMALLER, { s: 'x'.repeat(326) }, true],
  ["the old values within the limit, the state's Assign setting larger ones", LARGER, { s: 'x'.repeat(50), larger: 'y'.repeat(300) }, true],
];

for (const [name, assign, input, fits] of outputTable) {
  sizes(`an Output copied from variables, ${name}`, async () => {
    const r = await compile(showing(assign), { clock: virtualClock(0), limits: { payloadBytes: LIMIT } }).execute(input);
    if (fits) {
      assert.is(r.status, 'SUCCEEDED', String(r.cause));
      assert.equal(r.output, { a: input.s, b: input.s, c: input.s });
    } else {
      assert.equal({ status: r.status, error: r.error, cause: r.cause }, { status: 'FAILED', error: 'States.DataLimitExceeded', cause: OUTPUT_TOO_LARGE });
    }
  });
}

/**
 * A Parallel's branch outputs bound its result (AWS checks only its output): while that bound
 * is within the limit, an Assign of `$states.result[k]` keeps each object at the bound less
 * the brackets, without walking it, and a later state's input built from those variables
 * takes its bound from them; past the limit, the values are walked as before.
 */
function copies(count: number, read: (name: string) => string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 1; i <= count; i++) for (const name of ['a', 'b', 'c']) fields[`${name}${i}`] = read(name);
  return fields;
}
/** Three branches, each one state whose output is the input's `s`. */
const branchesOf = (state: Record<string, unknown>) => [0, 1, 2].map((i) => ({ StartAt: `Copy${i}`, States: { [`Copy${i}`]: { ...state, End: true } } }));
const assigningBranches: Record<string, (count: number) => Record<string, unknown>> = {
  JSONata: (count) => ({
    QueryLanguage: 'JSONata',
    StartAt: 'Checks',
    States: {
      Checks: {
        Type: 'Parallel',
        Branches: branchesOf({ Type: 'Pass', Output: '{% $states.input.s %}' }),
        Assign: { a: '{% $states.result[0] %}', b: '{% $states.result[1] %}', c: '{% $states.result[2] %}' },
        Output: '{% $states.input %}',
        Next: 'Last',
      },
      Last: { Type: 'Task', Resource: 'echo', Arguments: copies(count, (name) => `{% $${name} %}`), End: true },
    },
  }),
  JSONPath: (count) => ({
    StartAt: 'Checks',
    States: {
      Checks: {
        Type: 'Parallel',
        Branches: branchesOf({ Type: 'Pass', InputPath: '$.s' }),
        Assign: { 'a.$': '$[0]', 'b.$': '$[1]', 'c.$': '$[2]' },
        ResultPath: null,
        Next: 'Last',
      },
      Last: {
        Type: 'Task',
        Resource: 'echo',
        Parameters: Object.fromEntries(Object.entries(copies(count, (name) => `$${name}`)).map(([k, v]) => [`${k}.$`, v])),
        End: true,
      },
    },
  }),
};
const COMBINED_TOO_LARGE = 'The variables assigned by this state exceed the maximum combined size of 1000 bytes.';
// Seven numbers of 19 characters: each object takes 176 bytes, bounded by 289, and the result's bound (872) is within the limit.
const numbers = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`n${i}`, 0.12345678901234568]));
const branchTable: [string, number, unknown, string | null][] = [
  ['objects whose result is bounded within the limit, copied once', 1, { s: numbers }, null],
  ['the same objects copied twice: over the limit', 2, { s: numbers }, ARGUMENTS_TOO_LARGE],
  ['objects whose result bound passes the limit but whose sizes fit', 1, { s: { k: 'x'.repeat(100) } }, null],
  ['strings together over the limit of one Assign', 1, { s: 'x'.repeat(400) }, COMBINED_TOO_LARGE],
];
for (const language of Object.keys(assigningBranches)) {
  for (const [name, count, input, cause] of branchTable) {
    sizes(`${language}: a Parallel's Assign of its branch outputs, ${name}`, async () => {
      let called = 0;
      const machine = compile(assigningBranches[language]!(count), {
        handlers: { echo: () => ++called },
        clock: virtualClock(0),
        limits: { payloadBytes: LIMIT },
      });
      const r = await machine.execute(input);
      if (cause === null) {
        assert.is(r.status, 'SUCCEEDED', String(r.cause));
        assert.is(called, 1);
      } else {
        assert.equal({ status: r.status, error: r.error }, { status: 'FAILED', error: 'States.DataLimitExceeded' });
        assert.ok(r.cause?.endsWith(cause), String(r.cause));
        assert.is(called, 0);
      }
    });
  }
}

sizes("JSONata: a Parallel's Assign of `$states.result[0]` keeps the branch's output at the result's bound, without walking it again", async () => {
  let walks = 0;
  const answer = new Proxy(
    { k: 'v' },
    {
      ownKeys(target) {
        walks++;
        return Reflect.ownKeys(target);
      },
    },
  );
  const definition = {
    QueryLanguage: 'JSONata',
    StartAt: 'Checks',
    States: {
      Checks: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'Ask', States: { Ask: { Type: 'Task', Resource: 'answer', End: true } } }],
        Assign: { a: '{% $states.result[0] %}' },
        Output: '{% $states.input %}',
        End: true,
      },
    },
  };
  const r = await compile(definition, { handlers: { answer: () => answer }, clock: virtualClock(0), limits: { payloadBytes: LIMIT } }).execute({});
  assert.is(r.status, 'SUCCEEDED', String(r.cause));
  // The one walk is the Task's result check.
  assert.is(walks, 1);
});

const PARALLEL_TOO_LARGE = "The state/task 'Checks' returned a result with a size exceeding the maximum number of bytes service limit.";
// The output is the result, ["…","…","…"]: 8 bytes around the strings. Numbers: the result's bound (80) proves it fits.
const parallelOutputTable: [string, unknown, boolean][] = [
  ['numbers, bounded within the limit', { s: 12345 }, true],
  ['strings filling the limit exactly', { s: 'x'.repeat(330) }, true],
  ['strings just over the limit', { s: 'x'.repeat(331) }, false],
];
for (const [name, input, fits] of parallelOutputTable) {
  sizes(`JSONata: a Parallel's output that is its result, ${name}`, async () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Checks',
      States: { Checks: { Type: 'Parallel', Branches: branchesOf({ Type: 'Pass', Output: '{% $states.input.s %}' }), End: true } },
    };
    const r = await compile(definition, { clock: virtualClock(0), limits: { payloadBytes: LIMIT } }).execute(input);
    if (fits) {
      assert.is(r.status, 'SUCCEEDED', String(r.cause));
      const s = (input as { s: unknown }).s;
      assert.equal(r.output, [s, s, s]);
    } else {
      assert.equal({ status: r.status, error: r.error, cause: r.cause }, { status: 'FAILED', error: 'States.DataLimitExceeded', cause: PARALLEL_TOO_LARGE });
    }
  });
}

sizes('TestState keeps the variables it is given at the sizes an Assign keeps, so the quotas count them', () => {
  const variables = { text: 'é'.repeat(100), list: [1, 'two', { three: null }], flag: false };
  const definition = JSON.stringify({ QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Assign: { next: '{% $text %}' }, End: true } } });
  const run = createRun({ state: stateUnderTest(definition, 'S'), input: {}, roleArn: null, variables, context: null, mock: null, config: {} }, {});
  const expected = Object.values(variables).map((value) => variableSize(value, defaultLimits.payloadBytes));
  assert.ok(expected.every((size, i) => size >= jsonByteLength(Object.values(variables)[i], Infinity)));
  assert.is(run.frame.vars!.bytes, expected[0]! + expected[1]! + expected[2]!);
});

sizes('a restored scope keeps the recorded sizes, and measures a value recorded without one (by a machine without a payload limit)', () => {
  const scope = scopeOf(
    null,
    [
      ['a', 'xyz', 0],
      ['b', { c: 1 }, 40],
    ],
    NO_LAYOUT,
    LIMIT,
  );
  assert.equal([scope.sizeOf('a'), scope.sizeOf('b'), scope.bytes], [variableSize('xyz', LIMIT), 40, variableSize('xyz', LIMIT) + 40]);
});

/** A Map whose iterations each assign their input to a variable, for iterations() to run elsewhere. */
function assigningMap() {
  return compile(
    {
      QueryLanguage: 'JSONata',
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemProcessor: { StartAt: 'Keep', States: { Keep: { Type: 'Pass', Assign: { mine: '{% $states.input %}' }, Output: 'kept', End: true } } },
          End: true,
        },
      },
    },
    { clock: virtualClock(0), limits: { payloadBytes: LIMIT } },
  );
}

sizes("a Map's iterations run elsewhere count the outer variables they are given against the total quota (40 times the payload limit)", async () => {
  // 40 variables of 980 bytes: 39,200 of the 40,000 allowed, given without sizes: measured.
  const outer: [string, unknown][] = Array.from({ length: 40 }, (_, i) => [`v${i}`, 'x'.repeat(978)]);
  const iterations = assigningMap().iterations('/States/Each', {
    executionName: 'x',
    executionInput: [],
    executionStartMs: 0,
    remainingMs: 1000,
    variables: outer,
  });
  assert.equal(await iterations.run('y'.repeat(700), 0), { output: 'kept' });
  const over = (await iterations.run('y'.repeat(900), 1)) as { error: string; cause: string };
  assert.is(over.error, 'States.DataLimitExceeded');
  assert.match(over.cause, 'maximum total size of 40000 bytes');
});

sizes("a Map's iterations run elsewhere get the sizes the execution's scope kept, and keep them", async () => {
  // As the pool does: the execution hands its Map to a mapExecutor, which runs the iterations
  // through iterations() with the parent it was given.
  const definition = {
    QueryLanguage: 'JSONata',
    StartAt: 'Remember',
    States: {
      Remember: { Type: 'Pass', Assign: { text: '{% $states.input.text %}', list: '{% $states.input.list %}' }, Next: 'Each' },
      Each: {
        Type: 'Map',
        Items: '{% [1, 2] %}',
        ItemProcessor: { StartAt: 'Read', States: { Read: { Type: 'Pass', Output: '{% $text %}', End: true } } },
        End: true,
      },
    },
  };
  const given: unknown[] = [];
  const outerSizes: number[][] = [];
  const machine = compile(definition, {
    clock: virtualClock(0),
    limits: { payloadBytes: LIMIT },
    mapExecutor: async (request) => {
      given.push(request.parent.variables);
      const iterations = machine.iterations(request.state, request.parent);
      const outer = (iterations as unknown as { outer: VariableScope }).outer;
      outerSizes.push(['text', 'list'].map((name) => outer.sizeOf(name)));
      const outputs = await Promise.all(request.inputs.map((input, index) => iterations.run(input, index)));
      return { outputs: outputs.map((outcome) => (outcome as { output: unknown }).output), failures: [], stopped: false };
    },
  });
  const input = { text: 'é'.repeat(10), list: [1, 'two', null] };
  const result = await machine.execute(input);
  assert.equal(result.output, [input.text, input.text]);
  const sizes = [variableSize(input.text, LIMIT), variableSize(input.list, LIMIT)];
  assert.equal(given, [
    [
      ['text', input.text, sizes[0]],
      ['list', input.list, sizes[1]],
    ],
  ]);
  assert.equal(outerSizes, [sizes]);
});

sizes.run();
