import { readFileSync } from 'node:fs';
import { loadCases } from '../../conformance/runner.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DefinitionError, ProblemCodes } from '../../../src/asl/problems.js';
import { checkChoiceRule, choiceOperators, compileChoiceRule, compileWildcard, type Predicate } from '../../../src/compile/jsonpath/choice-rules.js';
import { AslError } from '../../../src/run/errors.js';
import type { Frame } from '../../../src/run/frame.js';
import { testExecution, testFrame } from '../../support/frames.js';

function readJson<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8')) as T;
}

interface ComparisonRow {
  operator: string;
  operand: unknown;
  true: unknown[];
  false: unknown[];
  mismatch: unknown[];
}
interface TypeTestRow {
  operator: string;
  true: unknown[];
  false: unknown[];
}
interface MatchesRow {
  pattern: string;
  true: string[];
  false: string[];
}
const table = readJson<{ comparisons: ComparisonRow[]; typeTests: TypeTestRow[]; stringMatches: MatchesRow[] }>('./choice-rules.operators.json');

/** A frame at state 'Check', entered at event #2, as the causes below expect. */
function frameWith(variables: Record<string, unknown> = {}, executionInput: unknown = {}): Frame {
  const exec = testExecution({
    id: 'arn:aws:states:us-east-1:000000000000:execution:sm:run',
    name: 'run',
    input: executionInput,
    stateMachineId: 'arn:aws:states:us-east-1:000000000000:stateMachine:sm',
    stateMachineName: 'sm',
    roleArn: 'arn:aws:iam::000000000000:role/r',
  });
  return testFrame({ exec, variables, stateName: 'Check', enteredEventId: 2 });
}

const frame = frameWith();

function evaluate(rule: object, input: unknown, at: Frame = frame): boolean {
  return compileChoiceRule(rule)(input, at);
}

function failureOf(run: () => unknown): AslError {
  try {
    run();
  } catch (e) {
    if (e instanceof AslError) return e;
    throw e;
  }
  throw new Error('expected an AslError');
}

function missingCause(path: string): string {
  return `An error occurred while executing the state 'Check' (entered at the event id #2). Invalid path '${path}': The choice state's condition path references an invalid value.`;
}

const show = (value: unknown) => JSON.stringify(value);

// ---------------------------------------------------------------------------------------------

const Comparisons = suite('comparison operators');

Comparisons('the fixture covers every comparison operator', () => {
  const covered = new Set(table.comparisons.map((row) => row.operator));
  for (const name of choiceOperators) {
    if (name.startsWith('Is') || name === 'StringMatches' || name.endsWith('Path')) continue;
    assert.ok(covered.has(name), `no fixture row for ${name}`);
  }
});

for (const row of table.comparisons) {
  const expectations: [unknown, boolean][] = [
    ...row.true.map((v): [unknown, boolean] => [v, true]),
    ...row.false.map((v): [unknown, boolean] => [v, false]),
    ...row.mismatch.map((v): [unknown, boolean] => [v, false]),
  ];
  Comparisons(`${row.operator} ${show(row.operand)}`, () => {
    const literal = compileChoiceRule({ Variable: '$.v', [row.operator]: row.operand, Next: 'Done' });
    const viaPath = compileChoiceRule({ Variable: '$.v', [row.operator + 'Path']: '$.w', Next: 'Done' });
    for (const [value, expected] of expectations) {
      const input = { v: value, w: row.operand };
      assert.is(literal(input, frame), expected, `${show(value)} ${row.operator} ${show(row.operand)}`);
      assert.is(viaPath(input, frame), expected, `${show(value)} ${row.operator}Path ${show(row.operand)}`);
    }
  });
  if (row.true.length > 0) {
    Comparisons(`${row.operator}Path with a mismatched operand is false`, () => {
      const viaPath = compileChoiceRule({ Variable: '$.v', [row.operator + 'Path']: '$.w', Next: 'Done' });
      for (const wrong of row.mismatch) {
        assert.is(viaPath({ v: row.true[0], w: wrong }, frame), false, `${show(row.true[0])} vs ${show(wrong)}`);
      }
    });
  }
}

