import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  checkIntrinsic,
  compileIntrinsic,
  IntrinsicProblems,
  IntrinsicSyntaxError,
  isIntrinsicCall,
  type IntrinsicProblem,
} from '../../../src/compile/intrinsics/intrinsics.js';
import { AslError } from '../../../src/run/errors.js';
import type { Frame } from '../../../src/run/frame.js';
import { testExecution, testFrame } from '../../support/frames.js';

interface Situation {
  input: unknown;
  variables?: Record<string, unknown>;
  mapItem?: { index: number; value: unknown };
}

/** A frame in state 'Pass', entered at event #2, whose execution input is `input`. */
function frameFor({ input, variables, mapItem }: Situation): Frame {
  const exec = testExecution({
    id: 'arn:aws:states:us-east-1:111111111111:execution:machine:run-1',
    name: 'run-1',
    input,
    stateMachineId: 'arn:aws:states:us-east-1:111111111111:stateMachine:machine',
    stateMachineName: 'machine',
    roleArn: 'arn:aws:iam::111111111111:role/sfn',
  });
  return testFrame({ exec, variables: variables ?? null, mapItem, stateName: 'Pass', enteredEventId: 2 });
}

function run(call: string, situation: Situation): unknown {
  return compileIntrinsic(call)(situation.input, frameFor(situation));
}

/** Runs a call expected to fail and returns the AslError it threw. */
function failure(call: string, situation: Situation): AslError {
  const evaluate = compileIntrinsic(call);
  const frame = frameFor(situation);
  try {
    evaluate(situation.input, frame);
  } catch (e) {
    if (e instanceof AslError) return e;
    throw e;
  }
  throw new assert.Assertion({ message: `${call} did not fail`, operator: 'throws', expects: 'an AslError', actual: 'a result' });
}

function syntaxError(call: string): IntrinsicSyntaxError {
  try {
    checkIntrinsic(call);
  } catch (e) {
    if (e instanceof IntrinsicSyntaxError) return e;
    throw e;
  }
  throw new assert.Assertion({ message: `${call} passed checkIntrinsic`, operator: 'throws', expects: 'an IntrinsicSyntaxError', actual: 'no error' });
}

const causePrefix = "An error occurred while executing the state 'Pass' (entered at the event id #2). ";

// ---------------------------------------------------------------------------------------
// The conformance cases recorded on AWS

interface Evaluation extends Situation {
  case: string;
  call: string;
  expected: unknown;
}

const conformance = JSON.parse(readFileSync(new URL('./intrinsic-calls.aws.json', import.meta.url), 'utf8')) as {
  evaluations: Evaluation[];
  accepted: string[];
};

for (const [i, c] of conformance.evaluations.entries()) {
  test(`AWS-recorded: ${c.call} (${c.case} #${i})`, () => {
    assert.equal(run(c.call, c), c.expected);
  });
}

test('every intrinsic call in the AWS-recorded definitions passes checkIntrinsic', () => {
  for (const call of conformance.accepted) {
    assert.ok(isIntrinsicCall(call), call);
    checkIntrinsic(call);
  }
});

// ---------------------------------------------------------------------------------------
// Semantics, function by function (AWS behaviour where it differs from the spec)

