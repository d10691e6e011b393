import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import jsonata from 'jsonata';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock, DefinitionError } from '../../../src/index.js';
import { ProblemCodes, type Problem } from '../../../src/asl/problems.js';
import { astOf, parseJsonata } from '../../../src/compile/jsonata/ast.js';
import { jsonataProblems } from '../../../src/compile/jsonata/check.js';
import { BAIL } from '../../../src/compile/jsonata/bail.js';
import { compileDirect } from '../../../src/compile/jsonata/direct.js';
import { NOW_BINDING, installFunctions, javaRandomDouble, mayHoldNegativeZero, parseJson } from '../../../src/compile/jsonata/functions.js';
import { JsonataField, StatesScope, compileExpression } from '../../../src/compile/jsonata/index.js';
import { AslError } from '../../../src/run/errors.js';
import type { Frame } from '../../../src/run/frame.js';
import { testExecution, testFrame } from '../../support/frames.js';
import { isPromiseLike } from '../../../src/run/state.js';

function readJson<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8')) as T;
}

const CLOCK_START = Date.parse('2024-02-03T04:05:06Z');

/** A frame at state 'S', entered at event #2, with these variables. */
function frameWith(input: unknown, variables: Record<string, unknown>): Frame {
  const exec = testExecution({ id: 'exec-id', name: 'exec', input, startMs: CLOCK_START, stateMachineId: 'sm-id', stateMachineName: 'sm', roleArn: 'role' });
  return testFrame({ exec, variables, stateName: 'S', stateType: 'Pass', enteredEventId: 2 });
}

const RESULT = { value: 42 };
const ERROR_OUTPUT = { Error: 'E', Cause: 'C' };

/**
 * What the jsonata library itself says, evaluated as Step Functions binds it (no context
 * item), with the Step Functions functions installed.
 */
async function oracle(text: string, frame: Frame, input: unknown): Promise<{ value?: unknown; error?: string }> {
  const scope = new StatesScope(frame, input, RESULT, ERROR_OUTPUT);
  const bindings: Record<string, unknown> = { states: scope.statesObject(true), [NOW_BINDING]: CLOCK_START };
  for (const [name, value] of frame.vars!.visible()) bindings[name] = value;
  const expression = jsonata(text);
  installFunctions(expression);
  try {
    const value = await expression.evaluate(undefined, bindings);
    return { value: asJson(value) };
  } catch (e) {
    return { error: (e as { code?: string }).code ?? String(e) };
  }
}

