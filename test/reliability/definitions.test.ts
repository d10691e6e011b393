import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, DefinitionError, ProblemCodes, validate, virtualClock, type Problem } from '../../src/index.js';
import { MAX_DEFINITION_CONTAINERS, MAX_DEFINITION_DEPTH } from '../../src/compile/validate/shape.js';
import { loadCases } from '../conformance/runner.js';
import { assertDefinitionError, assertProblem, assertSettled, json, nestedArrays, nestedObjects } from './support.js';

/**
 * Malformed definitions of every kind: validate() answers with problems and never throws,
 * compile() throws one DefinitionError carrying them and nothing else, and neither hangs on
 * deep, huge, self-containing or shared-object definitions.
 */
const definitions = suite('malformed definitions');

interface MalformedCase {
  name: string;
  /** [code, pointer] pairs the DefinitionError must include. */
  problems: [string, string][];
  definition: unknown;
}

const malformed = json<MalformedCase[]>(readFileSync(join(import.meta.dirname, 'malformed-definitions.json'), 'utf8'));

/** Problems only compile() can find: they depend on the handlers and on what the engine supports. */
const compileOnlyCodes = new Set<string>([
  ProblemCodes.NO_HANDLER,
  ProblemCodes.UNSUPPORTED_INTEGRATION,
  ProblemCodes.JSONATA_SYNTAX,
  ProblemCodes.JSONATA_TOP_LEVEL_REFERENCE,
]);

const key = (p: { code: string; pointer: string }) => `${p.code} ${p.pointer}`;

/** validate() and compile() agree: compile refuses with validate's problems, or with compile-only ones. */
function checkAgreement(definition: unknown, context: string): Problem[] {
  let found: Problem[];
  try {
    found = validate(definition);
  } catch (thrown) {
    assert.unreachable(`validate threw for ${context}: ${String(thrown)}`);
    throw thrown;
  }
  assert.ok(Array.isArray(found), `validate answers with an array for ${context}`);
  for (const p of found) assertProblem(p, context);
  let refused: DefinitionError | null = null;
  try {
    compile(definition, { handlers: { r: () => 1 }, clock: virtualClock(0) });
  } catch (thrown) {
    assertDefinitionError(thrown, context);
    refused = thrown;
  }
  if (found.length > 0) {
    assert.ok(refused !== null, `compile accepted what validate refused: ${context}`);
    // compile() lists every problem at once: validate's, then Tasks without a handler.
    assert.equal(refused!.problems.slice(0, found.length), found, `compile and validate disagree on ${context}`);
    const added = refused!.problems.slice(found.length).filter((p) => p.code !== ProblemCodes.NO_HANDLER);
    assert.equal(added, [], `compile added problems other than missing handlers to validate's: ${context}`);
  } else if (refused !== null) {
    const unexpected = refused.problems.filter((p) => !compileOnlyCodes.has(p.code));
    assert.equal(unexpected, [], `compile found problems validate missed: ${context}`);
  }
  return refused?.problems ?? [];
}

for (const c of malformed) {
  definitions(`${c.name}: compile throws a DefinitionError naming it`, () => {
    const problems = checkAgreement(c.definition, c.name);
    const present = new Set(problems.map(key));
    for (const [code, pointer] of c.problems) assert.ok(present.has(`${code} ${pointer}`), `${code} at '${pointer}' in ${JSON.stringify(problems)}`);
    assert.ok(c.problems.length > 0, 'each case expects a problem');
  });
}

