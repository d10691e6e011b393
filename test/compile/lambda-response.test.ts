import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock } from '../../src/index.js';
import { jsonataReadsOnlyPayload, readsOnlyPayload } from '../../src/compile/lambda-response.js';

/**
 * lambda:invoke builds Lambda's whole response envelope only when something can see more
 * than its Payload. These tests pin down when that is, and that a state reduced to the
 * Payload behaves exactly as it does with the whole envelope (which history recording forces).
 */
const lambda = suite('lambda:invoke response');

const FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:shape';

function lambdaState(fields: Record<string, unknown>) {
  return {
    StartAt: 'Call',
    States: {
      Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: FUNCTION, 'Payload.$': '$' }, End: true, ...fields },
    },
  };
}

const readsTable: [string, Record<string, unknown>, boolean][] = [
  ['no fields: the output is the envelope', {}, false],
  ['OutputPath $.Payload', { OutputPath: '$.Payload' }, true],
  ['OutputPath under $.Payload', { OutputPath: '$.Payload.items[0]' }, true],
  ['OutputPath $.StatusCode', { OutputPath: '$.StatusCode' }, false],
  ['OutputPath $.PayloadX (another field)', { OutputPath: '$.PayloadX' }, false],
  ['ResultPath null discards the result', { ResultPath: null }, true],
  ['ResultPath $.out keeps the envelope', { ResultPath: '$.out', OutputPath: '$.out.Payload' }, false],
  ['ResultPath $ with OutputPath $.Payload', { ResultPath: '$', OutputPath: '$.Payload' }, true],
  ['ResultSelector reading only Payload', { ResultSelector: { 'a.$': '$.Payload.a', b: 'constant', 'c.$': '$$.Execution.Name' } }, true],
  ['ResultSelector reading the request id', { ResultSelector: { 'a.$': '$.Payload.a', 'id.$': '$.SdkResponseMetadata.RequestId' } }, false],
  ['ResultSelector reading the whole result', { ResultSelector: { 'all.$': '$' } }, false],
  ['ResultSelector with an intrinsic call', { ResultSelector: { 'a.$': 'States.JsonToString($.Payload)' } }, false],
  ['ResultSelector with an indefinite path under Payload', { ResultSelector: { 'ids.$': '$.Payload.items[*].id' } }, true],
  ['ResultSelector with a filter reading the root', { ResultSelector: { 'ids.$': '$.Payload.items[?(@.n == $.StatusCode)]' } }, false],
  ['Assign reads the whole result', { OutputPath: '$.Payload', Assign: { 'x.$': '$.Payload' } }, false],
];

for (const [name, fields, expected] of readsTable) {
  lambda(`readsOnlyPayload: ${name} → ${expected}`, () => {
    assert.is(readsOnlyPayload(fields), expected);
  });
}

const handlers = {
  [FUNCTION]: (event: { n: number }) => ({
    a: event.n,
    items: [
      { id: 1, n: 200 },
      { id: 2, n: 3 },
    ],
  }),
};

function run(fields: Record<string, unknown>, input: unknown, history: boolean, limits = {}) {
  const machine = compile(lambdaState(fields), { handlers, clock: virtualClock(0), limits, history: history ? 'ALL' : 'OFF' });
  return machine.execute(input);
}

const sameAsEnvelope: [string, Record<string, unknown>][] = [
  ['OutputPath $.Payload', { OutputPath: '$.Payload' }],
  ['OutputPath into Payload', { OutputPath: '$.Payload.items[1]' }],
  ['ResultPath null', { ResultPath: null }],
  ['ResultSelector', { ResultSelector: { 'a.$': '$.Payload.a', k: 'v', 'ids.$': '$.Payload.items[*].id' }, ResultPath: '$.r' }],
  ['ResultSelector missing a field fails with the envelope in the cause', { ResultSelector: { 'x.$': '$.Payload.missing' } }],
  ['OutputPath missing a field', { OutputPath: '$.Payload.missing' }],
];