/** A value as JSON carries it (JSON has no -0). */
function asJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** The direct evaluator's answer: a value, or `bailed` when it hands the expression to the library. */
function direct(text: string, frame: Frame, input: unknown): { compiled: boolean; value?: unknown; bailed?: boolean } {
  const evaluate = compileDirect(astOf(parseJsonata(text)));
  if (evaluate === null) return { compiled: false };
  try {
    return { compiled: true, value: evaluate(new StatesScope(frame, input, RESULT, ERROR_OUTPUT)) };
  } catch (e) {
    if (e === BAIL) return { compiled: true, bailed: true };
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------

const Direct = suite('direct evaluation agrees with the jsonata library');
const table = readJson<{ document: unknown; variables: Record<string, unknown>; direct: string[]; either: string[] }>('./jsonata.expressions.json');

Direct('every expression of the table: same value as the library, and the simple ones never need it', async () => {
  const frame = frameWith(table.document, table.variables);
  for (const text of [...table.direct, ...table.either]) {
    const mine = direct(text, frame, table.document);
    const theirs = await oracle(text, frame, table.document);
    if (table.direct.includes(text)) {
      assert.ok(mine.compiled && !mine.bailed, `${text} should be evaluated directly`);
      assert.is(theirs.error, undefined, `${text}: jsonata failed with ${theirs.error}`);
    }
    if (!mine.compiled || mine.bailed) continue;
    assert.is(theirs.error, undefined, `${text}: direct gave ${JSON.stringify(mine.value)} where jsonata fails with ${theirs.error}`);
    if (text.includes('constructor')) {
      // AWS reads own properties; jsonata-js would hand back Object's constructor here.
      assert.is(mine.value, 'own');
      continue;
    }
    assert.ok(isDeepStrictEqual(asJson(mine.value), theirs.value), `${text}: direct ${JSON.stringify(mine.value)}, jsonata ${JSON.stringify(theirs.value)}`);
  }
});

Direct('`$states.input[n]…` and `$states.result[n]…` read the field itself: no `$states` object, so no context object, is built', () => {
  const frame = frameWith(table.document, table.variables);
  for (const [text, expected] of [
    ['$states.result[0].value', 42],
    ['$states.input[0].n', 5],
    ['$states.input.items[1].price', 2.5],
    ['$states.result[1]', undefined],
  ] as const) {
    const scope = new StatesScope(frame, table.document, RESULT, ERROR_OUTPUT);
    scope.context = () => {
      throw new Error(`${text} built the context object`);
    };
    assert.is(compileDirect(astOf(parseJsonata(text)))!(scope), expected, text);
  }
});

/** A small deterministic generator of expressions over the table's document. */
function generator(seed: number) {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const names = [
    'a',
    'b',
    'c',
    'd',
    'items',
    'price',
    'tags',
    'nested',
    'single',
    'arr2',
    'x',
    'y',
    'deep',
    'n',
    'f',
    's',
    'u',
    't',
    'z',
    'e',
    'nil',
    'empty',
    'none',
    'k',
    'missing',
  ];
  const literals = [
    '0',
    '1',
    '-3',
    '2.5',
    "'a'",
    "''",
    "' he  llo '",
    "'SHA-256'",
    '\'[1, -0, {"a": 2}]\'',
    'true',
    'false',
    'null',
    '[]',
    '{}',
    "['x', 'y']",
    "{'a': 1}",
  ];
  const functions = [
    '$exists',
    '$count',
    '$sum',
    '$max',
    '$min',
    '$average',
    '$floor',
    '$ceil',
    '$abs',
    '$string',
    '$number',
    '$length',
    '$uppercase',
    '$lowercase',
    '$trim',
    '$boolean',
    '$not',
    '$keys',
    '$merge',
    '$parse',
  ];
  const binaryFunctions = ['$contains', '$substring', '$substringBefore', '$substringAfter', '$join', '$lookup', '$append', '$hash'];
  const operators = ['+', '-', '*', '/', '%', '=', '!=', '<', '<=', '>', '>=', 'and', 'or', '&', 'in'];
  function path(): string {
    let p = pick(['$states.input', '$states.input', '$x', '$y', '$qty', '$name', '$flag', '$sum', '$states.result']);
    const steps = Math.floor(random() * 4);
    for (let i = 0; i < steps; i++) {
      p += '.' + pick(names);
      if (random() < 0.2) p += `[${pick(['0', '1', '-1', '2'])}]`;
    }
    return p;
  }
  function expression(depth: number): string {
    const r = random();
    if (depth <= 0 || r < 0.3) return random() < 0.7 ? path() : pick(literals);
    if (r < 0.55) return `(${expression(depth - 1)} ${pick(operators)} ${expression(depth - 1)})`;
    if (r < 0.65) return `${pick(functions)}(${expression(depth - 1)})`;
    if (r < 0.72) return `(${expression(depth - 1)} ? ${expression(depth - 1)} : ${expression(depth - 1)})`;
    if (r < 0.8) return `[${expression(depth - 1)}, ${expression(depth - 1)}]`;
    if (r < 0.86) return `{'p': ${expression(depth - 1)}, 'q': ${expression(depth - 1)}}`;
    if (r < 0.92) return `-${expression(depth - 1)}`;
    return `${pick(binaryFunctions)}(${expression(depth - 1)}, ${expression(depth - 1)})`;
  }
  return (depth = 3) => expression(depth);
}

Direct('2000 generated expressions: whatever is evaluated directly equals the library result', async () => {
  const frame = frameWith(table.document, table.variables);
  const next = generator(20241122);
  let directly = 0;
  for (let i = 0; i < 2000; i++) {
    const text = next();
    const mine = direct(text, frame, table.document);
    assert.ok(mine.compiled, `${text} uses only shapes the direct evaluator knows`);
    if (mine.bailed) continue;
    const theirs = await oracle(text, frame, table.document);
    assert.is(theirs.error, undefined, `${text}: direct gave ${JSON.stringify(mine.value)} where jsonata fails with ${theirs.error}`);
    assert.ok(isDeepStrictEqual(asJson(mine.value), theirs.value), `${text}: direct ${JSON.stringify(mine.value)}, jsonata ${JSON.stringify(theirs.value)}`);
    directly++;
  }
  // Type errors (which the library must word) are common in random expressions; most still run directly.
  assert.ok(directly > 800, `only ${directly} of 2000 evaluated directly`);
});

Direct('1000 generated $merge([…]) calls: whatever is evaluated directly equals the library result', async () => {
  // Items of every kind: paths to objects, arrays and scalars, object constructors (evaluated
  // straight into the result), nested arrays, anything the generator makes.
  const frame = frameWith(table.document, table.variables);
  const next = generator(20261206);
  const objects = ['$states.input', '$states.input.a', '$states.input.items', '$states.input.empty', '$y', '$states.input.deep.a', '$states.result'];
  let state = 7;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const item = () => {
    const r = random();
    if (r < 0.35) return objects[Math.floor(random() * objects.length)]!;
    if (r < 0.7) return `{'p': ${next(1)}, 'a': ${next(1)}}`;
    if (r < 0.8) return `[${next(1)}]`;
    return next(2);
  };
  let directly = 0;
  for (let i = 0; i < 1000; i++) {
    const text = `$merge([${Array.from({ length: Math.floor(random() * 4) }, item).join(', ')}])`;
    const mine = direct(text, frame, table.document);
    assert.ok(mine.compiled, `${text} uses only shapes the direct evaluator knows`);
    if (mine.bailed) continue;
    const theirs = await oracle(text, frame, table.document);
    assert.is(theirs.error, undefined, `${text}: direct gave ${JSON.stringify(mine.value)} where jsonata fails with ${theirs.error}`);
    assert.ok(isDeepStrictEqual(asJson(mine.value), theirs.value), `${text}: direct ${JSON.stringify(mine.value)}, jsonata ${JSON.stringify(theirs.value)}`);
    directly++;
  }
  assert.ok(directly > 300, `only ${directly} of 1000 evaluated directly`);
});

Direct('numbers become strings as in jsonata 2.0.6, the version AWS runs: 15 significant digits', () => {
  // jsonata 2.2 (the library statemill ships, for its security fixes) writes all the digits;
  // the direct evaluator keeps AWS's rounding (README: differences from AWS).
  const frame = frameWith({ big: 123456789012345680000, micros: 1732246400123456, small: 0.1 }, {});
  const document = { big: 123456789012345680000, micros: 1732246400123456, small: 0.1 };
  const cases: [string, unknown][] = [
    ["$states.input.big & ''", '123456789012346000000'],
    ['$string($states.input.micros)', '1732246400123460'],
    ['$string($states.input.small + 0.2)', '0.3'],
  ];
  for (const [text, expected] of cases) {
    const mine = direct(text, frame, document);
    assert.ok(mine.compiled && !mine.bailed, text);
    assert.is(mine.value, expected, text);
  }
});

Direct('an expression of simple shape is evaluated without a promise', () => {
  const frame = frameWith({ a: { b: 1 } }, { v: 2 });
  const evaluate = compileExpression("{% {'sum': $states.input.a.b + $v, 'ok': $v > 1} %}", new JsonataField('Output', '/States/S/Output'), []);
  const value = evaluate(new StatesScope(frame, { a: { b: 1 } }));
  assert.not.ok(isPromiseLike(value));
  assert.equal(value, { sum: 3, ok: true });
});

Direct('an expression the library must run gives a promise of the same kind of value', async () => {
  const frame = frameWith({ list: [1, 2] }, {});
  const evaluate = compileExpression('{% $map($states.input.list, function($v){ $v * 3 }) %}', new JsonataField('Output', '/States/S/Output'), []);
  const value = evaluate(new StatesScope(frame, { list: [1, 2] }));
  assert.ok(isPromiseLike(value));
  assert.equal(await value, [3, 6]);
  // jsonata marks the arrays it builds; what comes out is plain JSON.
  assert.equal(Object.keys((await value) as object), ['0', '1']);
});

Direct.run();

// ---------------------------------------------------------------------------------------------

const States = suite('JSONata states');

interface StateCase {
  name: string;
  definition: unknown;
  input: unknown;
  expected: { status: string; output?: unknown; error?: string; cause?: string };
}

const handlers = {
  echo: (input: unknown) => input,
  double: (n: number) => n * 2,
  fail: () => {
    const e = new Error('boom');
    e.name = 'Custom.Error';
    throw e;
  },
  // Never finishes on its own; stops when the task's timeout aborts it.
  slow: (_input: unknown, ctx: { signal: AbortSignal }) => new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', reject)),
};

for (const c of readJson<{ cases: StateCase[] }>('./jsonata.states.json').cases) {
  States(c.name, async () => {
    const machine = compile(c.definition, { handlers, clock: virtualClock(CLOCK_START) });
    const result = await machine.execute(c.input);
    assert.is(result.status, c.expected.status, `${result.error}: ${result.cause}`);
    if (c.expected.status === 'SUCCEEDED') assert.equal(result.output, c.expected.output);
    if (c.expected.error !== undefined) assert.is(result.error, c.expected.error);
    if (c.expected.cause !== undefined) {
      if (c.expected.cause.endsWith('…')) assert.ok(result.cause!.startsWith(c.expected.cause.slice(0, -1)), result.cause!);
      else assert.is(result.cause, c.expected.cause);
    }
  });
}

States('an expression that does not parse is a definition problem at compile, with its pointer', () => {
  const definition = { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: { a: '{% 1 + %}' }, End: true } } };
  try {
    compile(definition);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, DefinitionError);
    assert.equal(
      (e as DefinitionError).problems.map((p) => [p.code, p.pointer]),
      [[ProblemCodes.JSONATA_SYNTAX, '/States/P/Output/a']],
    );
  }
});

