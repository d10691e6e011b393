import { readFileSync } from 'node:fs';
import jsonata from 'jsonata';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { installFunctions, isFunctionValue } from '../../../src/compile/jsonata/functions.js';
import { JsonataField, StatesScope, compileJsonataValue } from '../../../src/compile/jsonata/index.js';
import { AslError } from '../../../src/run/errors.js';
import { isPromiseLike } from '../../../src/run/state.js';
import { testFrame } from '../../support/frames.js';

/**
 * Objects written in a JSONata field (Arguments, Output, ItemSelector) whose values are
 * expressions, literals and objects of them: the object is what evaluating each value with
 * the jsonata library gives, in order, and the first value that is undefined, unsupported or
 * fails names the error, with its field, as one expression alone would.
 */
interface Table {
  document: unknown;
  variables: Record<string, unknown>;
  templates: Record<string, unknown>[];
}
const table = JSON.parse(readFileSync(new URL('./objects.json', import.meta.url), 'utf8')) as Table;

type Expected = { value: unknown } | { detail: string };

/** What the library says of one value written in a field, and the field's name in causes. */
async function expected(value: unknown, label: string): Promise<Expected> {
  if (typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}')) {
    const text = value.slice(2, -2).trim();
    const described = `The JSONata expression '${text}' specified for the field '${label}'`;
    const expression = jsonata(text);
    installFunctions(expression);
    let result: unknown;
    try {
      result = await expression.evaluate(undefined, { states: { input: table.document }, ...table.variables });
    } catch (e) {
      const error = e as { code: string; message: string };
      return { detail: `${described} threw an error during evaluation. ${error.code}: ${error.message}` };
    }
    if (result === undefined) return { detail: `${described} returned nothing (undefined).` };
    // jsonata's functions are objects marked as such.
    if (typeof result === 'function' || (typeof result === 'object' && result !== null && isFunctionValue(result)))
      return { detail: `${described} returned an unsupported result type.` };
    return { value: JSON.parse(JSON.stringify(result)) };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { value };
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const outcome = await expected(item, `${label}/${key}`);
    if ('detail' in outcome) return outcome;
    Object.defineProperty(out, key, { value: outcome.value, enumerable: true, writable: true, configurable: true });
  }
  return { value: out };
}

for (const template of table.templates) {
  test(`Output ${JSON.stringify(template)}`, async () => {
    const evaluate = compileJsonataValue(template, new JsonataField('Output', '/States/S/Output'), []);
    const frame = testFrame({ variables: table.variables, stateName: 'S' });
    const want = await expected(template, 'Output');
    let got: unknown;
    try {
      got = evaluate(new StatesScope(frame, table.document));
      if (isPromiseLike(got)) got = await got;
    } catch (e) {
      assert.instance(e, AslError);
      assert.ok('detail' in want, `failed with ${(e as AslError).cause} where the library gives ${JSON.stringify(want)}`);
      assert.is((e as AslError).cause, `An error occurred while executing the state 'S' (entered at the event id #2). ${want.detail}`);
      return;
    }
    assert.ok('value' in want, `gave ${JSON.stringify(got)} where the library fails: ${'detail' in want ? want.detail : ''}`);
    assert.equal(got, want.value);
    assert.equal(Object.keys(got as object), Object.keys(want.value as object), 'keys in the order written');
  });
}

test('an object of member paths, variables and literals is built without a promise', () => {
  const evaluate = compileJsonataValue(table.templates[4], new JsonataField('Output', '/States/S/Output'), []);
  const value = evaluate(new StatesScope(testFrame({ variables: table.variables }), table.document));
  assert.not.ok(isPromiseLike(value));
});

test('an object whose values all read one member of the input reads that member once', () => {
  let reads = 0;
  const applicant = { fullName: 'Ada', age: 36, document: { number: 'X1' } };
  const input = new Proxy(
    { applicant },
    {
      get(target, key) {
        if (key === 'applicant') reads++;
        return Reflect.get(target, key);
      },
    },
  );
  const template = {
    a: '{% $states.input.applicant.fullName %}',
    b: '{% $states.input.applicant.age %}',
    c: '{% $states.input.applicant.document.number %}',
  };
  const evaluate = compileJsonataValue(template, new JsonataField('Arguments', '/States/S/Arguments'), []);
  assert.equal(evaluate(new StatesScope(testFrame({}), input)), { a: 'Ada', b: 36, c: 'X1' });
  assert.is(reads, 1);
});

test("a name every object inherits, in an object of one member's values, reads as that path alone reads it", () => {
  const field = new JsonataField('Arguments', '/States/S/Arguments');
  for (const name of ['__proto__', 'constructor', 'hasOwnProperty']) {
    const path = `{% $states.input.applicant.${name} %}`;
    const alone = compileJsonataValue(path, field.child('b'), []);
    const inObject = compileJsonataValue({ a: '{% $states.input.applicant.fullName %}', b: path }, field, []);
    const scope = () => new StatesScope(testFrame({ stateName: 'S' }), table.document);
    const cause = (evaluate: (s: StatesScope) => unknown) => {
      try {
        return { value: evaluate(scope()) };
      } catch (e) {
        return { cause: (e as AslError).cause };
      }
    };
    const one = cause(alone);
    assert.equal(cause(inObject), 'value' in one ? { value: { a: 'Ada', b: one.value } } : one, name);
  }
});

test.run();