const semantics: Array<[call: string, input: unknown, expected: unknown]> = [
  // Format
  ["States.Format('Hello, my name is {}.', $.name)", { name: 'Arnav' }, 'Hello, my name is Arnav.'],
  ["States.Format('it\\'s {} \\{braces\\} and a \\\\ backslash', $.a)", { a: 1 }, "it's 1 {braces} and a \\ backslash"],
  ["States.Format('{}|{}|{}|{}|{}', $.n, $.t, $.i, $.f, $.s)", { n: null, t: false, i: -1, f: 3.5, s: 'x' }, 'null|false|-1|3.5|x'],
  ["States.Format('fst={} and snd={}.', $.o, $.o)", { o: { Arg1: 1, Arg2: [] } }, 'fst={Arg1=1, Arg2=[]} and snd={Arg1=1, Arg2=[]}.'],
  ["States.Format('{}', $.a)", { a: [1, 'two', [null], { k: true }] }, '[1, two, [null], {k=true}]'],
  ['States.Format($.template, $.name)', { template: 'Hello {}', name: 'Ada' }, 'Hello Ada'],
  ['States.Format($.template)', { template: 'no placeholders' }, 'no placeholders'],
  ["States.Format('no placeholders')", {}, 'no placeholders'],
  ["States.Format('arn:{}:{}', $.svc, States.JsonToString($.obj))", { svc: 'lambda', obj: { k: 1 } }, 'arn:lambda:{"k":1}'],
  ["States.Format('  {}  ', 'x')", {}, '  x  '],
  // StringToJson
  ['States.StringToJson($.s)', { s: '[1,2,3]' }, [1, 2, 3]],
  ['States.StringToJson($.s)', { s: ' {"a":1} ' }, { a: 1 }],
  ['States.StringToJson($.s)', { s: '{"a":"it\'s"}' }, { a: "it's" }],
  ['States.StringToJson(\'{"a": [1, {"b": null}]}\')', {}, { a: [1, { b: null }] }],
  ['States.StringToJson(States.JsonToString($.o))', { o: { a: 1, nested: { ok: true } } }, { a: 1, nested: { ok: true } }],
  // JsonToString
  ['States.JsonToString($)', { b: [1, 'x', null], a: { c: true } }, '{"b":[1,"x",null],"a":{"c":true}}'],
  ['States.JsonToString($.list[*].id)', { list: [{ id: 1 }, { id: 2 }] }, '[1,2]'],
  // Array
  ["States.Array(42, true, null, 'hello', -1.5)", {}, [42, true, null, 'hello', -1.5]],
  ['States.Array( $.a , $.b )', { a: 1, b: { k: [2] } }, [1, { k: [2] }]],
  ['States.Array(1, States.Array(2, 3))', {}, [1, [2, 3]]],
  ['States.Array($.items[*].nope)', { items: [1, 2] }, [[]]],
  ['States.Array($$.Execution.Input.userId, $.role)', { userId: 7, role: 'admin' }, [7, 'admin']],
  // ArrayPartition
  ['States.ArrayPartition($.a, 4)', { a: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, [[1, 2, 3, 4], [5, 6, 7, 8], [9]]],
  // A fractional chunk size is rounded to the nearest integer, half up (AWS-DG intrinsic-functions).
  [
    'States.ArrayPartition($.a, 2.6)',
    { a: [1, 2, 3, 4, 5] },
    [
      [1, 2, 3],
      [4, 5],
    ],
  ],
  [
    'States.ArrayPartition($.a, 2.5)',
    { a: [1, 2, 3, 4, 5] },
    [
      [1, 2, 3],
      [4, 5],
    ],
  ],
  ['States.ArrayPartition($.a, 2.4)', { a: [1, 2, 3, 4, 5] }, [[1, 2], [3, 4], [5]]],
  ['States.ArrayPartition($.a, $.n)', { a: [1, 2], n: 0.5 }, [[1], [2]]],
  ['States.ArrayPartition($.a, 2147483647)', { a: [1, 2, 3] }, [[1, 2, 3]]],
  ['States.ArrayPartition(States.Array(1, 2, 3, 4, 5), 2)', {}, [[1, 2], [3, 4], [5]]],
  // ArrayContains: scalars compare by text, containers by JSON text
  ["States.ArrayContains($.a, 'C')", { a: ['A', 'B', 'C'] }, true],
  ['States.ArrayContains($.a, null)', { a: [1, null, 3] }, true],
  ['States.ArrayContains($.a, 5)', { a: [1, 2, 3] }, false],
  ['States.ArrayContains($.a, false)', { a: [0, 1, -1, -1.5] }, false],
  ['States.ArrayContains($.a, true)', { a: ['true', 'false'] }, true],
  ['States.ArrayContains($.a, $.t)', { a: ['9007199254740991'], t: 9007199254740991 }, true],
  ['States.ArrayContains($.a, $.t)', { a: [{ a: 1, b: 2 }], t: { b: 2, a: 1 } }, false],
  ['States.ArrayContains($.a, $.t)', { a: [{ a: 1 }], t: { a: 1, extra: null } }, false],
  [
    'States.ArrayContains($.a, $.t)',
    {
      a: [
        [1, 2],
        [3, 4],
      ],
      t: [3, 4],
    },
    true,
  ],
  ["States.ArrayContains($.a, '[1,2]')", { a: [[1, 2]] }, false],
  // ArrayRange: inclusive end; fractional arguments rounded to the nearest integer, half up (AWS-DG)
  ['States.ArrayRange(1, 9, 2)', {}, [1, 3, 5, 7, 9]],
  ['States.ArrayRange(-2, 2, 2)', {}, [-2, 0, 2]],
  ['States.ArrayRange(5, 1, -2)', {}, [5, 3, 1]],
  ['States.ArrayRange(3, 3, -1)', {}, [3]],
  ['States.ArrayRange(5, 1, 1)', {}, []],
  ['States.ArrayRange(1, 5, -1)', {}, []],
  ['States.ArrayRange(1.5, 3.4, 1)', {}, [2, 3]],
  ['States.ArrayRange(1.6, 1.4, 1)', {}, []],
  ['States.ArrayRange(5.4, -0.6, -2.4)', {}, [5, 3, 1, -1]],
  ['States.ArrayRange(-2.5, 0, 1.5)', {}, [-2, 0]],
  ['States.ArrayRange($.a, $.b, $.c)', { a: 2, b: 6, c: 2 }, [2, 4, 6]],
  ['States.ArrayLength(States.ArrayRange(1000, 1, -1))', {}, 1000],
  // ArrayGetItem
  ["States.ArrayGetItem(States.Array('x', 'y', 'z'), 1)", {}, 'y'],
  ['States.ArrayGetItem($.a, $.i)', { a: [10, 20, 30, 40], i: 2 }, 30],
  ['States.ArrayGetItem($.a, 1.2)', { a: [10, 20, 30] }, 20],
  ['States.ArrayGetItem($.a, 0)', { a: [null] }, null],
  ['States.ArrayGetItem($.a, 999)', { a: [] }, null],
  // ArrayLength and ArrayUnique
  ['States.ArrayLength($.a)', { a: [] }, 0],
  ['States.ArrayUnique($.a)', { a: [1, 2, 2, 3, 3, 4] }, [1, 2, 3, 4]],
  ['States.ArrayUnique($.a)', { a: [1, '1', true, 'true', null, null, [1], [1], { a: 1 }, { a: 1 }] }, [1, '1', true, 'true', null, [1], { a: 1 }]],
  // Base64
  ["States.Base64Encode('✓ こんにちは 🚀')", {}, '4pyTIOOBk+OCk+OBq+OBoeOBryDwn5qA'],
  ["States.Base64Decode('8J+agA==')", {}, '🚀'],
  ["States.Base64Decode(' YWJjZA== ')", {}, 'abcd'],
  ['States.Base64Decode(States.Base64Encode($.s))', { s: 'line1\nline2' }, 'line1\nline2'],
  ['States.Base64Encode($.s)', { s: 'a'.repeat(10_000) }, Buffer.from('a'.repeat(10_000)).toString('base64')],
  // Hash
  ["States.Hash('hello', 'MD5')", {}, '5d41402abc4b2a76b9719d911017c592'],
  ["States.Hash('hello', 'SHA-1')", {}, 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d'],
  ["States.Hash('', 'SHA-256')", {}, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ["States.Hash('🚀', 'SHA-256')", {}, 'ebbc0b2870eb323f2b6cffa5c493ceef81ae7eb36afc73d4e0367301631daec5'],
  ['States.Hash($.s, $.algo)', { s: 'Data to encode', algo: 'MD5' }, 'ca405671828a177e26947171bbe1e352'],
  ["States.Hash(123, 'MD5')", {}, '202cb962ac59075b964b07152d234b70'],
  // JsonMerge: shallow, the right side wins
  ['States.JsonMerge($.a, $.b, false)', { a: { x: 1, y: 2 }, b: { y: 3, z: 4 } }, { x: 1, y: 3, z: 4 }],
  ['States.JsonMerge($.a, $.b, false)', { a: { n: { a1: 1 } }, b: { n: { a3: 3 } } }, { n: { a3: 3 } }],
  ['States.JsonMerge($.a, $.b, $.deep)', { a: { x: 1 }, b: {}, deep: 'false' }, { x: 1 }],
  ['States.JsonMerge(States.StringToJson(\'{"l":1}\'), States.StringToJson(\'{"r":2}\'), false)', {}, { l: 1, r: 2 }],
  // MathAdd: half-up rounding, 32-bit integers
  ['States.MathAdd(5, 3)', {}, 8],
  ['States.MathAdd($.val, -1)', { val: 111 }, 110],
  ['States.MathAdd($.a, $.b)', { a: 1.6, b: 2.7 }, 5],
  ['States.MathAdd($.a, $.b)', { a: -0.5, b: 0.5 }, 1],
  ['States.MathAdd($.a, $.b)', { a: -1.51, b: 0 }, -2],
  ['States.MathAdd(2147483646, 1)', {}, 2147483647],
  ['States.MathAdd(-2147483647, -1)', {}, -2147483648],
  ['States.MathAdd(States.MathAdd($.x, 1), 2)', { x: 5 }, 8],
  // StringSplit: each delimiter character separates, empty pieces go
  ["States.StringSplit('a,,b,', ',')", {}, ['a', 'b']],
  ["States.StringSplit($.s, ', ')", { s: 'a, b ,c' }, ['a', 'b', 'c']],
  ["States.StringSplit($.s, '🚀-')", { s: 'x🚀y-z' }, ['x', 'y', 'z']],
  ["States.StringSplit('', ',')", {}, []],
  ["States.StringSplit('abc', '')", {}, ['abc']],
  // Paths: variables, the context object, the whole input
  ['States.MathAdd($value1, $value2)', {}, 8],
  ["States.Format('{}-{}', $$.Execution.Input.k, $)", { k: 'v' }, 'v-{k=v}'],
];

for (const [call, input, expected] of semantics) {
  test(`semantics: ${call}`, () => {
    const variables = { value1: 5, value2: 3 };
    assert.equal(run(call, { input, variables }), expected);
  });
}

test('States.Format prints the context object the Java way', () => {
  const result = run("States.Format('fst={} and snd={}.', $$.Execution.Name, $$.StateMachine)", { input: null });
  assert.is(result, 'fst=run-1 and snd={Id=arn:aws:states:us-east-1:111111111111:stateMachine:machine, Name=machine}.');
});

test('States.Format reads $$.Map.Item inside a Map iteration', () => {
  assert.is(run('States.Format($.t, $$.Map.Item.Value, $$.Map.Item.Index)', { input: { t: '{}@{}' }, mapItem: { index: 3, value: 'v' } }), 'v@3');
});

test('States.UUID returns a fresh version 4 UUID on every call', () => {
  const evaluate = compileIntrinsic('States.UUID()');
  const frame = frameFor({ input: {} });
  const first = evaluate({}, frame);
  const second = evaluate({}, frame);
  assert.match(String(first), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.is.not(first, second);
});

// MathRandom(start, end, seed) = start + new java.util.Random(seed).nextInt(end - start), values taken from Java 21.
const seededRandom: Array<[start: number, end: number, seed: number, expected: number]> = [
  [0, 10, 0, 0],
  [0, 10, 42, 0],
  [0, 999, 42, 125],
  [0, 100, 1, 85],
  [0, 7, -10, 0],
  [0, 16, 42, 11],
  [0, 16, -10, 4],
  [0, 1000000, 123456789012, 712462],
  [0, 2147483647, 1, 1569548985],
  [-2147483648, -1, 42, -2147483648 + 1562431130],
  [100, 107, 42, 101],
  // Bounds are rounded (1 and 11); the seed keeps its whole part (42).
  [0.9, 10.7, 42.8, 1],
];

for (const [start, end, seed, expected] of seededRandom) {
  test(`States.MathRandom(${start}, ${end}, ${seed}) follows java.util.Random`, () => {
    const call = `States.MathRandom(${start}, ${end}, ${seed})`;
    assert.is(run(call, { input: {} }), expected);
    assert.is(run('States.MathRandom($.s, $.e, $.seed)', { input: { s: start, e: end, seed } }), expected);
  });
}

test('States.MathRandom without a seed stays in [start, end), its bounds rounded to the nearest integer', () => {
  const evaluate = compileIntrinsic('States.MathRandom(1.6, 5.5)');
  const frame = frameFor({ input: {} });
  const seen = new Set<unknown>();
  for (let i = 0; i < 2000; i++) seen.add(evaluate({}, frame));
  assert.equal([...seen].sort(), [2, 3, 4, 5]);
});

test('a constant call is computed once and returns a fresh copy each time', () => {
  for (const call of [
    'States.StringToJson(\'{"a": [1, {"b": 2}]}\')',
    'States.Array(States.Array(1), 2)',
    'States.ArrayPartition(States.ArrayRange(1, 4, 1), 2)',
  ]) {
    const evaluate = compileIntrinsic(call);
    const frame = frameFor({ input: {} });
    const first = evaluate(undefined, frame) as Record<string, unknown>;
    const snapshot = JSON.stringify(first);
    (first as { mutated?: boolean }).mutated = true;
    if (Array.isArray(first)) (first[0] as unknown[]).push('changed');
    else ((first.a as unknown[])[1] as Record<string, unknown>).b = 'changed';
    assert.is(JSON.stringify(evaluate(undefined, frame)), snapshot, call);
  }
});

test('keys named __proto__ stay plain data', () => {
  const merged = run('States.JsonMerge($.a, $.b, false)', { input: JSON.parse('{"a": {"__proto__": {"polluted": true}}, "b": {"x": 1}}') }) as Record<
    string,
    unknown
  >;
  assert.is(Object.getPrototypeOf(merged), Object.prototype);
  assert.equal(Object.keys(merged), ['__proto__', 'x']);
  assert.is((merged as { polluted?: unknown }).polluted, undefined);
  const parsed = run('States.StringToJson(\'{"__proto__": {"polluted": true}}\')', { input: {} }) as Record<string, unknown>;
  assert.is(Object.getPrototypeOf(parsed), Object.prototype);
  assert.equal(Object.keys(parsed), ['__proto__']);
  const copied = compileIntrinsic("States.JsonMerge(States.StringToJson('{\"__proto__\": 1}'), States.StringToJson('{}'), false)")({}, frameFor({ input: {} }));
  assert.is(Object.getPrototypeOf(copied), Object.prototype);
  assert.equal(Object.keys(copied as object), ['__proto__']);
  assert.is(({} as { polluted?: unknown }).polluted, undefined);
});

// ---------------------------------------------------------------------------------------
// Run-time failures: States.Runtime with AWS's cause

const invalidArguments: Array<[call: string, input: unknown]> = [
  ['States.Format($.t, 1)', { t: 5 }],
  ['States.Format($.t, 1)', { t: '{} {}' }],
  ['States.Format($.t, 1, 2)', { t: 'none' }],
  ['States.StringToJson($.s)', { s: 123 }],
  ['States.StringToJson($.s)', { s: '{bad json}' }],
  ['States.StringToJson($.s)', { s: 'undefined' }],
  ['States.StringToJson($.s)', { s: ['[]'] }],
  ['States.ArrayPartition($.a, 2)', { a: 'not-array' }],
  ['States.ArrayPartition($.a, $.n)', { a: [1], n: 0.4 }],
  ['States.ArrayPartition($.a, $.n)', { a: [1], n: '2' }],
  ['States.ArrayContains($.a, 1)', { a: { 0: 1 } }],
  ['States.ArrayRange($.a, 5, 1)', { a: 'a' }],
  ['States.ArrayRange(1, 10, $.s)', { s: 0.49 }],
  ['States.ArrayRange(1, $.e, 1)', { e: 1001 }],
  ['States.ArrayRange($.s, 1, -1)', { s: 1001 }],
  ['States.ArrayGetItem($.a, 3)', { a: [10, 20, 30] }],
  ['States.ArrayGetItem($.a, $.i)', { a: [10, 20, 30], i: -1 }],
  ['States.ArrayGetItem($.a, $.i)', { a: [10, 20, 30], i: '1' }],
  ['States.ArrayGetItem($.a, 0)', { a: 'abc' }],
  ['States.ArrayLength($.a)', { a: 'abc' }],
  ['States.ArrayUnique($.a)', { a: null }],
  ['States.Base64Encode($.s)', { s: 123 }],
  ['States.Base64Encode($.s)', { s: ['x'] }],
  ['States.Base64Encode($.s)', { s: 'a'.repeat(10_001) }],
  ['States.Base64Decode($.s)', { s: 'A'.repeat(10_001) }],
  ['States.Base64Decode($.s)', { s: {} }],
  ["States.Hash($.s, 'SHA-256')", { s: 'a'.repeat(10_001) }],
  ["States.Hash('data', $.algo)", { algo: 'sha-256' }],
  ["States.Hash('data', $.algo)", { algo: 256 }],
  ['States.JsonMerge($.a, $.b, false)', { a: null, b: {} }],
  ['States.JsonMerge($.a, $.b, false)', { a: [], b: {} }],
  ['States.JsonMerge($.a, $.b, false)', { a: {}, b: 'x' }],
  ['States.JsonMerge($.a, $.b, $.deep)', { a: {}, b: {}, deep: true }],
  ['States.MathRandom($.s, $.e)', { s: 1, e: 1 }],
  ['States.MathRandom($.s, $.e)', { s: 10, e: 5 }],
  ['States.MathRandom($.s, $.e)', { s: 1.6, e: 2.4 }],
  ['States.MathRandom($.s, 10)', { s: 'a' }],
  ['States.MathRandom(1, 10, $.seed)', { seed: null }],
  ['States.MathRandom($.s, $.e)', { s: -2147483648, e: 2147483647 }],
  ['States.MathAdd($.a, 1)', { a: 'a' }],
  ['States.MathAdd($.a, 1)', { a: null }],
  ['States.MathAdd($.a, 1)', { a: [1] }],
  ['States.MathAdd($.a, 1)', { a: 2147483647 }],
  ['States.MathAdd($.a, 1)', { a: 3000000000 }],
  ["States.StringSplit($.s, ',')", { s: 1 }],
  ["States.StringSplit('a', $.d)", { d: 1 }],
];

for (const [call, input] of invalidArguments) {
  test(`invalid arguments at run time: ${call} on ${JSON.stringify(input).slice(0, 60)}`, () => {
    const e = failure(call, { input });
    const name = /^States\.\w+/.exec(call)![0];
    assert.is(e.error, 'States.Runtime');
    assert.is(e.cause, `${causePrefix}The function '${call}' had the following error: Invalid arguments in ${name}`);
  });
}

test('a nested call that fails is reported under the whole expression', () => {
  const call = "States.Format('{}', States.MathAdd($.a, 1))";
  const e = failure(call, { input: { a: 'x' } });
  assert.is(e.cause, `${causePrefix}The function '${call}' had the following error: Invalid arguments in States.MathAdd`);
});

const missingPaths: Array<[call: string, situation: Situation, field: string, shownInput: string]> = [
  ["States.Format('{}', $.nope)", { input: { other: 1 } }, '$.nope', '{"other":1}'],
  ["States.Format('{} {}', $.other, $.a.b)", { input: { other: 1 } }, '$.a.b', '{"other":1}'],
  ['States.Format($.nope, 1)', { input: { other: 1 } }, '$.nope', '{"other":1}'],
  ["States.Format('{}', States.Format('{}', $.nope))", { input: { other: 1 } }, '$.nope', '{"other":1}'],
  ["States.Format('{}', $.items[5])", { input: { items: [1, 2] } }, '$.items[5]', '{"items":[1,2]}'],
  ["States.Format('{}', $.other[0])", { input: { other: 1 } }, '$.other[0]', '{"other":1}'],
  ["States.Format('{}', $$.Nope.Deep)", { input: { other: 1 } }, '$.Nope.Deep', '{"other":1}'],
  ["States.Format('{}', $missing)", { input: [1], variables: { present: 1 } }, '$missing', '[1]'],
  ["States.Format('{}', $present.x)", { input: null, variables: { present: 1 } }, '$present.x', 'null'],
  ['States.ArrayLength($.nope)', { input: {} }, '$.nope', '{}'],
  ['States.Array(1, $.nope)', { input: {} }, '$.nope', '{}'],
  ['States.JsonToString($.nope)', { input: {} }, '$.nope', '{}'],
  ['States.StringToJson($.nope)', { input: {} }, '$.nope', '{}'],
  ['States.MathAdd($.nope, 1)', { input: {} }, '$.nope', '{}'],
  ['States.MathRandom(1, 5, $.nope)', { input: {} }, '$.nope', '{}'],
  ['States.JsonMerge($.nope, $.other, false)', { input: { other: {} } }, '$.nope', '{"other":{}}'],
  ["States.Hash('hello', $.missingAlgo)", { input: {} }, '$.missingAlgo', '{}'],
];

for (const [call, situation, field, shownInput] of missingPaths) {
  test(`a path that finds nothing: ${call}`, () => {
    const e = failure(call, situation);
    assert.is(e.error, 'States.Runtime');
    assert.is(
      e.cause,
      `${causePrefix}The function '${call}' had the following error: The JsonPath argument for the field '${field}' could not be found in the input '${shownInput}'`,
    );
  });
}

test('results never hold a negative zero', () => {
  for (const call of ['States.MathAdd(-0.5, -0.4)', 'States.MathAdd($.a, $.a)', "States.StringToJson('-0')", 'States.StringToJson($.s)', 'States.Array(-0)']) {
    const [value] = [run(call, { input: { a: -0.4, s: '-0.0' } })].flat();
    assert.ok(Object.is(value, 0), `${call} gave ${Object.is(value, -0) ? '-0' : String(value)}`);
  }
});

test('explicit null is a value, not a missing path', () => {
  assert.is(run("States.Format('{}', $.n)", { input: { n: null } }), 'null');
});

// ---------------------------------------------------------------------------------------
// Compile-time checks

const rejected: Array<[call: string, problem: IntrinsicProblem]> = [
  // syntax
  ['Format(1)', 'syntax'],
  ['States.Format', 'syntax'],
  ['States.Array(', 'syntax'],
  ['States.Array($.a', 'syntax'],
  ['States.Array($.a) trailing', 'syntax'],
  ['States.Array([1,2])', 'syntax'],
  ['States.Array({})', 'syntax'],
  ['States.Array(1.)', 'syntax'],
  ['States.Array(.5)', 'syntax'],
  ['States.Array(007)', 'syntax'],
  ['States.Array(1x)', 'syntax'],
  ['States.Array(,)', 'syntax'],
  ['States.ArrayGetItem($.arr, )', 'syntax'],
  ["States.Array('a' 'b')", 'syntax'],
  ['States.Array(nul)', 'syntax'],
  ['States.Array(nullx)', 'syntax'],
  ['States.Array("double")', 'syntax'],
  ['States.Array(States)', 'syntax'],
  ['States.Array(1)(2)', 'syntax'],
  // strings
  ["States.Format('abc)", 'string'],
  ["States.Format('a\\nb')", 'string'],
  ["States.Format('a\\\"b')", 'string'],
  ["States.Format('abc\\", 'string'],
  ["States.Format('abc\\')", 'string'],
  // names and arity
  ['States.format(1)', 'unknown-function'],
  ['States.Now()', 'unknown-function'],
  ["States.Format('{}', States.Nope(1))", 'unknown-function'],
  ['States.ArrayRange(1, 5)', 'arity'],
  ['States.ArrayRange(1, 5, 1, 99)', 'arity'],
  ['States.UUID(1)', 'arity'],
  ['States.Format()', 'arity'],
  ['States.MathRandom(1)', 'arity'],
  ['States.MathRandom(1, 10, 5, 99)', 'arity'],
  ['States.JsonMerge($.a, $.b)', 'arity'],
  ['States.Hash()', 'arity'],
  ["States.Base64Decode('aGVsbG8=', 'extra')", 'arity'],
  ['States.ArrayLength(States.ArrayLength())', 'arity'],
  // argument kinds known at compile time
  ["States.MathAdd('a', 1)", 'argument-kind'],
  ['States.MathAdd(null, 1)', 'argument-kind'],
  ['States.MathAdd(true, 1)', 'argument-kind'],
  ["States.ArrayLength('not-array')", 'argument-kind'],
  ['States.JsonToString(1)', 'argument-kind'],
  ['States.JsonToString(States.Array(1))', 'argument-kind'],
  ['States.Format(1)', 'argument-kind'],
  ['States.Format(States.Array())', 'argument-kind'],
  ["States.MathAdd(States.Format('1'), 1)", 'argument-kind'],
  ['States.JsonMerge(States.Array(), $.b, false)', 'argument-kind'],
  ['States.Base64Encode(123)', 'argument-kind'],
  ['States.StringSplit($.a, 1)', 'argument-kind'],
  ['States.MathRandom(1, 10, null)', 'argument-kind'],
  ["States.MathRandom(1, 10, 'seed')", 'argument-kind'],
  // argument values known at compile time
  ["States.Hash('a', 'sha-256')", 'argument-value'],
  ["States.Hash('a', 'MD-5')", 'argument-value'],
  ['States.ArrayRange(1, 10, 0)', 'argument-value'],
  ['States.ArrayRange(1, 10, 0.49)', 'argument-value'],
  ['States.ArrayRange(1, 1001, 1)', 'argument-value'],
  ['States.ArrayPartition($.a, 0)', 'argument-value'],
  ['States.ArrayPartition($.a, -0.4)', 'argument-value'],
  ['States.ArrayPartition($.a, 0.4)', 'argument-value'],
  ['States.ArrayGetItem($.a, -1)', 'argument-value'],
  ['States.ArrayGetItem(States.Array(1, 2), 2)', 'argument-value'],
  ['States.JsonMerge($.a, $.b, true)', 'argument-value'],
  ["States.Format('{} {}', $.a)", 'argument-value'],
  ["States.Format('{}', $.a, $.b)", 'argument-value'],
  ["States.Format('Hello {', $.a)", 'argument-value'],
  ["States.Format('Hello {{}}', $.a)", 'argument-value'],
  ["States.Format('}')", 'argument-value'],
  ["States.Format('\\{}', 1)", 'argument-value'],
  ['States.MathRandom(1, 1)', 'argument-value'],
  ['States.MathRandom(10, 5)', 'argument-value'],
  ['States.MathRandom(1.6, 2.4)', 'argument-value'],
  ['States.MathAdd(2147483647, 1)', 'argument-value'],
  ['States.MathAdd(1e309, 1)', 'argument-value'],
  ["States.StringToJson('{bad')", 'argument-value'],
  [`States.Base64Encode('${'a'.repeat(10_001)}')`, 'argument-value'],
  // paths
  ['States.Array($.)', 'path'],
  ['States.Array($.a..)', 'path'],
  ['States.Array($[(@.length-1)])', 'path'],
  ['States.Array($a b)', 'syntax'],
  // nesting: 11 levels
  [`${'States.Array('.repeat(11)}1${')'.repeat(11)}`, 'nesting'],
];

for (const [call, problem] of rejected) {
  test(`checkIntrinsic rejects (${problem}): ${call.slice(0, 80)}`, () => {
    const e = syntaxError(call);
    assert.is(e.problem, problem);
    const name = /^States\.[A-Za-z]+/.exec(call)?.[0];
    if (name !== undefined && problem !== 'syntax') assert.ok(e.message.includes('States.'), e.message);
    assert.throws(
      () => compileIntrinsic(call),
      (thrown: unknown) => thrown instanceof IntrinsicSyntaxError && thrown.problem === problem,
    );
  });
}

test('checkIntrinsic messages name the function and the argument', () => {
  assert.is(syntaxError('States.ArrayRange(1, 5)').message, 'States.ArrayRange takes 3 arguments, got 2');
  assert.is(syntaxError('States.MathRandom(1)').message, 'States.MathRandom takes 2 to 3 arguments, got 1');
  assert.is(syntaxError("States.MathAdd(1, 'b')").message, 'States.MathAdd argument 2 must be a number, got a string');
  assert.is(syntaxError("States.Array(1, States.Format('a\\nb'))").message.startsWith('States.Format argument 1: invalid escape'), true);
});

test('IntrinsicProblems lists every problem code', () => {
  assert.equal(Object.values(IntrinsicProblems).sort(), [...new Set(rejected.map(([, p]) => p))].sort());
});

test('nesting up to 10 levels is accepted', () => {
  const call = `${'States.Array('.repeat(10)}1${')'.repeat(10)}`;
  checkIntrinsic(call);
  assert.equal(run(call, { input: {} }), [[[[[[[[[[1]]]]]]]]]]);
});

test('string literals keep newlines and other characters as written', () => {
  assert.equal(run("States.StringSplit('Hello\nWorld', '\n')", { input: {} }), ['Hello', 'World']);
  assert.equal(run("States.Array('(a, b)', '$.x', 'States.Array()')", { input: {} }), ['(a, b)', '$.x', 'States.Array()']);
});

test('paths may contain brackets, unions, quotes and filters', () => {
  const input = {
    a: [
      { n: 1, 'x,y': 'q' },
      { n: 5, 'x,y': 'r' },
    ],
    'b)c': 2,
  };
  assert.equal(run("States.Array($.a[?(@.n > 2)].n, $['b)c'], $.a[0]['x,y'])", { input }), [[5], 2, 'q']);
});

const callDetection: Array<[text: unknown, expected: boolean]> = [
  ["States.Format('{}', $.a)", true],
  ['States.UUID()', true],
  ['States.Nope(1)', true],
  ['$.a', false],
  ['States.Format', false],
  ['States.Format (1)', false],
  ['states.Format(1)', false],
  [' States.UUID()', false],
  [42, false],
];

for (const [text, expected] of callDetection) {
  test(`isIntrinsicCall(${JSON.stringify(text)}) is ${expected}`, () => {
    assert.is(isIntrinsicCall(text as string), expected);
  });
}

test.run();