States('$states.result and $states.errorOutput where the state has none are definition problems, each at its string', () => {
  const task = (fields: Record<string, unknown>) => ({ Type: 'Task', Resource: 'echo', ...fields });
  const definition = {
    QueryLanguage: 'JSONata',
    StartAt: 'P',
    States: {
      P: { Type: 'Pass', Output: '{% $states.result %}', Next: 'T' },
      T: task({
        Arguments: { r: '{% $states.result.x %}' },
        Output: '{% $states.errorOutput %}',
        Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $states.result %}', Assign: { e: '{% $states.errorOutput.Error %}' }, Next: 'Fine' }],
        Next: 'Fine',
      }),
      Fine: task({ Output: '{% $states.result.Payload %}', Assign: { r: '{% $states.result %}' }, End: true }),
    },
  };
  try {
    compile(definition, { handlers });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, DefinitionError);
    assert.equal(
      (e as DefinitionError).problems.map((p) => [p.code, p.pointer]),
      [
        [ProblemCodes.JSONATA_STATES_FIELD, '/States/P/Output'],
        [ProblemCodes.JSONATA_STATES_FIELD, '/States/T/Arguments/r'],
        [ProblemCodes.JSONATA_STATES_FIELD, '/States/T/Output'],
        [ProblemCodes.JSONATA_STATES_FIELD, '/States/T/Catch/0/Output'],
      ],
    );
  }
});