definitions('values no JSON text can hold: validate answers, compile throws only DefinitionError', () => {
  const throwingProxy = new Proxy(
    {},
    {
      get() {
        throw new Error('proxy get');
      },
      ownKeys() {
        throw new Error('proxy ownKeys');
      },
      getOwnPropertyDescriptor() {
        throw new Error('proxy descriptor');
      },
    },
  );
  const getterThrows = {
    StartAt: 'S',
    get States(): unknown {
      throw new Error('getter');
    },
  };
  const stateGetterThrows = {
    StartAt: 'S',
    States: {
      S: {
        Type: 'Pass',
        get End(): unknown {
          throw new Error('End getter');
        },
      },
    },
  };
  const nullPrototype = Object.assign(Object.create(null) as object, {
    StartAt: 'S',
    States: Object.assign(Object.create(null) as object, { S: { Type: 'Pass', End: true } }),
  });
  class Definition {
    StartAt = 'S';
    States = { S: { Type: 'Pass', End: true } };
  }
  const weird: [string, unknown][] = [
    ['undefined', undefined],
    ['a function', () => ({ StartAt: 'S' })],
    ['a symbol', Symbol('definition')],
    ['a bigint', 10n],
    ['a Date', new Date(0)],
    ['a Map', new Map([['StartAt', 'S']])],
    ['a throwing Proxy', throwingProxy],
    ['a throwing getter for States', getterThrows],
    ['a throwing getter inside a state', stateGetterThrows],
    ['a Proxy as a state', { StartAt: 'S', States: { S: throwingProxy } }],
    ['null-prototype objects', nullPrototype],
    ['a class instance', new Definition()],
    ['a frozen definition', Object.freeze({ StartAt: 'S', States: Object.freeze({ S: Object.freeze({ Type: 'Pass', End: true }) }) })],
    ['symbols as values', { StartAt: 'S', States: { S: { Type: 'Pass', Result: Symbol('r'), Next: Symbol('n') } } }],
    ['a bigint Seconds', { StartAt: 'S', States: { S: { Type: 'Wait', Seconds: 5n, End: true } } }],
    [
      'NaN and Infinity',
      { StartAt: 'S', States: { S: { Type: 'Wait', Seconds: NaN, Next: 'T' }, T: { Type: 'Task', Resource: 'r', TimeoutSeconds: Infinity, End: true } } },
    ],
    [
      'a sparse Branches array',
      { StartAt: 'S', States: { S: { Type: 'Parallel', Branches: [, { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } }], End: true } } },
    ],
    ['a function as a template value', { StartAt: 'S', States: { S: { Type: 'Pass', Parameters: { 'a.$': () => '$' }, End: true } } }],
    ['a boxed string path', { StartAt: 'S', States: { S: { Type: 'Pass', InputPath: new String('$.a'), End: true } } }],
    ['a symbol-keyed field', { StartAt: 'S', States: { S: { Type: 'Pass', End: true, [Symbol('x')]: 1 } } }],
  ];
  for (const [name, definition] of weird) checkAgreement(definition, name);
  for (const definition of [throwingProxy, getterThrows, stateGetterThrows]) {
    assert.equal(
      validate(definition).map((p) => [p.code, p.pointer]),
      [[ProblemCodes.NOT_JSON_DATA, '']],
    );
  }
});

definitions('a 10,000-state chain compiles and runs; 10,000 broken states are all reported', async () => {
  const count = 10_000;
  const states: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) states[`S${i}`] = i === count - 1 ? { Type: 'Succeed' } : { Type: 'Pass', Next: `S${i + 1}` };
  const machine = compile({ StartAt: 'S0', States: states }, { clock: virtualClock(0) });
  const result = await machine.execute({ n: 1 });
  assertSettled(result);
  assert.is(result.status, 'SUCCEEDED');
  assert.equal(result.output, { n: 1 });

  const broken: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) broken[`S${i}`] = { Type: 'Pass', Next: `Missing${i}`, InputPath: 5 };
  const problems = validate({ StartAt: 'S0', States: broken });
  assert.is(problems.filter((p) => p.code === ProblemCodes.UNKNOWN_STATE).length, count);
  assert.is(problems.filter((p) => p.code === ProblemCodes.FIELD_TYPE).length, count);
  assert.ok(problems.every((p) => p.pointer === '' || p.pointer.startsWith('/States/S')));
});

definitions('regression: did-you-mean suggestions are bounded in work, so long unknown names cannot stall validate', () => {
  // 3,000 states with 80-character names, each moving to a missing 80-character name: the
  // suggestion search used to compare each against every name (half a billion table cells).
  const states: Record<string, unknown> = {};
  for (let i = 0; i < 3000; i++) states[`${'S'.repeat(76)}${i}`] = { Type: 'Pass', Next: `${'S'.repeat(75)}x${i}` };
  const problems = validate({ StartAt: `${'S'.repeat(76)}0`, States: states });
  assert.is(problems.filter((p) => p.code === ProblemCodes.UNKNOWN_STATE).length, 3000);
});