Comparisons('a whole-input Variable ($) compares the input itself', () => {
  assert.ok(evaluate({ Variable: '$', StringEquals: 'No messages' }, 'No messages'));
  assert.ok(evaluate({ Variable: '$', NumericEquals: 3 }, 3));
  assert.not.ok(evaluate({ Variable: '$', NumericEquals: 3 }, { v: 3 }));
});

Comparisons('an array index and a quoted name reach nested values', () => {
  const input = { list: [{ 'odd name': 5 }] };
  assert.ok(evaluate({ Variable: "$.list[0]['odd name']", NumericGreaterThan: 4 }, input));
  assert.ok(evaluate({ Variable: "$.list[-1]['odd name']", NumericEquals: 5 }, input));
});

Comparisons('__proto__ and constructor in a Variable read only own properties', () => {
  assert.ok(evaluate({ Variable: '$.constructor', IsPresent: false }, {}));
  assert.ok(evaluate({ Variable: '$.__proto__', IsPresent: false }, {}));
  const input = JSON.parse('{"__proto__": "own"}');
  assert.ok(evaluate({ Variable: '$.__proto__', StringEquals: 'own' }, input));
});

// ---------------------------------------------------------------------------------------------

const TypeTests = suite('Is* operators');

for (const row of table.typeTests) {
  TypeTests(row.operator, () => {
    const asked = compileChoiceRule({ Variable: '$.v', [row.operator]: true });
    const denied = compileChoiceRule({ Variable: '$.v', [row.operator]: false });
    for (const value of row.true) {
      assert.is(asked({ v: value }, frame), true, `${row.operator}: true for ${show(value)}`);
      assert.is(denied({ v: value }, frame), false, `${row.operator}: false for ${show(value)}`);
    }
    for (const value of row.false) {
      assert.is(asked({ v: value }, frame), false, `${row.operator}: true for ${show(value)}`);
      assert.is(denied({ v: value }, frame), true, `${row.operator}: false for ${show(value)}`);
    }
  });
}

