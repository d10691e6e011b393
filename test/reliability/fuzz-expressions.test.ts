import * as fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ProblemCodes, validate } from '../../src/index.js';
import { checkIntrinsic, IntrinsicSyntaxError } from '../../src/compile/intrinsics/intrinsics.js';
import { bracketNotation, parsePath, parseReferencePath, PathSyntaxError } from '../../src/compile/jsonpath/paths.js';
import {
  assertPrototypesUnchanged,
  assertProblem,
  codeRan,
  CODE_RAN_FLAG,
  compileOrRefuse,
  executeSettled,
  fuzzOptions,
  hostileJson,
  snapshotPrototypes,
  untrustedOptions,
} from './support.js';

/**
 * Property-based: random JSONPath paths, intrinsic function calls and JSONata expressions,
 * grammar-built (so many are valid and run) and then corrupted (so many are not). The
 * parsers throw only their own syntax errors, validate and compile agree, executions over
 * hostile inputs settle, no prototype changes and no filter or expression runs code.
 */
const fuzz = suite('fuzzed expressions');

/** Inserts, deletes or replaces characters of a string, to turn valid text into near-misses. */
function corrupted(text: fc.Arbitrary<string>, alphabet: string): fc.Arbitrary<string> {
  const edit = fc.record({ at: fc.nat(), op: fc.constantFrom('insert', 'delete', 'replace'), c: fc.constantFrom(...alphabet) });
  return fc.tuple(text, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([t, edits]) => {
    let s = t;
    for (const e of edits) {
      const at = s.length === 0 ? 0 : e.at % (s.length + 1);
      if (e.op === 'insert') s = s.slice(0, at) + e.c + s.slice(at);
      else if (e.op === 'delete') s = s.slice(0, at) + s.slice(at + 1);
      else s = s.slice(0, at) + e.c + s.slice(at + 1);
    }
    return s;
  });
}

/** Valid text most of the time, a corrupted copy or plain noise the rest. */
function grammarAndNoise(valid: fc.Arbitrary<string>, alphabet: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 5, arbitrary: valid },
    { weight: 3, arbitrary: corrupted(valid, alphabet) },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 24 }) },
  );
}

// ---------------------------------------------------------------------------------------------
// JSONPath

const names = [
  'a',
  'b',
  'items',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'length',
  'Execution',
  'Input',
  'Name',
  'Map',
  'Item',
  'Value',
  'ü',
  '0',
];
const filters = [
  '?(@.a)',
  '?(@.a > 1)',
  "?(@.a == 'x')",
  '?(@.b && !@.a)',
  '?(@.a.length > 0)',
  '?(@.constructor)',
  '?(@.__proto__)',
  "?(@.constructor.constructor('globalThis.__statemillCodeRan = 1')())",
  "?(this.constructor.constructor('globalThis.__statemillCodeRan = 2')())",
  "?(@property.constructor.constructor('globalThis.__statemillCodeRan = 3')())",
  '?(@.a = 1)',
  '?(@.__proto__.polluted = 1)',
  '?(process.exit(9))',
  "?(require('fs'))",
  '?(globalThis.__statemillCodeRan = 4)',
  '?(@path)',
  '?(@parent)',
  '?(@root)',
  "?(@property === 'a')",
  '?(@.a.match(/x/))',
  '(@.length-1)',
];
const segment = fc.oneof(
  fc.constantFrom(...names).map((n) => `.${n}`),
  fc.constantFrom(...names).map((n) => `..${n}`),
  fc.constantFrom(
    '.*',
    '..*',
    '[*]',
    '[0]',
    '[1]',
    '[-1]',
    '[0:2]',
    '[::2]',
    '[1:]',
    "['a','b']",
    '[0,1]',
    "['__proto__']",
    '["constructor"]',
    "['a.b']",
    "['it\\'s']",
  ),
  fc.constantFrom(...filters).map((f) => `[${f}]`),
);
const root = fc.constantFrom('$', '$$', '$v', '$var');
const jsonPath = grammarAndNoise(
  fc.tuple(root, fc.array(segment, { maxLength: 4 })).map(([r, s]) => r + s.join('')),
  '$.[]()\'"?@*:,-=!&<>01a_ \\',
);

function parses(parse: (text: string) => unknown, text: string): boolean {
  try {
    parse(text);
    return true;
  } catch (thrown) {
    assert.instance(thrown, PathSyntaxError, `${parse.name}(${JSON.stringify(text)}) threw ${String(thrown)}`);
    return false;
  }
}