definitions('nesting tens of thousands of levels deep is refused with a pointer to where it gets too deep', () => {
  const deep = 30_000;
  let parallel: unknown = { StartAt: 'L', States: { L: { Type: 'Pass', End: true } } };
  for (let i = 0; i < deep / 4; i++) parallel = { StartAt: `P${i}`, States: { [`P${i}`]: { Type: 'Parallel', Branches: [parallel], End: true } } };
  let rule: unknown = { Variable: '$.a', IsNull: true };
  for (let i = 0; i < deep; i++) rule = { Not: rule };
  const cases: [string, unknown, string][] = [
    ['Result objects', { StartAt: 'S', States: { S: { Type: 'Pass', Result: nestedObjects(deep), End: true } } }, '/States/S/Result/a/a'],
    ['Result arrays', { StartAt: 'S', States: { S: { Type: 'Pass', Result: nestedArrays(deep), End: true } } }, '/States/S/Result/0/0'],
    [
      'Parameters',
      { StartAt: 'S', States: { S: { Type: 'Pass', Parameters: nestedObjects(deep, 'k', { 'v.$': '$' }), End: true } } },
      '/States/S/Parameters/k/k',
    ],
    ['Parallel branches', parallel, '/States/'],
    [
      'Choice rules',
      { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ ...(rule as object), Next: 'E' }] }, E: { Type: 'Succeed' } } },
      '/States/C/Choices/0/Not/Not',
    ],
  ];
  for (const [name, definition, prefix] of cases) {
    const problems = checkAgreement(definition, name);
    assert.is(problems.length, 1, name);
    assert.is(problems[0]!.code, ProblemCodes.NESTING_TOO_DEEP, name);
    assert.ok(problems[0]!.pointer.startsWith(prefix), `${name}: ${problems[0]!.pointer.slice(0, 80)}`);
    assert.ok(problems[0]!.pointer.split('/').length > MAX_DEFINITION_DEPTH, name);
  }
});

definitions('nesting just inside the depth limit compiles and runs', async () => {
  const depth = MAX_DEFINITION_DEPTH - 10;
  const definition = { StartAt: 'S', States: { S: { Type: 'Pass', Parameters: nestedObjects(depth, 'k', { 'v.$': '$.x' }), End: true } } };
  const result = await compile(definition, { clock: virtualClock(0) }).execute({ x: 7 });
  assertSettled(result);
  assert.is(result.status, 'SUCCEEDED');
  let value = result.output as Record<string, unknown>;
  for (let i = 0; i < depth; i++) value = value.k as Record<string, unknown>;
  assert.equal(value, { v: 7 });
});

definitions('a definition that contains itself is refused, wherever the cycle passes', () => {
  const throughResult: Record<string, any> = { StartAt: 'S', States: { S: { Type: 'Pass', End: true } } };
  throughResult.States.S.Result = throughResult;
  const throughBranch: Record<string, any> = { StartAt: 'P', States: { P: { Type: 'Parallel', End: true, Branches: [] } } };
  throughBranch.States.P.Branches.push(throughBranch);
  const throughParameters: Record<string, any> = { StartAt: 'S', States: { S: { Type: 'Pass', End: true, Parameters: { 'a.$': '$' } } } };
  throughParameters.States.S.Parameters.self = throughParameters.States.S.Parameters;
  for (const [name, definition] of [
    ['Result', throughResult],
    ['Branches', throughBranch],
    ['Parameters', throughParameters],
  ] as const) {
    const problems = checkAgreement(definition, name);
    assert.equal(
      problems.map((p) => p.code),
      [ProblemCodes.NESTING_TOO_DEEP],
      name,
    );
  }
});

definitions('regression: shared sub-objects that stand for an exponentially large tree are refused quickly', () => {
  // 40 levels of { l: x, r: x } is 2^40 objects once expanded: the depth check alone used to
  // walk every one of them (hours); it now counts containers and stops at the limit.
  let shared: unknown = { x: 1 };
  for (let i = 0; i < 40; i++) shared = { l: shared, r: shared };
  for (const field of ['Result', 'Parameters', 'Comment']) {
    const definition = { StartAt: 'S', States: { S: { Type: 'Pass', End: true, [field]: shared } } };
    const problems = checkAgreement(definition, field);
    assert.equal(
      problems.map((p) => [p.code, p.pointer]),
      [[ProblemCodes.DEFINITION_TOO_LARGE, '']],
      field,
    );
    assert.match(problems[0]!.message, String(MAX_DEFINITION_CONTAINERS));
  }
});