States('fields evaluated by the library are reported in order: the first failing one names the error', async () => {
  const definition = {
    QueryLanguage: 'JSONata',
    StartAt: 'P',
    States: { P: { Type: 'Pass', Output: { a: '{% $map([1], function($v){ $nothing }) %}', b: '{% $alsoNothing %}' }, End: true } },
  };
  const result = await compile(definition).execute({});
  assert.is(result.error, 'States.QueryEvaluationError');
  assert.match(result.cause!, /for the field 'Output\/a' returned nothing/);
});

States('no expression can reach Object.prototype', async () => {
  const attempts = [
    "{% $states.input.__proto__.($lookup($, '__defineGetter__')('polluted', $lookup($, 'valueOf'))) %}",
    "{% $lookup($lookup($states.input, '__proto__'), 'constructor') %}",
    "{% $states.input ~> |__proto__|{'polluted': 1}| %}",
    '{% $merge([{}, $parse(\'{"__proto__": {"polluted": 1}}\')]) %}',
    "{% $states.input.constructor.constructor('return 1')() %}",
    "{% $eval('$states.input.__proto__') %}",
  ];
  for (const attempt of attempts) {
    const definition = { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: { r: attempt }, End: true } } };
    await compile(definition).execute({});
  }
  assert.is(({} as Record<string, unknown>).polluted, undefined);
  assert.is(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
});

