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

test.run();