definitions('a shared sub-object used by two states compiles, and their outputs stay independent', async () => {
  const parameters = { fixed: { list: [1, 2] }, 'v.$': '$.v' };
  const branch = { StartAt: 'Inner', States: { Inner: { Type: 'Pass', Result: { shared: true }, End: true } } };
  const definition = {
    StartAt: 'A',
    States: {
      A: { Type: 'Pass', Parameters: parameters, ResultPath: '$.a', Next: 'B' },
      B2: { Type: 'Pass', Parameters: parameters, ResultPath: '$.b', Next: 'P' },
      P: { Type: 'Parallel', Branches: [branch, { StartAt: 'C', States: { C: { Type: 'Pass', End: true } } }], ResultPath: '$.p', End: true },
      B: { Type: 'Pass', Next: 'B2' },
    },
  };
  const result = await compile(definition, { clock: virtualClock(0) }).execute({ v: 1 });
  assertSettled(result);
  assert.is(result.status, 'SUCCEEDED');
  const output = result.output as { a: { fixed: { list: number[] } }; b: { fixed: { list: number[] } } };
  assert.equal(output.a, { fixed: { list: [1, 2] }, v: 1 });
  assert.ok(output.a.fixed !== output.b.fixed, 'two states never share a constant object');
  output.a.fixed.list.push(3);
  assert.equal(output.b.fixed.list, [1, 2]);
  assert.equal(parameters.fixed.list, [1, 2], 'the definition is not modified');
  const again = await compile(definition, { clock: virtualClock(0) }).execute({ v: 2 });
  assert.equal((again.output as typeof output).a.fixed.list, [1, 2]);
});

definitions('hostile state names (__proto__, constructor, toString) are ordinary names', async () => {
  const definition = json(`{
    "StartAt": "toString",
    "States": {
      "toString": { "Type": "Pass", "Next": "__proto__" },
      "__proto__": { "Type": "Pass", "Result": 1, "ResultPath": "$.proto", "Next": "constructor" },
      "constructor": { "Type": "Choice", "Choices": [{ "Variable": "$.proto", "NumericEquals": 1, "Next": "hasOwnProperty" }], "Default": "prototype" },
      "hasOwnProperty": { "Type": "Succeed" },
      "prototype": { "Type": "Fail", "Error": "Wrong" }
    }
  }`);
  assert.equal(validate(definition), []);
  const result = await compile(definition, { clock: virtualClock(0) }).execute({});
  assertSettled(result);
  assert.is(result.status, 'SUCCEEDED');
  assert.equal(result.output, { proto: 1 });
});

// ---------------------------------------------------------------------------------------------
// Wrong types everywhere

const replacements: unknown[] = [null, true, 0, -1, 2.5, '', 'x', '$', [], {}, ['x'], { x: 1 }];

/** Every (container, key) of a JSON value, in document order. */
function locations(root: unknown): [Record<string, unknown> | unknown[], string | number][] {
  const found: [Record<string, unknown> | unknown[], string | number][] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        found.push([v, i]);
        stack.push(item);
      });
    } else {
      for (const k of Object.keys(v)) {
        found.push([v as Record<string, unknown>, k]);
        stack.push((v as Record<string, unknown>)[k]);
      }
    }
  }
  return found;
}

definitions('every field of conformance definitions replaced by each JSON type: validate and compile agree', () => {
  const cases = loadCases();
  if (cases.length === 0) {
    console.log('  reliability: no conformance cases found; wrong-type sweep skipped');
    return;
  }
  // An evenly spread sample, so every kind of state appears without sweeping all 722.
  const sample = cases.filter((_, i) => i % 40 === 0);
  let checked = 0;
  for (const c of sample) {
    const text = JSON.stringify(c.definition);
    const count = locations(json(text)).length;
    for (let at = 0; at < count; at++) {
      for (const replacement of replacements) {
        const definition = json(text);
        const [container, field] = locations(definition)[at]!;
        (container as Record<string | number, unknown>)[field] = replacement;
        checkAgreement(definition, `${c.name} with location ${at} replaced by ${JSON.stringify(replacement)}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 1000, `swept ${checked} definitions`);
});

definitions.run();