States.run();

// ---------------------------------------------------------------------------------------------

const Functions = suite('Step Functions JSONata functions');

Functions('$random(seed) is java.util.Random(seed).nextDouble()', () => {
  assert.is(javaRandomDouble(42), 0.7275636800328681);
  assert.is(javaRandomDouble(0), 0.730967787376657);
  assert.is(javaRandomDouble(-7), 0.2691218093260761);
});

Functions('$parse reads -0 as 0, and looks for one only where a -0 number may be', () => {
  const cases: [string, boolean][] = [
    ['-0', true],
    ['[1, -0]', true],
    ['{"a": -0.000}', true],
    ['-0e5', true],
    ['-0E-2', true],
    ['"2024-05-01T00:00:00-07:00"', false],
    ['-0.5', false],
    ['"ab-0c"', false],
    ['{"a":-0}', true],
    ['{"a":\n -0}', true],
    ['-0.05', false],
    ['[-01]', false],
    ['{"a": -10}', false],
    ['', false],
  ];
  for (const [text, expected] of cases) assert.is(mayHoldNegativeZero(text), expected, text);
  // Never misses a number the JSON grammar reads as -0, wherever it sits.
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constantFrom('-0', '-0.0', '-0e1', '-0.5', '-05', '"2024-05-01"', '"a-0"', ',', ' ', '.', 'e', '1', '0')), { maxLength: 8 }),
      (parts) => {
        const text = parts.join('');
        // What JSON.parse reads as -0: the text parses, and some number in it is -0.
        let value: unknown;
        try {
          value = JSON.parse(`[${text}]`);
        } catch {
          return;
        }
        if ((value as unknown[]).some((v) => Object.is(v, -0))) assert.ok(mayHoldNegativeZero(`[${text}]`), text);
      },
    ),
    { numRuns: 2000, seed: 20261206 },
  );
  assert.equal(parseJson('{"a": [-0, -0.0, 1], "d": "2024-05-01"}'), { a: [0, 0, 1], d: '2024-05-01' });
  assert.ok(Object.is((parseJson('[-0]') as number[])[0], 0));
});