/** Runs a definition built around one expression against one input, checking every invariant. */
async function exercise(definition: unknown, input: unknown, context: string): Promise<boolean> {
  const before = snapshotPrototypes();
  const problems = validate(definition);
  for (const p of problems) assertProblem(p, context);
  const machine = compileOrRefuse(definition, untrustedOptions({}), context);
  assert.ok(problems.length === 0 || machine === null, `compile accepted a definition validate refused: ${context}`);
  if (machine !== null) await executeSettled(machine, input, context);
  assertPrototypesUnchanged(before);
  assert.is(codeRan(), undefined, `code ran: ${context}`);
  return machine !== null;
}

fuzz('JSONPath: parsers throw only PathSyntaxError and agree with validate', () => {
  fc.assert(
    fc.property(jsonPath, (text) => {
      const isPath = parses(parsePath, text);
      const isReference = parses(parseReferencePath, text);
      assert.ok(isPath || !isReference, `a reference path that is not a path: ${text}`);
      assert.type(bracketNotation(text), 'string');
      const problems = validate({ StartAt: 'S', States: { S: { Type: 'Pass', InputPath: text, End: true } } });
      assert.is(
        problems.some((p) => p.code === ProblemCodes.PATH_SYNTAX),
        !isPath,
        `validate and parsePath disagree on ${JSON.stringify(text)}`,
      );
    }),
    fuzzOptions(2000),
  );
});

fuzz('JSONPath: paths in every field compile or are refused, and run over hostile inputs without running code', async () => {
  let ran = 0;
  await fc.assert(
    fc.asyncProperty(jsonPath, hostileJson(), async (text, input) => {
      const definition = {
        StartAt: 'Read',
        States: {
          Read: { Type: 'Pass', InputPath: text, ResultPath: '$.read', Next: 'Template' },
          Template: { Type: 'Pass', Parameters: { 'value.$': text, 'call.$': `States.Array(${text})` }, ResultPath: '$.built', Next: 'Decide' },
          Decide: { Type: 'Choice', Choices: [{ Variable: text, IsPresent: true, Next: 'Write' }], Default: 'Write' },
          Write: { Type: 'Pass', Result: 1, ResultPath: text, End: true },
        },
      };
      if (await exercise(definition, input, `path ${JSON.stringify(text)}`)) ran++;
      // Each field alone, so one bad field does not hide the others.
      for (const state of [
        { Type: 'Pass', InputPath: text, End: true },
        { Type: 'Pass', OutputPath: text, End: true },
        { Type: 'Pass', Parameters: { 'v.$': text }, End: true },
        { Type: 'Pass', Result: 1, ResultPath: text, End: true },
      ]) {
        await exercise({ StartAt: 'S', States: { S: state } }, input, `path ${JSON.stringify(text)} in ${JSON.stringify(state)}`);
      }
    }),
    fuzzOptions(150),
  );
  assert.ok(ran > 0, 'some generated paths ran');
});

// ---------------------------------------------------------------------------------------------
// Intrinsic functions

const functionNames = [
  'States.Format',
  'States.StringToJson',
  'States.JsonToString',
  'States.Array',
  'States.ArrayPartition',
  'States.ArrayContains',
  'States.ArrayRange',
  'States.ArrayGetItem',
  'States.ArrayLength',
  'States.ArrayUnique',
  'States.Base64Encode',
  'States.Base64Decode',
  'States.Hash',
  'States.JsonMerge',
  'States.MathRandom',
  'States.MathAdd',
  'States.StringSplit',
  'States.UUID',
  'States.Nope',
  'States.format',
];
const literal = fc.constantFrom(
  "'a'",
  "''",
  "'{}'",
  "'{} and {}'",
  "'\\{\\}'",
  "'it\\'s'",
  "'SHA-256'",
  "'MD5'",
  "','",
  '\'{"a": 1}\'',
  "'[1,2]'",
  "'__proto__'",
  '0',
  '-1',
  '1',
  '2',
  '1.5',
  '1000',
  '1001',
  '2147483648',
  '1e3',
  'true',
  'false',
  'null',
);
const pathArgument = fc.constantFrom(
  '$',
  '$.a',
  '$.b',
  '$.items',
  '$[0]',
  '$$.Execution.Name',
  '$$.Execution.Input',
  '$v',
  '$.__proto__',
  '$.constructor',
  '$..a',
  '$.items[*]',
);
const { call } = fc.letrec<{ call: string; argument: string }>((tie) => ({
  call: fc.tuple(fc.constantFrom(...functionNames), fc.array(tie('argument'), { maxLength: 4 })).map(([name, args]) => `${name}(${args.join(', ')})`),
  argument: fc.oneof({ depthSize: 'small', maxDepth: 3 }, literal, pathArgument, tie('call')),
}));
const intrinsic = grammarAndNoise(call, "States.()',\\{}$ 01aF");