for (const [name, fields] of sameAsEnvelope) {
  lambda(`reduced to Payload, same outcome as the whole envelope: ${name}`, async () => {
    const reduced = await run(fields, { n: 7 }, false);
    const whole = await run(fields, { n: 7 }, true);
    assert.is(reduced.status, whole.status);
    assert.equal(reduced.output, whole.output);
    assert.is(reduced.error, whole.error);
    // The request id differs from run to run; everything else in the cause must match.
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
    assert.is(reduced.cause?.replace(uuid, 'ID'), whole.cause?.replace(uuid, 'ID'));
  });
}

lambda('a missing ResultSelector field quotes the whole envelope, as AWS does', async () => {
  const r = await run({ ResultSelector: { 'x.$': '$.Payload.missing' } }, { n: 7 }, false);
  assert.is(r.error, 'States.Runtime');
  assert.ok(r.cause?.includes('SdkHttpMetadata'), r.cause ?? '');
});

lambda('the payload limit counts the envelope the state does not read', async () => {
  // A Payload that fits on its own but not inside the envelope: AWS fails the state.
  const limit = 4096;
  const big = { [FUNCTION]: () => 'x'.repeat(limit - 200) };
  for (const fields of [{ OutputPath: '$.Payload' }, {}]) {
    const machine = compile(lambdaState(fields), { handlers: big, clock: virtualClock(0), limits: { payloadBytes: limit } });
    const r = await machine.execute({});
    assert.is(r.error, 'States.DataLimitExceeded', JSON.stringify(fields));
  }
  const fits = { [FUNCTION]: () => 'x'.repeat(limit - 1000) };
  const machine = compile(lambdaState({ OutputPath: '$.Payload' }), { handlers: fits, clock: virtualClock(0), limits: { payloadBytes: limit } });
  assert.is((await machine.execute({})).status, 'SUCCEEDED');
});

/** A cause without the request id each Lambda call has of its own (a missing function's). */
function withoutRequestId(cause: string | null | undefined): string | null | undefined {
  return cause?.replace(/Request ID: [0-9a-f-]{36}/, 'Request ID: …');
}

/**
 * A constant FunctionName and a Payload (the console's shape) call the function without
 * building the Parameters object; recording a history builds it. Both must agree on every
 * outcome, the handler's event included.
 */
const parameterShapes: [string, Record<string, unknown>, unknown, Partial<{ payloadBytes: number }>][] = [
  ['Payload.$ of the whole input', { FunctionName: FUNCTION, 'Payload.$': '$' }, { n: 3 }, {}],
  ['Payload.$ of a field', { FunctionName: FUNCTION, 'Payload.$': '$.inner' }, { inner: { n: 4 } }, {}],
  ['Payload.$ with an intrinsic call', { FunctionName: FUNCTION, 'Payload.$': 'States.StringToJson($.text)' }, { text: '{"n":5}' }, {}],
  ['Payload.$ missing from the input', { FunctionName: FUNCTION, 'Payload.$': '$.missing' }, { n: 1 }, {}],
  ['constant Payload template', { FunctionName: FUNCTION, Payload: { 'n.$': '$.n', fixed: true } }, { n: 6 }, {}],
  ['Payload as JSON text', { FunctionName: FUNCTION, Payload: '{"n":8}' }, {}, {}],
  ['no Payload', { FunctionName: FUNCTION }, { n: 9 }, {}],
  ['function by name', { FunctionName: 'shape', 'Payload.$': '$' }, { n: 10 }, {}],
  ['function with no handler', { FunctionName: 'missing-function', 'Payload.$': '$' }, { n: 11 }, {}],
  ['another field beside Payload', { FunctionName: FUNCTION, 'Payload.$': '$', InvocationType: 'RequestResponse' }, { n: 12 }, {}],
  ['Payload over the payload limit', { FunctionName: FUNCTION, 'Payload.$': '$' }, { n: 13, pad: 'x'.repeat(2000) }, { payloadBytes: 2048 }],
];