Functions('$uuid() is a version 4 UUID, new each time', async () => {
  const definition = { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: ['{% $uuid() %}', '{% $uuid() %}'], End: true } } };
  const [a, b] = (await compile(definition).execute({})).output as string[];
  assert.match(a!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.is.not(a, b);
});

Functions('$random() without a seed is a number in [0, 1)', async () => {
  const definition = { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: '{% $random() %}', End: true } } };
  const r = (await compile(definition).execute({})).output as number;
  assert.ok(r >= 0 && r < 1);
});

Functions('a failure inside a Step Functions function is a query error with its message', async () => {
  const definition = { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: "{% $parse('{oops') %}", End: true } } };
  const result = await compile(definition).execute({});
  assert.is(result.error, 'States.QueryEvaluationError');
  assert.match(result.cause!, /threw an error during evaluation\. \$parse could not parse its argument as JSON/);
});

Functions.run();

// ---------------------------------------------------------------------------------------------

const Problems = suite('jsonataProblems');

function codes(problems: Problem[]): [string, string][] {
  return problems.map((p) => [p.code, p.pointer]);
}

Problems('top-level `$`, `$$` and bare names are refused; nested ones are not', () => {
  const definition = {
    QueryLanguage: 'JSONata',
    StartAt: 'P',
    States: {
      P: {
        Type: 'Pass',
        Output: {
          bare: '{% phone %}',
          dollar: '{% $ %}',
          root: '{% $$ %}',
          predicate: '{% $states.input.items[price > 10] %}',
          lambda: '{% $map($states.input.items, function($v){ total }) %}',
          key: '{% {name: 1} %}',
          fine: '{% $states.input.a & $var %}',
        },
        End: true,
      },
    },
  };
  assert.equal(codes(jsonataProblems(definition)), [
    [ProblemCodes.JSONATA_TOP_LEVEL_REFERENCE, '/States/P/Output/bare'],
    [ProblemCodes.JSONATA_TOP_LEVEL_REFERENCE, '/States/P/Output/dollar'],
    [ProblemCodes.JSONATA_TOP_LEVEL_REFERENCE, '/States/P/Output/root'],
    [ProblemCodes.JSONATA_TOP_LEVEL_REFERENCE, '/States/P/Output/lambda'],
    [ProblemCodes.JSONATA_TOP_LEVEL_REFERENCE, '/States/P/Output/key'],
  ]);
  assert.match(jsonataProblems(definition)[0]!.message, /Reference to 'phone' at the top level is not supported/);
});

Problems('an expression that does not parse, in any evaluated field at any depth', () => {
  const definition = {
    QueryLanguage: 'JSONata',
    StartAt: 'C',
    States: {
      C: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.a = %}', Next: 'T', Comment: '{% not evaluated %}' }], Default: 'T' },
      T: {
        Type: 'Task',
        Resource: 'x',
        Arguments: { list: [{ deep: '{% ) %}' }] },
        Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% ( %}', Next: 'T' }],
        End: true,
      },
    },
  };
  assert.equal(codes(jsonataProblems(definition)), [
    [ProblemCodes.JSONATA_SYNTAX, '/States/C/Choices/0/Condition'],
    [ProblemCodes.JSONATA_SYNTAX, '/States/T/Arguments/list/0/deep'],
    [ProblemCodes.JSONATA_SYNTAX, '/States/T/Catch/0/Output'],
  ]);
});

