import * as fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock } from '../../src/index.js';
import { jsonByteLength, payloadBound } from '../../src/run/limits.js';
import { fuzzOptions } from '../reliability/support.js';

/**
 * AWS's payload limit is on the UTF-8 bytes of the JSON text. The exact count must equal
 * `Buffer.byteLength(JSON.stringify(x))`; the cheap bound may be larger, never smaller.
 */
const limits = suite('payload size');

const trueSize = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** Every UTF-16 unit can appear: control characters, quotes, backslashes, emoji (pairs) and lone surrogates. */
const anyString = fc.string({ unit: 'binary' });
const anyUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) });
const text = fc.oneof(anyString, anyUnits);
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    text,
    fc.array(tie('value')),
    fc.dictionary(text, tie('value')),
  ),
})).value;

const sizeTable: [string, unknown][] = [
  ['an emoji is 4 bytes', '😀'],
  ['a string of emoji', '😀🎉👍'.repeat(10)],
  ['short escapes are 2 bytes', '\b\t\n\f\r'],
  ['other control characters are 6 bytes', '\u0000\u0001\u000b\u001f'],
  ['quote and backslash', '"\\'],
  ['a lone high surrogate is escaped', '\ud83d'],
  ['a lone low surrogate is escaped', '\ude00x'],
  ['a low surrogate before a high one', '\ude00\ud83d'],
  ['two- and three-byte characters', 'é€'],
  ['non-finite numbers are null', [NaN, Infinity, -Infinity]],
  ['large and small numbers', [1e21, -1e-7, 123456789012, -0, 0.1]],
  ['undefined members are left out', { a: undefined, b: 1, c: () => 1 }],
  ['undefined items are null', [undefined, () => 1]],
  ['keys are escaped', { '\u0001😀"': 1 }],
];

for (const [name, value] of sizeTable) {
  limits(`jsonByteLength: ${name}`, () => {
    assert.is(jsonByteLength(value, Infinity), trueSize(value));
    assert.ok(payloadBound(value, 1e9) >= trueSize(value));
  });
}

limits('jsonByteLength equals the UTF-8 size of JSON.stringify for any JSON value', () => {
  fc.assert(
    fc.property(jsonValue, (value) => jsonByteLength(value, Infinity) === trueSize(value)),
    fuzzOptions(2000),
  );
});

limits('payloadBound is never below the true size, and exact once past the limit', () => {
  fc.assert(
    fc.property(jsonValue, fc.integer({ min: 0, max: 400 }), (value, limit) => {
      const size = trueSize(value);
      const bound = payloadBound(value, limit);
      if (size <= limit) return bound >= size && bound <= limit;
      return bound > limit;
    }),
    fuzzOptions(2000),
  );
});

limits('jsonByteLength past the limit reports a number above it', () => {
  fc.assert(
    fc.property(jsonValue, fc.integer({ min: 0, max: 200 }), (value, limit) => {
      const size = trueSize(value);
      const counted = jsonByteLength(value, limit);
      return size > limit ? counted > limit : counted === size;
    }),
    fuzzOptions(2000),
  );
});

const AWS_LIMIT = 262_144;

async function runPass(input: unknown) {
  return compile({ StartAt: 'S', States: { S: { Type: 'Pass', End: true } } }, { clock: virtualClock(0) }).execute(input);
}

limits('an input of emoji under the limit runs (emoji counted 4 bytes, not 5)', async () => {
  const input = { s: '😀'.repeat(52_428) };
  assert.is(trueSize(input), 209_720);
  const result = await runPass(input);
  assert.is(result.status, 'SUCCEEDED', result.cause ?? undefined);
});

limits('an input of control characters over the limit fails (each 6 bytes once escaped)', async () => {
  const input = { s: '\u0001'.repeat(100_000) };
  assert.is(trueSize(input), 600_008);
  const result = await runPass(input);
  assert.equal([result.status, result.error], ['FAILED', 'States.DataLimitExceeded']);
});

limits('an input exactly at the limit runs; one byte more fails', async () => {
  const at = { s: '\n'.repeat((AWS_LIMIT - 8) / 2) };
  assert.is(trueSize(at), AWS_LIMIT);
  assert.is((await runPass(at)).status, 'SUCCEEDED');
  const over = { s: at.s + 'x' };
  assert.equal((await runPass(over)).error, 'States.DataLimitExceeded');
});

limits("an oversized Task result: the cause names the Lambda ARN, an integration's service, or the state for a bare handler name", async () => {
  const functionArn = 'arn:aws:lambda:us-east-1:000000000000:function:big';
  const tooBig = () => 'a'.repeat(257 * 1024);
  const handlers = { [functionArn]: tooBig, big: tooBig };
  const cause = (subject: string) => `The state/task '${subject}' returned a result with a size exceeding the maximum number of bytes service limit.`;
  // The first two rows are AWS-recorded (case test_states_errors …data_limit_exceeded_on_large_utf8_response).
  const rows: [string, Record<string, unknown>, string][] = [
    ['a Lambda function ARN', { Resource: functionArn }, cause(functionArn)],
    ['lambda:invoke', { Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'big', Payload: {} } }, cause('lambda')],
    [
      'lambda:invoke in JSONata',
      { QueryLanguage: 'JSONata', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: 'big', Payload: {} } },
      cause('lambda'),
    ],
    ['a handler named without an ARN', { Resource: 'big' }, cause('Invoke')],
  ];
  for (const [name, task, expected] of rows) {
    const definition = {
      StartAt: 'Invoke',
      States: {
        Invoke: { Type: 'Task', ...task, Catch: [{ ErrorEquals: ['States.DataLimitExceeded'], Next: 'Caught' }], End: true },
        Caught: { Type: 'Pass', End: true },
      },
    };
    const result = await compile(definition, { clock: virtualClock(0), handlers }).execute({});
    assert.equal(result.output, { Error: 'States.DataLimitExceeded', Cause: expected }, name);
  }
});

limits.run();