for (const [name, parameters, input, limits] of parameterShapes) {
  lambda(`Parameters without the object, same outcome as with it: ${name}`, async () => {
    const outcomes = [];
    for (const history of ['OFF', 'ALL'] as const) {
      const events: unknown[] = [];
      const recording = { [FUNCTION]: (event: unknown) => (events.push(event), { got: event }) };
      const definition = {
        StartAt: 'Call',
        States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: parameters, OutputPath: '$.Payload', End: true } },
      };
      const r = await compile(definition, { handlers: recording, clock: virtualClock(0), limits, history }).execute(input);
      outcomes.push({ status: r.status, output: r.output, error: r.error, cause: withoutRequestId(r.cause), events });
    }
    assert.equal(outcomes[0], outcomes[1]);
  });
}

// JSONata: Output and Assign expressions that read only `$states.result.Payload…`.
const jsonataReadsTable: [string, Record<string, unknown>, boolean][] = [
  ['no Output: the output is the whole result', {}, false],
  ['Output $states.result.Payload', { Output: '{% $states.result.Payload %}' }, true],
  ['Output deep in Payload, with a filter under it', { Output: { a: '{% $states.result.Payload.items[n > 1].id %}', k: 'v' } }, true],
  ['Output merging the input with Payload fields', { Output: "{% $merge([$states.input, {'a': $states.result.Payload.a}]) %}" }, true],
  [
    'Output reading the context and the input',
    { Output: { n: '{% $states.context.Execution.Name %}', i: '{% $states.input %}', p: '{% $states.result.Payload %}' } },
    true,
  ],
  ['Output of the whole result', { Output: '{% $states.result %}' }, false],
  ['Output reading StatusCode', { Output: '{% $states.result.StatusCode %}' }, false],
  ['Output with $states whole', { Output: "{% $lookup($states, 'result') %}" }, false],
  ['Output binding $states to a variable', { Output: '{% ($s := $states; $s.result.StatusCode) %}' }, false],
  ['Output climbing back from Payload with %', { Output: '{% $states.result.Payload.%.StatusCode %}' }, false],
  ['Output with a wildcard over the result', { Output: '{% $states.result.* %}' }, false],
  ['Output with a filter on result', { Output: '{% $states.result[StatusCode = 200].Payload %}' }, false],
  ['Output in an array', { Output: ['{% $states.result.Payload.a %}', 1] }, true],
  ['Assign reading the envelope', { Output: '{% $states.result.Payload %}', Assign: { id: '{% $states.result.SdkResponseMetadata.RequestId %}' } }, false],
  ['Assign reading Payload', { Output: '{% $states.result.Payload %}', Assign: { a: '{% $states.result.Payload.a %}' } }, true],
  ['a constant Output', { Output: { fixed: true } }, true],
];

for (const [name, fields, expected] of jsonataReadsTable) {
  lambda(`jsonataReadsOnlyPayload: ${name} → ${expected}`, () => {
    assert.is(jsonataReadsOnlyPayload(fields), expected);
  });
}

function jsonataLambdaState(fields: Record<string, unknown>) {
  return {
    QueryLanguage: 'JSONata',
    StartAt: 'Call',
    States: {
      Call: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: { FunctionName: FUNCTION, Payload: '{% $states.input %}' },
        End: true,
        ...fields,
      },
    },
  };
}

const jsonataSameAsEnvelope: [string, Record<string, unknown>][] = [
  ['Output $states.result.Payload', { Output: '{% $states.result.Payload %}' }],
  ['Output with a filter under Payload', { Output: { ids: '{% $states.result.Payload.items[n > 100].id %}', a: '{% $states.result.Payload.a %}' } }],
  [
    'Output and Assign',
    { Output: '{% $merge([$states.input, {"a": $states.result.Payload.a, "x": $x}]) %}', Assign: { x: '{% $states.result.Payload.items[0] %}' } },
  ],
  ['Output of a missing Payload field fails the state', { Output: '{% $states.result.Payload.missing %}' }],
];