Problems('regression: the JSONata 2.1 operators ?? and ?: are refused (AWS runs 2.0.6); lookalikes are not', () => {
  const refused = [
    '$states.input.a ?? 1',
    '$states.input.a ?: 1',
    '$states.input.a?:1',
    '($states.input.a ?? 1) + 2',
    '$states.input.b ? ($states.input.a ?? 1) : 2',
    '[1, 2][$ ?? 0]',
  ];
  const accepted = [
    '$states.input.a ? $states.input.a : 1',
    '$exists($states.input.a) ? $states.input.a : 1',
    '"??" & ($states.input.a ? "?:" : "x")',
    '$contains($states.input.s, /a??/) ? 1 : 2',
    '$states.input.a ? /* ?? */ 1 : 2',
  ];
  const output: Record<string, string> = {};
  [...refused, ...accepted].forEach((e, i) => (output[`e${i}`] = `{% ${e} %}`));
  const definition = { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: output, End: true } } };
  const versionProblems = jsonataProblems(definition).filter((p) => p.code === ProblemCodes.JSONATA_VERSION);
  assert.equal(
    versionProblems.map((p) => p.pointer),
    refused.map((_, i) => `/States/P/Output/e${i}`),
  );
  assert.match(versionProblems[0]!.message, /'\?\?', an operator of JSONata 2\.1/);
  assert.throws(
    () => compile(definition),
    (e: unknown) => e instanceof DefinitionError && e.problems.some((p) => p.code === ProblemCodes.JSONATA_VERSION),
  );
});

