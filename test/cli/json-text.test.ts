import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CliError } from '../../src/cli/cli-error.js';
import { findJsonSyntaxFault, parseJsonText } from '../../src/cli/json-text.js';
import { positionAt } from '../../src/cli/source-position.js';

/** Malformed JSON is reported at the first character that is wrong, whatever V8's message says. */
const jsonText = suite('json text');

const faults: Array<[text: string, line: number, column: number, reasonIncludes: string]> = [
  ['', 1, 1, 'empty'],
  ['{"a": }', 1, 7, 'value was expected'],
  ['{"a": 1,}', 1, 9, 'trailing comma'],
  ['[1, 2,]', 1, 7, 'trailing comma'],
  ['{"a" 1}', 1, 6, "':'"],
  ['{"a": 1', 1, 8, "expected ',' or '}'"],
  ['{"a": 1 "b": 2}', 1, 9, "expected ',' or '}'"],
  ['[1 2]', 1, 4, "expected ',' or ']'"],
  ['[1, 2] x', 1, 8, 'after the end'],
  ["{'a': 1}", 1, 2, 'double quotes'],
  ["['a']", 1, 2, 'double quotes'],
  ['{"a": tru}', 1, 7, "'tru' is not a JSON value"],
  ['{"a": undefined}', 1, 7, "'undefined'"],
  ['{"a": "x\ny"}', 1, 9, 'control character'],
  ['{"a": "\\x"}', 1, 8, 'invalid escape'],
  ['{"a": "\\u12"}', 1, 8, '\\u escape'],
  ['{"a": "open', 1, 7, 'unterminated string'],
  ['{"a": 01}', 1, 7, 'invalid number'],
  ['{"a": 1.}', 1, 7, 'invalid number'],
  ['{"a": -}', 1, 7, 'invalid number'],
  ['{"a": .5}', 1, 7, 'value was expected'],
  ['// comment\n{}', 1, 1, 'comments'],
  ['{\n  "a": 1,\n  "b": [1,\n    2,\n  ]\n}', 5, 3, 'trailing comma'],
  ['[[[[', 1, 5, 'still open: [[[['],
  ['{"a": {"b": [', 1, 14, 'still open: {{['],
  ['{"a": [1, -1e999]}', 1, 11, 'beyond ±1.8e308'],
];

for (const [text, line, column, reason] of faults) {
  jsonText(`fault in ${JSON.stringify(text)} at ${line}:${column}`, () => {
    if (!text.includes('e999')) assert.throws(() => JSON.parse(text));
    const fault = findJsonSyntaxFault(text);
    assert.ok(fault !== null);
    assert.equal(positionAt(text, fault!.offset), { line, column });
    assert.ok(fault!.reason.includes(reason), fault!.reason);
  });
}

const valid = ['{}', '[]', '0', '-1.5e+10', '"\\u00e9\\n"', ' { "a" : [ true , false , null ] } ', '{"__proto__": {"x": 1}}'];
for (const text of valid) {
  jsonText(`no fault in ${JSON.stringify(text)}`, () => {
    assert.is(findJsonSyntaxFault(text), null);
  });
}

jsonText('deep nesting costs no stack', () => {
  const text = '['.repeat(200_000);
  assert.ok(findJsonSyntaxFault(text)!.reason.includes('still open: …['));
});

jsonText('parseJsonText skips a byte-order mark and keeps __proto__ an own key', () => {
  const value = parseJsonText('\ufeff{"__proto__": {"polluted": true}}', 'x.json') as Record<string, unknown>;
  assert.is(Object.getPrototypeOf(value), Object.prototype);
  assert.ok(Object.prototype.hasOwnProperty.call(value, '__proto__'));
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});

jsonText('parseJsonText throws ERR_CLI_JSON_SYNTAX with file:line:column and the line', () => {
  try {
    parseJsonText('{\n  "a": 1,\n}', 'in.json');
    assert.unreachable();
  } catch (error) {
    assert.instance(error, CliError);
    assert.is((error as CliError).code, 'ERR_CLI_JSON_SYNTAX');
    assert.equal((error as CliError).message.split('\n'), ['in.json:3:1: JSON does not allow a trailing comma', '3 | }', '    ^']);
  }
});

jsonText.run();