fuzz('intrinsic functions: the checker throws only IntrinsicSyntaxError and agrees with validate', () => {
  fc.assert(
    fc.property(intrinsic, (text) => {
      let valid = true;
      try {
        checkIntrinsic(text);
      } catch (thrown) {
        assert.instance(thrown, IntrinsicSyntaxError, `checkIntrinsic(${JSON.stringify(text)}) threw ${String(thrown)}`);
        valid = false;
      }
      if (!text.startsWith('States.')) return;
      const problems = validate({ StartAt: 'S', States: { S: { Type: 'Pass', Parameters: { 'v.$': text }, End: true } } });
      const refused = problems.some((p) => p.code === ProblemCodes.INTRINSIC_SYNTAX || p.code === ProblemCodes.PATH_SYNTAX);
      // A call whose name fails the `States.X(` prefix test is read as a (bad) path instead.
      if (/^States\.[A-Za-z][A-Za-z0-9]*\(/.test(text)) assert.is(refused, !valid, `validate and checkIntrinsic disagree on ${JSON.stringify(text)}`);
    }),
    fuzzOptions(2000),
  );
});

fuzz('intrinsic functions: calls compile or are refused, and run over hostile inputs', async () => {
  let ran = 0;
  await fc.assert(
    fc.asyncProperty(intrinsic, hostileJson(), async (text, input) => {
      const definition = {
        StartAt: 'Assign',
        States: {
          Assign: { Type: 'Pass', Assign: { v: { nested: [1, 'a'] } }, Next: 'Call' },
          Call: { Type: 'Pass', Parameters: { 'v.$': text }, End: true },
        },
      };
      if (await exercise(definition, input, `call ${JSON.stringify(text)}`)) ran++;
    }),
    fuzzOptions(300),
  );
  assert.ok(ran > 0, 'some generated calls ran');
});

// ---------------------------------------------------------------------------------------------
// JSONata

/*
 * Token soup over JSONata's grammar, without `function` definitions and with small numbers
 * only: recursion and huge ranges are bounded by the evaluation guard (tested on their own
 * in hostile-inputs.test.ts) but would spend this suite's time budget.
 */
const jsonataTokens = [
  '$states.input',
  '$states.context',
  '$states.input.a',
  '$states.input.items',
  '$states.input.__proto__',
  '$states.input.constructor',
  '$v',
  '$x',
  '.',
  'a',
  'b',
  'constructor',
  '__proto__',
  'prototype',
  '1',
  '2',
  '0',
  '"s"',
  '"__proto__"',
  '"constructor"',
  'true',
  'null',
  '+',
  '-',
  '*',
  '/',
  '&',
  '=',
  '!=',
  '<',
  'and',
  'or',
  'in',
  '?',
  ':',
  '[',
  ']',
  '{',
  '}',
  '(',
  ')',
  ',',
  ';',
  ':=',
  '..',
  '~>',
  '|',
  '$string(',
  '$number(',
  '$keys(',
  '$lookup(',
  '$merge(',
  '$sift(',
  '$each(',
  '$spread(',
  '$count(',
  '$sum(',
  '$eval(',
  '$clone(',
  '$type(',
  '$exists(',
  '$partition(',
  '$range(',
  '$hash(',
  '$parse(',
  '$uuid()',
  '$now()',
];
const jsonataExpression = grammarAndNoise(
  fc.array(fc.constantFrom(...jsonataTokens), { minLength: 1, maxLength: 8 }).map((tokens) => tokens.join(' ')),
  '$.[]{}()"\',:;?&|~<>=!*+-01ab ',
);

fuzz('JSONata: expressions compile or are refused, and evaluate over hostile inputs without reaching the process', async () => {
  let ran = 0;
  await fc.assert(
    fc.asyncProperty(jsonataExpression, hostileJson(), async (text, input) => {
      const expression = `{% ${text} %}`;
      const definition = {
        QueryLanguage: 'JSONata',
        StartAt: 'Assign',
        States: {
          Assign: { Type: 'Pass', Assign: { v: { a: 1 } }, Next: 'Evaluate' },
          Evaluate: { Type: 'Pass', Output: { value: expression, list: [expression] }, Assign: { x: expression }, Next: 'Decide' },
          Decide: { Type: 'Choice', Choices: [{ Condition: expression, Next: 'Done' }], Default: 'Done' },
          Done: { Type: 'Succeed' },
        },
      };
      if (await exercise(definition, input, `expression ${JSON.stringify(text)}`)) ran++;
    }),
    fuzzOptions(300),
  );
  assert.ok(ran > 0, 'some generated expressions ran');
});

fuzz('the code-execution flag starts unset', () => {
  assert.is(codeRan(), undefined);
  assert.ok(!(CODE_RAN_FLAG in globalThis));
});

fuzz.run();