Problems('JSONPath states are not checked; nested blocks follow the machine, not the enclosing state', () => {
  const definition = {
    StartAt: 'Par',
    States: {
      Par: {
        Type: 'Parallel',
        QueryLanguage: 'JSONata',
        Output: '{% oops %}',
        Branches: [
          { StartAt: 'Path', States: { Path: { Type: 'Pass', Result: '{% literal in JSONPath %}', End: true } } },
          { StartAt: 'Ata', States: { Ata: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% again %}', End: true } } },
        ],
        End: true,
      },
    },
  };
  assert.equal(codes(jsonataProblems(definition)), [
    [ProblemCodes.JSONATA_TOP_LEVEL_REFERENCE, '/States/Par/Output'],
    [ProblemCodes.JSONATA_TOP_LEVEL_REFERENCE, '/States/Par/Branches/1/States/Ata/Output'],
  ]);
});

Problems('never throws, whatever it is given', () => {
  const hostile = {
    get States(): never {
      throw new Error('getter');
    },
    QueryLanguage: 'JSONata',
  };
  for (const value of [null, undefined, 42, 'x', [], {}, { States: [] }, { States: { A: null } }, hostile]) {
    assert.equal(jsonataProblems(value), []);
  }
});

const casesDir = new URL('../../../../shared/conformance/cases/', import.meta.url);
Problems('every AWS-accepted conformance definition has no JSONata problem', () => {
  if (!existsSync(casesDir)) return;
  for (const file of readdirSync(casesDir).filter((f) => f.endsWith('.json'))) {
    const c = JSON.parse(readFileSync(new URL(file, casesDir), 'utf8')) as { definition: unknown };
    assert.equal(jsonataProblems(c.definition), [], file);
  }
});

Problems.run();

// ---------------------------------------------------------------------------------------------

const Errors = suite('query evaluation errors');

Errors('causes name the expression and the field as AWS does', () => {
  const frame = frameWith({}, {});
  const evaluate = compileExpression('{% $nothing %}', new JsonataField('Assign', '/States/S/Assign').child('x'), []);
  try {
    evaluate(new StatesScope(frame, {}));
    assert.unreachable();
  } catch (e) {
    assert.instance(e, AslError);
    assert.is((e as AslError).error, 'States.QueryEvaluationError');
    assert.is(
      (e as AslError).cause,
      "An error occurred while executing the state 'S' (entered at the event id #2). The JSONata expression '$nothing' specified for the field 'Assign/x' returned nothing (undefined).",
    );
  }
});

Errors.run();

const Regex = suite('regex literals run on RE2 and agree with jsonata on JavaScript RegExp');

/** Expressions over regex literals: every function that takes one, flags i and m, groups, escapes. */
const regexExpressions = [
  '$match("ab12cd34", /(\\d)(\\d)/)',
  '$match("ab12cd34", /(\\d)(\\d)/, 1)',
  '$match("aXbxc", /x/i)',
  '$match("a\\nb\\nc", /^\\w$/m)',
  '$match("a\\nb", /^b/)',
  '$match("xa", /(a)(b)?/)',
  '$match("x-y_z", /(?<sep>[-_])/)',
  '$match("café", /\\u00e9/)',
  '$match("tab\\there", /\\s/)',
  '$match("a\\u00a0b", /\\s/)',
  '$match("a\\u00a0b", /[\\s]/)',
  '$match("a\\u00a0b", /\\S+/)',
  '$match("a.b", /\\./)',
  '$match("a/b", /\\//)',
  '$match("line1\\r\\nline2", /.+/)',
  '$match("ab", /(?:a)(b)/)',
  '$match("aaa", /a{2}/)',
  '$match("The Cat", /[A-Z]\\w*/)',
  '$match("", /x/)',
  '$match("abc", /x*/)',
  '$match("abc", /b*/)',
  '$split("abc", /x*/)',
  '$contains("abc", /x*/)',
  '$replace("a-b-c", /-/, "+")',
  '$replace("a-b-c", /-/, "+", 1)',
  '$replace("John Smith", /(\\w+)\\s(\\w+)/, "$2, $1")',
  '$replace("aaa", /a/, "$0$0")',
  '$replace("abc", /B/i, function($m){ $uppercase($m.match) & "!" })',
  '$split("a1b22c", /\\d+/)',
  '$split("a, b,c", /,\\s*/, 2)',
  '$contains("hello", /l+/)',
  '$contains("hello", /^h.*o$/)',
  '$contains("HELLO", /hello/)',
  '("abc" ~> /b/).match',
  '$states.input.words[$contains($, /^b/)]',
  '$states.input.words.$match($, /(.)(.)/).groups',
];

for (const expression of regexExpressions) {
  Regex(expression, async () => {
    const input = { words: ['apple', 'banana', 'blueberry'] };
    let expected: unknown;
    let libraryError: string | null = null;
    try {
      expected = await jsonata(expression.replaceAll('$states.input', '$$')).evaluate(input);
    } catch (error) {
      libraryError = (error as { code: string }).code;
    }
    const definition = { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: { v: `{% ${expression} %}` }, End: true } } };
    const result = await compile(definition, { clock: virtualClock(0) }).execute(input);
    if (libraryError !== null) {
      assert.is(result.error, 'States.QueryEvaluationError', expression);
      assert.ok(result.cause?.includes(libraryError), `${expression}: ${result.cause}`);
      return;
    }
    if (expected === undefined) {
      assert.match(result.cause ?? '', /returned nothing \(undefined\)/, expression);
      return;
    }
    assert.is(result.status, 'SUCCEEDED', result.cause ?? undefined);
    assert.equal((result.output as { v: unknown }).v, JSON.parse(JSON.stringify(expected)), expression);
  });
}

Regex('patterns RE2 cannot run are refused at validation with ERR_ASL_JSONATA_REGEX', () => {
  const refused = ['/(a)\\1/', '/(?<n>a)\\k<n>/', '/a(?=b)/', '/a(?!b)/', '/(?<=a)b/', '/(?<!a)b/', '/[^]/'];
  const accepted = ['/(a)(b)/', '/(?:a)/', '/(?<n>a)/', '/x[?=]/', '/\\\\1/', '/a\\(?=b\\)/'];
  const output: Record<string, string> = {};
  [...refused, ...accepted].forEach((r, i) => (output[`e${i}`] = `{% $contains("ab", ${r}) %}`));
  const definition = { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: output, End: true } } };
  const problems = jsonataProblems(definition);
  assert.equal(
    problems.map((p) => [p.code, p.pointer]),
    refused.map((_, i) => [ProblemCodes.JSONATA_REGEX, `/States/P/Output/e${i}`]),
  );
});

Regex.run();