for (const [name, fields] of jsonataSameAsEnvelope) {
  lambda(`JSONata, reduced to Payload, same outcome as the whole envelope: ${name}`, async () => {
    const outcomes = [];
    for (const history of ['OFF', 'ALL'] as const) {
      const r = await compile(jsonataLambdaState(fields), { handlers, clock: virtualClock(0), history }).execute({ n: 7 });
      outcomes.push({ status: r.status, output: r.output, error: r.error, cause: withoutRequestId(r.cause) });
    }
    assert.equal(outcomes[0], outcomes[1]);
  });
}

/**
 * JSONata Arguments of a constant FunctionName and a Payload call the function without
 * building the Arguments object, unless a history records them: the same outcome either way.
 */
const directArguments: [string, Record<string, unknown>][] = [
  ['Payload the input', { FunctionName: FUNCTION, Payload: '{% $states.input %}' }],
  ['Payload before FunctionName', { Payload: { n: '{% $states.input.n %}', k: 'v' }, FunctionName: FUNCTION }],
  ['no Payload', { FunctionName: FUNCTION }],
  ['a Payload the library evaluates', { FunctionName: FUNCTION, Payload: '{% $map([1, 2], function($v) { $v * $states.input.n }) %}' }],
  ['a Payload that returns nothing fails the state', { FunctionName: FUNCTION, Payload: '{% $states.input.missing %}' }],
  ['a Payload the library fails', { FunctionName: FUNCTION, Payload: "{% $number('x') %}" }],
  ['a FunctionName without a handler fails the state', { FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:none', Payload: '{% $states.input %}' }],
];

for (const [name, args] of directArguments) {
  lambda(`JSONata lambda:invoke called directly, same outcome as through the Arguments object: ${name}`, async () => {
    const definition = jsonataLambdaState({ Arguments: args, Output: { payload: '{% $states.result.Payload %}', status: '{% $states.result.StatusCode %}' } });
    const outcomes = [];
    for (const history of ['OFF', 'ALL'] as const) {
      const r = await compile(definition, { handlers: { [FUNCTION]: (event: unknown) => ({ event }) }, clock: virtualClock(0), history }).execute({ n: 7 });
      outcomes.push({ status: r.status, output: r.output, error: r.error, cause: withoutRequestId(r.cause) });
    }
    assert.equal(outcomes[0], outcomes[1]);
  });
}

lambda('JSONata lambda:invoke called directly: a Payload over the payload limit still fails, one under it runs', async () => {
  const limit = 2048;
  const definition = jsonataLambdaState({
    Arguments: { FunctionName: FUNCTION, Payload: { wrapped: '{% $states.input %}' } },
    Output: '{% $states.result.Payload %}',
  });
  const machine = compile(definition, { handlers: { [FUNCTION]: () => 'ok' }, clock: virtualClock(0), limits: { payloadBytes: limit } });
  assert.is((await machine.execute({ pad: 'x'.repeat(limit - 40) })).error, 'States.DataLimitExceeded');
  assert.is((await machine.execute({ pad: 'x'.repeat(limit - 200) })).status, 'SUCCEEDED');
});

lambda('JSONata: the payload limit counts the envelope the state does not read', async () => {
  const limit = 4096;
  const big = { [FUNCTION]: () => 'x'.repeat(limit - 200) };
  for (const fields of [{ Output: '{% $states.result.Payload %}' }, {}]) {
    const r = await compile(jsonataLambdaState(fields), { handlers: big, clock: virtualClock(0), limits: { payloadBytes: limit } }).execute({});
    assert.is(r.error, 'States.DataLimitExceeded', JSON.stringify(fields));
  }
  const fits = { [FUNCTION]: () => 'x'.repeat(limit - 1000) };
  const r = await compile(jsonataLambdaState({ Output: '{% $states.result.Payload %}' }), {
    handlers: fits,
    clock: virtualClock(0),
    limits: { payloadBytes: limit },
  }).execute({});
  assert.is(r.status, 'SUCCEEDED');
});

lambda.run();