TypeTests('on a missing path IsPresent tells, and every other Is* test is false', () => {
  assert.is(evaluate({ Variable: '$.v', IsPresent: true }, {}), false);
  assert.is(evaluate({ Variable: '$.v', IsPresent: false }, {}), true);
  assert.is(evaluate({ Variable: '$.a.b.c', IsPresent: false }, { a: 1 }), true);
  for (const operator of ['IsNull', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp']) {
    assert.is(evaluate({ Variable: '$.v', [operator]: true }, {}), false, `${operator}: true`);
    assert.is(evaluate({ Variable: '$.v', [operator]: false }, {}), false, `${operator}: false`);
  }
});

TypeTests('an indefinite path is present even when it matches nothing', () => {
  assert.ok(evaluate({ Variable: '$.list[*]', IsPresent: true }, { list: [] }));
});

// ---------------------------------------------------------------------------------------------

const Matches = suite('StringMatches');

for (const row of table.stringMatches) {
  Matches(`pattern ${show(row.pattern)}`, () => {
    const matches = compileChoiceRule({ Variable: '$.v', StringMatches: row.pattern });
    for (const text of row.true) assert.is(matches({ v: text }, frame), true, `${show(text)} should match`);
    for (const text of row.false) assert.is(matches({ v: text }, frame), false, `${show(text)} should not match`);
  });
}

Matches('a value that is not a string never matches', () => {
  const matches = compileChoiceRule({ Variable: '$.v', StringMatches: '*' });
  for (const value of [null, 0, true, [], {}, ['x']]) assert.is(matches({ v: value }, frame), false, show(value));
});

Matches('pathological patterns finish with the right answer', () => {
  const long = 'a'.repeat(100000);
  assert.is(evaluate({ Variable: '$.v', StringMatches: 'a*a*a*a*a*b' }, { v: long }), false);
  assert.is(evaluate({ Variable: '$.v', StringMatches: 'a*a*a*a*a*b' }, { v: long + 'b' }), true);
  assert.is(evaluate({ Variable: '$.v', StringMatches: '*a*a*a*a*a*a*a*a*a*a*a*a*c' }, { v: long }), false);
  assert.is(evaluate({ Variable: '$.v', StringMatches: '*' + 'ab*'.repeat(200) }, { v: 'ab'.repeat(199) }), false);
  assert.is(evaluate({ Variable: '$.v', StringMatches: '*' + 'ab*'.repeat(200) }, { v: 'ab'.repeat(200) }), true);
});

Matches('a pattern ending in a lone backslash compiles, and fails when used on a string', () => {
  assert.is(compileWildcard('abc\\'), null);
  const matches = compileChoiceRule({ Variable: '$.v', StringMatches: 'abc\\' });
  assert.is(matches({ v: 5 }, frame), false);
  const failure = failureOf(() => matches({ v: 'abc' }, frame));
  assert.is(failure.error, 'States.Runtime');
});

// ---------------------------------------------------------------------------------------------

const Missing = suite('missing paths');

Missing('a missing Variable fails every comparison with States.Runtime', () => {
  const operators = [...table.comparisons.map((row) => [row.operator, row.operand] as const), ['StringMatches', '*'] as const];
  for (const [operator, operand] of operators) {
    const failure = failureOf(() => evaluate({ Variable: '$.v', [operator]: operand }, { w: operand }));
    assert.is(failure.error, 'States.Runtime', operator);
    assert.is(failure.cause, missingCause('$.v'), operator);
    if (operator !== 'StringMatches') {
      const viaPath = failureOf(() => evaluate({ Variable: '$.v', [operator + 'Path']: '$.w' }, { w: operand }));
      assert.is(viaPath.cause, missingCause('$.v'), operator + 'Path');
    }
  }
});

Missing('a missing Path operand fails with its own path named', () => {
  for (const row of table.comparisons) {
    const failure = failureOf(() => evaluate({ Variable: '$.v', [row.operator + 'Path']: '$.other.w' }, { v: row.operand }));
    assert.is(failure.error, 'States.Runtime');
    assert.is(failure.cause, missingCause('$.other.w'), row.operator);
  }
});

Missing('the Variable is read before the Path operand', () => {
  const failure = failureOf(() => evaluate({ Variable: '$.v', NumericEqualsPath: '$.w' }, {}));
  assert.is(failure.cause, missingCause('$.v'));
});

Missing('a path through a non-object is missing, and a null value is not', () => {
  assert.is(failureOf(() => evaluate({ Variable: '$.a.b', StringEquals: 'x' }, { a: 'text' })).cause, missingCause('$.a.b'));
  assert.is(failureOf(() => evaluate({ Variable: '$.a[3]', NumericEquals: 1 }, { a: [1] })).cause, missingCause('$.a[3]'));
  assert.is(evaluate({ Variable: '$.a', StringEquals: 'x' }, { a: null }), false);
});

// ---------------------------------------------------------------------------------------------

const Roots = suite('context object and variables');

Roots('a $$ Variable reads the context object', () => {
  const at = frameWith({}, { 'input-value': 0 });
  assert.ok(evaluate({ Variable: '$$.Execution.Input.input-value', NumericLessThanEquals: 0 }, {}, at));
  assert.ok(evaluate({ Variable: '$$.State.Name', StringEquals: 'Check' }, {}, at));
  assert.ok(evaluate({ Variable: '$.n', NumericEqualsPath: '$$.Execution.Input.input-value' }, { n: 0 }, at));
});

Roots('workflow variables on either side', () => {
  const at = frameWith({ guess: 'CORRECT', answer: 'CORRECT', limits: { max: 3 } });
  assert.ok(evaluate({ Variable: '$guess', StringEqualsPath: '$answer' }, {}, at));
  assert.ok(evaluate({ Variable: '$.n', NumericLessThanPath: '$limits.max' }, { n: 2 }, at));
  assert.ok(evaluate({ Variable: '$nothing', IsPresent: false }, {}, at));
  assert.is(failureOf(() => evaluate({ Variable: '$nothing', StringEquals: 'x' }, {}, at)).cause, missingCause('$nothing'));
  assert.is(failureOf(() => evaluate({ Variable: '$guess', StringEqualsPath: '$limits.min' }, {}, at)).cause, missingCause('$limits.min'));
});

// ---------------------------------------------------------------------------------------------

const Logic = suite('And, Or, Not');

const positive = { Variable: '$.n', NumericGreaterThan: 0 };
const even = { Variable: '$.even', BooleanEquals: true };
const small = { Variable: '$.n', NumericLessThan: 10 };
const explodes = { Variable: '$.missing', BooleanEquals: true };

Logic('truth tables', () => {
  const inputs = [
    { n: 4, even: true },
    { n: 3, even: false },
    { n: -2, even: true },
    { n: 11, even: false },
    { n: 12, even: true },
  ];
  for (const input of inputs) {
    const p = input.n > 0;
    const e = input.even;
    const s = input.n < 10;
    assert.is(evaluate({ And: [positive] }, input), p);
    assert.is(evaluate({ And: [positive, even] }, input), p && e);
    assert.is(evaluate({ And: [positive, even, small] }, input), p && e && s);
    assert.is(evaluate({ Or: [positive] }, input), p);
    assert.is(evaluate({ Or: [positive, even] }, input), p || e);
    assert.is(evaluate({ Or: [positive, even, small] }, input), p || e || s);
    assert.is(evaluate({ Not: positive }, input), !p);
    assert.is(evaluate({ Not: { Not: positive } }, input), p);
    assert.is(evaluate({ And: [{ Or: [{ Not: even }, small] }, { Not: { And: [positive, { Not: small }] } }] }, input), (!e || s) && !(p && !s));
  }
});

Logic('And stops at the first false rule and Or at the first true one', () => {
  for (const size of [2, 3]) {
    const rest = Array.from({ length: size - 1 }, () => explodes);
    assert.is(evaluate({ And: [positive, ...rest] }, { n: -1 }), false);
    assert.is(evaluate({ Or: [positive, ...rest] }, { n: 1 }), true);
    assert.is(failureOf(() => evaluate({ And: [positive, ...rest] }, { n: 1 })).error, 'States.Runtime');
    assert.is(failureOf(() => evaluate({ Or: [positive, ...rest] }, { n: -1 })).error, 'States.Runtime');
  }
});

Logic('Not lets a failure through rather than turning it into true', () => {
  assert.is(failureOf(() => evaluate({ Not: explodes }, {})).cause, missingCause('$.missing'));
});

Logic('nesting to any depth', () => {
  // The rule and a plain-JavaScript model of it are built side by side.
  type Input = { n: number; even: boolean };
  let rule: object = positive;
  let model = (input: Input) => input.n > 0;
  for (let depth = 0; depth < 300; depth++) {
    const inner = model;
    if (depth % 3 === 0) {
      rule = { Not: rule };
      model = (input) => !inner(input);
    } else if (depth % 3 === 1) {
      rule = { And: [rule, small] };
      model = (input) => inner(input) && input.n < 10;
    } else {
      rule = { Or: [rule, even] };
      model = (input) => inner(input) || input.even;
    }
  }
  const test = compileChoiceRule(rule);
  for (const input of [
    { n: -5, even: false },
    { n: 5, even: false },
    { n: 50, even: false },
    { n: -5, even: true },
  ]) {
    assert.is(test(input, frame), model(input), show(input));
  }
});

Logic('AWS documentation example', () => {
  const rules: [object, string][] = [
    [{ Not: { Variable: '$.type', StringEquals: 'Private' } }, 'Public'],
    [{ Variable: '$.value', NumericEquals: 0 }, 'ValueIsZero'],
    [
      {
        And: [
          { Variable: '$.value', NumericGreaterThanEquals: 20 },
          { Variable: '$.value', NumericLessThan: 30 },
        ],
      },
      'ValueInTwenties',
    ],
  ];
  const compiled = rules.map(([rule, next]) => [compileChoiceRule(rule), next] as [Predicate, string]);
  const choose = (input: unknown) => compiled.find(([test]) => test(input, frame))?.[1] ?? 'Default';
  assert.is(choose({ type: 'Private', value: 22 }), 'ValueInTwenties');
  assert.is(choose({ type: 'Public', value: 22 }), 'Public');
  assert.is(choose({ type: 'Private', value: 0 }), 'ValueIsZero');
  assert.is(choose({ type: 'Private', value: 35 }), 'Default');
});

// ---------------------------------------------------------------------------------------------

const Compile = suite('compileChoiceRule');

Compile('ignores Next, Assign, Comment and Condition', () => {
  const test = compileChoiceRule({ Variable: '$.a', IsNull: true, Next: 'X', Assign: { x: 1 }, Comment: 'c', Condition: '{% false %}' });
  assert.ok(test({ a: null }, frame));
});

Compile('throws a DefinitionError carrying every problem, at the given pointer', () => {
  try {
    compileChoiceRule({ Variable: 'a', NumericEquals: '1', Next: 'X' }, '/States/Check/Choices/0');
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.instance(e, DefinitionError);
    const found = (e as DefinitionError).problems.map((p) => [p.code, p.pointer]);
    assert.equal(found, [
      [ProblemCodes.FIELD_TYPE, '/States/Check/Choices/0/NumericEquals'],
      [ProblemCodes.PATH_SYNTAX, '/States/Check/Choices/0/Variable'],
    ]);
  }
});

Compile('refuses a JSONata rule: its Condition belongs to the JSONata compiler', () => {
  assert.throws(
    () => compileChoiceRule({ Condition: '{% true %}', Next: 'X' }),
    (e: unknown) => e instanceof DefinitionError,
  );
});

// ---------------------------------------------------------------------------------------------

const Check = suite('checkChoiceRule');

interface ProblemCase {
  name: string;
  rule: unknown;
  problems: [keyof typeof ProblemCodes, string][];
}
const base = '/States/Check/Choices/2';

for (const row of readJson<{ cases: ProblemCase[] }>('./choice-rules.problems.json').cases) {
  Check(row.name, () => {
    const found = checkChoiceRule(row.rule, base)
      .map((p) => `${p.code} ${p.pointer}`)
      .sort();
    const expected = row.problems.map(([code, suffix]) => `${ProblemCodes[code]} ${base}${suffix}`).sort();
    assert.equal(found, expected);
  });
}

Check('every problem has a message', () => {
  for (const p of checkChoiceRule({ And: [{ Variable: 'x', NumericEquals: '1' }, { Or: [] }], Extra: 1 }, base)) {
    assert.type(p.message, 'string');
    assert.ok(p.message.length > 0);
  }
});

// ---------------------------------------------------------------------------------------------

const Conformance = suite('conformance: choice_operators cases recorded against AWS');

Conformance('every single-rule operator case picks the branch AWS picked', () => {
  const cases = loadCases().filter((c) => c.name.startsWith('choice_operators.'));
  for (const c of cases) {
    const definition = c.definition as { States: { CheckValues: { Choices: object[] } } };
    const [rule] = definition.States.CheckValues.Choices;
    const chosen = compileChoiceRule(rule!)(c.input, frame) ? 'ConditionTrue' : 'ConditionFalse';
    assert.is(chosen, (c.expected.output as Record<string, unknown>)['TestResult.$'], c.name);
  }
});

Comparisons.run();
TypeTests.run();
Matches.run();
Missing.run();
Roots.run();
Logic.run();
Compile.run();
Check.run();
Conformance.run();
