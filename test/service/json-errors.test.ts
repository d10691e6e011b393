import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonFault } from '../../src/service/json-errors.js';

/**
 * JSON faults worded as AWS (Jackson) words them; the first two messages are AWS-recorded.
 * Columns count past the character read, as the recorded `not` (column 4) shows.
 */
const cases: [text: string, message: string, location: string][] = [
  [
    'not a definition',
    "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
    '[Source: (String)"not a definition"; line: 1, column: 4]',
  ],
  [
    "{'not': 'json'",
    "Unexpected character (''' (code 39)): was expecting double-quote to start field name",
    `[Source: (String)"{'not': 'json'"; line: 1, column: 3]`,
  ],
  ['{"a":1,}', "Unexpected character ('}' (code 125)): was expecting double-quote to start field name", '[Source: (String)"{"a":1,}"; line: 1, column: 9]'],
  [
    '{"a" 1}',
    "Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value",
    '[Source: (String)"{"a" 1}"; line: 1, column: 7]',
  ],
  ['[1 2]', "Unexpected character ('2' (code 50)): was expecting comma to separate Array entries", '[Source: (String)"[1 2]"; line: 1, column: 5]'],
  [
    '{\n  "a": tru\n}',
    "Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
    '[Source: (String)"{\n  "a": tru\n}"; line: 2, column: 11]',
  ],
  ['{"a":1', 'Unexpected end-of-input: expected close marker for Object', '[Source: (String)"{"a":1"; line: 1, column: 7]'],
];

for (const [text, message, location] of cases) {
  test(`jsonFault(${JSON.stringify(text)})`, () => {
    assert.equal(jsonFault(text), { message, location });
  });
}

test('jsonFault of valid JSON is null', () => {
  assert.is(jsonFault('{"a":[1,true,null,"x"]}'), null);
});

test.run();
