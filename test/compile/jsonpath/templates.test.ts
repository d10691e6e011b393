import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compileTemplate } from '../../../src/compile/jsonpath/templates.js';
import { testExecution, testFrame } from '../../support/frames.js';

/**
 * Payload templates build objects through builders chosen by key count (one to four keys
 * get their own, more keys and `__proto__` the general one): every builder must give the
 * same keys, in the template's order, with the same values, and never touch a prototype.
 */
const templates = suite('payload templates');

const document = { x: 1, y: 'two', z: [3], w: { four: 4 }, v: null };

const cases: [string, Record<string, unknown>, string][] = [
  ['one key', { 'a.$': '$.x' }, '{"a":1}'],
  ['two keys', { 'a.$': '$.x', b: 'k' }, '{"a":1,"b":"k"}'],
  ['three keys', { 'a.$': '$.x', 'b.$': '$.y', c: { 'd.$': '$.z' } }, '{"a":1,"b":"two","c":{"d":[3]}}'],
  ['four keys', { 'a.$': '$.x', 'b.$': '$.y', 'c.$': '$.z', 'd.$': '$.w' }, '{"a":1,"b":"two","c":[3],"d":{"four":4}}'],
  ['five keys', { 'a.$': '$.x', 'b.$': '$.y', 'c.$': '$.z', 'd.$': '$.w', 'e.$': '$.v' }, '{"a":1,"b":"two","c":[3],"d":{"four":4},"e":null}'],
  ["a key given twice (plain and .$): the later wins, in the first one's place", { a: 0, b: 2, 'a.$': '$.x' }, '{"a":1,"b":2}'],
  ['a __proto__ key is an own property', { '__proto__.$': '$.w', b: 1 }, '{"__proto__":{"four":4},"b":1}'],
];

const frame = testFrame({
  exec: testExecution({ id: 'id', name: 'name', stateMachineId: 'sm', stateMachineName: 'sm', roleArn: 'role' }),
  stateName: '',
  enteredEventId: 0,
});

for (const [name, template, expected] of cases) {
  templates(`builds ${name}`, () => {
    const built = compileTemplate(template)(document, frame) as Record<string, unknown>;
    assert.is(JSON.stringify(built), expected);
    assert.is(Object.getPrototypeOf(built), Object.prototype);
  });
}

templates('builds a fresh object on every use', () => {
  const build = compileTemplate({ 'a.$': '$.x', b: 'k' });
  const first = build(document, frame);
  assert.is.not(first, build(document, frame));
});

templates.run();
