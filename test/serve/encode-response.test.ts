import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fc from 'fast-check';
import { encodeResponse } from '../../src/serve/protocol.js';
import { fuzzOptions } from '../reliability/support.js';

/**
 * encodeResponse() writes answers member by member; its text must be what JSON.stringify
 * writes for the output with every Date as epoch seconds, byte for byte.
 */
const encode = suite('serve: encodeResponse');

/** The reference: a copy with every Date as epoch seconds, written by JSON.stringify (the encoder before it was written member by member). */
function withEpochSeconds(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(withEpochSeconds);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withEpochSeconds(v)]));
}

function reference(output: unknown): string {
  return output === undefined || output === null ? '{}' : JSON.stringify(withEpochSeconds(output));
}

const text = JSON.stringify({ orderId: 'o-1', items: Array.from({ length: 30 }, (_, i) => ({ sku: `sku-${i}`, note: 'a "quoted" \\ value\n' })) });
const started = new Date('2026-12-06T10:00:00.123Z');

const cases: [string, unknown][] = [
  ['no output', undefined],
  ['an empty object', {}],
  [
    'StartSyncExecution: input and output the same text (escaped once, written twice)',
    {
      executionArn: 'arn:x',
      startDate: started,
      stopDate: started,
      status: 'SUCCEEDED',
      input: text,
      inputDetails: { included: true },
      output: text,
      outputDetails: { included: true },
      billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: 100 },
    },
  ],
  ['input and output different texts of one length', { input: text, output: text.replace('o-1', 'o-2') }],
  ['a text repeated after another member', { input: text, status: 'SUCCEEDED', output: text }],
  ['members with no JSON are left out', { a: undefined, b: () => 1, c: 1, d: Symbol('x') }],
  ['only members with no JSON', { a: undefined }],
  ['null, booleans, numbers and non-finite numbers', { a: null, b: true, c: false, d: 1.5, e: NaN, f: Infinity, g: -0 }],
  ['an invalid Date', { d: new Date(NaN) }],
  ['dates nested in arrays and objects', { events: [{ timestamp: started, details: { when: started } }], list: [started] }],
  ['keys needing escapes', { 'quote"key': 1, é: 'ü', '\n': '\u2028' }],
  ['lone surrogates', { a: '\ud800', b: 'x\udfffy'.repeat(40) }],
];

for (const [name, output] of cases) {
  encode(`same text as JSON.stringify: ${name}`, () => {
    assert.is(encodeResponse(output), reference(output));
  });
}

encode('same text as JSON.stringify: generated outputs', () => {
  const member = fc.oneof(
    fc.jsonValue(),
    fc.date({ noInvalidDate: false }),
    fc.constant(undefined),
    fc.string({ unit: 'binary', minLength: 60, maxLength: 80 }),
  );
  fc.assert(
    fc.property(fc.dictionary(fc.string(), member), fc.boolean(), (output, repeat) => {
      const keys = Object.keys(output);
      // A long string repeated in a later member: the reuse path.
      if (repeat && keys.length > 0) output[`${keys[0]}-again`] = output[keys[0]!];
      return encodeResponse(output) === reference(output);
    }),
    fuzzOptions(500),
  );
});

encode.run();
