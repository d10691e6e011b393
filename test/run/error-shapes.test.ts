import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runInNewContext } from 'node:vm';
import { compile, virtualClock, type Handlers } from '../../src/index.js';

/**
 * Whatever a handler throws, the execution's error and cause, and a catcher's Error and
 * Cause, are strings (or null), as a Lambda function's errorType and errorMessage are; and
 * which errors Retry and Catch may match.
 */
const shapes = suite('error-shapes');

function withFields(name: unknown, message: unknown): Error {
  const e = new Error('placeholder');
  Object.defineProperty(e, 'name', { value: name });
  Object.defineProperty(e, 'message', { value: message });
  return e;
}

const throwingGetter = (field: 'name' | 'message') => {
  const e = new Error('x');
  Object.defineProperty(e, field, {
    get() {
      throw new Error('getter says no');
    },
  });
  return e;
};

const hostile = new Proxy(
  {},
  {
    get() {
      throw new Error('trap');
    },
    getPrototypeOf() {
      throw new Error('trap');
    },
    ownKeys() {
      throw new Error('trap');
    },
  },
);

const unprintable = {
  toJSON() {
    throw new Error('no JSON');
  },
  toString() {
    throw new Error('no text');
  },
};

/** thrown value → [error, cause] the execution reports. */
const cases: [label: string, thrown: () => unknown, error: string, cause: string][] = [
  ['an Error', () => Object.assign(new Error('went wrong'), { name: 'Custom.Error' }), 'Custom.Error', 'went wrong'],
  ['an Error with an empty name', () => withFields('', 'm'), 'Error', 'm'],
  ['an Error from another realm', () => runInNewContext('new TypeError("elsewhere")'), 'TypeError', 'elsewhere'],
  ['an Error with a number name', () => withFields(42, 'm'), '42', 'm'],
  ['an Error with a symbol name', () => withFields(Symbol('sym'), 'm'), 'Symbol(sym)', 'm'],
  ['an Error with an object name and message', () => withFields({ code: 7 }, { detail: 'd' }), '{"code":7}', '{"detail":"d"}'],
  ['an Error with a null name and an undefined message', () => withFields(null, undefined), 'Error', ''],
  ['an Error with a number message', () => withFields('E', 3.5), 'E', '3.5'],
  ['an Error with a BigInt message', () => withFields('E', 10n), 'E', '10'],
  [
    'an Error whose name getter throws',
    () => throwingGetter('name'),
    'States.TaskFailed',
    'The task handler threw an Error whose name or message could not be read.',
  ],
  [
    'an Error whose message getter throws',
    () => throwingGetter('message'),
    'States.TaskFailed',
    'The task handler threw an Error whose name or message could not be read.',
  ],
  ['a string', () => 'plain words', 'States.TaskFailed', 'plain words'],
  ['null', () => null, 'States.TaskFailed', 'The task handler threw a non-Error value: null'],
  ['undefined', () => undefined, 'States.TaskFailed', 'The task handler threw a non-Error value: undefined'],
  ['a number', () => 42, 'States.TaskFailed', 'The task handler threw a non-Error value: 42'],
  ['a symbol', () => Symbol('s'), 'States.TaskFailed', 'The task handler threw a non-Error value: Symbol(s)'],
  ['a plain object', () => ({ name: 5, message: 6 }), 'States.TaskFailed', 'The task handler threw a non-Error value: {"name":5,"message":6}'],
  [
    'a circular object',
    () => {
      const o: Record<string, unknown> = {};
      o.self = o;
      return o;
    },
    'States.TaskFailed',
    'The task handler threw a non-Error value: [object Object]',
  ],
  ['an object that cannot be written', () => unprintable, 'States.TaskFailed', 'The task handler threw a non-Error value: a value that could not be read'],
  ['a Proxy whose every trap throws', () => hostile, 'States.TaskFailed', 'The task handler threw a value that could not be read.'],
];

const single = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'throw', End: true } } };
const caught = {
  StartAt: 'T',
  States: {
    T: { Type: 'Task', Resource: 'throw', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }], End: true },
    Done: { Type: 'Pass', End: true },
  },
};

for (const [label, thrown, error, cause] of cases) {
  shapes(`a handler throwing ${label}: error and cause are strings`, async () => {
    for (const mode of ['sync', 'async']) {
      const handlers: Handlers = {
        throw:
          mode === 'sync'
            ? () => {
                throw thrown();
              }
            : () => Promise.reject(thrown()),
      };
      const failed = await compile(single, { handlers }).execute({});
      assert.equal([failed.status, failed.error, failed.cause], ['FAILED', error, cause], `${mode} result`);
      const output = (await compile(caught, { handlers }).execute({})).output;
      assert.equal(output, { Error: error, Cause: cause }, `${mode} Catch output`);
    }
  });
}

/**
 * The errors Retry and Catch may handle. States.Runtime: none (AWS: it "will always cause
 * the execution to fail"). States.DataLimitExceeded of a task's result: caught by
 * States.ALL, as AWS recorded it; a state's output over the limit: raised after the state,
 * where no catcher applies.
 */
const resultTooBig = { throw: () => 'x'.repeat(300_000) };
const outputTooBig = { throw: () => 'x'.repeat(150_000) };
const missingPath = { throw: () => ({}) };
const matching: [label: string, handlers: Handlers, fields: Record<string, unknown>, errorEquals: string[], matched: boolean][] = [
  ['States.Runtime by States.ALL', missingPath, { ResultSelector: { 'v.$': '$.missing' } }, ['States.ALL'], false],
  ['States.Runtime by its own name', missingPath, { ResultSelector: { 'v.$': '$.missing' } }, ['States.Runtime'], false],
  ['States.Runtime by States.TaskFailed', missingPath, { ResultSelector: { 'v.$': '$.missing' } }, ['States.TaskFailed'], false],
  ['States.DataLimitExceeded of a task result by States.ALL', resultTooBig, {}, ['States.ALL'], true],
  ['States.DataLimitExceeded of a task result by its own name', resultTooBig, {}, ['States.DataLimitExceeded'], true],
  ['States.DataLimitExceeded of a state output by States.ALL', outputTooBig, { ResultPath: '$.result' }, ['States.ALL'], false],
];

for (const [label, handlers, fields, errorEquals, matched] of matching) {
  shapes(`${label}: ${matched ? 'retried and caught' : 'neither retried nor caught'}`, async () => {
    let calls = 0;
    const counted: Handlers = { throw: (x, ctx) => (calls++, handlers.throw!(x, ctx)) };
    const task = {
      Type: 'Task',
      Resource: 'throw',
      ...fields,
      Retry: [{ ErrorEquals: errorEquals, IntervalSeconds: 1, MaxAttempts: 1 }],
      Catch: [{ ErrorEquals: errorEquals, ResultPath: '$.caught', Next: 'Done' }],
      End: true,
    };
    const definition = { StartAt: 'T', States: { T: task, Done: { Type: 'Pass', End: true } } };
    const r = await compile(definition, { handlers: counted, clock: virtualClock(0) }).execute({ padding: 'p'.repeat(150_000) });
    assert.is(r.status, matched ? 'SUCCEEDED' : 'FAILED');
    if (!matched) assert.is(r.error, label.split(' ')[0]);
    else assert.is((r.output as { caught: { Error: string } }).caught.Error, 'States.DataLimitExceeded');
    assert.is(calls, matched ? 2 : 1, 'handler calls');
  });
}

/**
 * A task timeout has no cause: the execution fails without one (null), while a catcher's
 * error output carries Cause "" (AWS-recorded case test_task_service_lambda
 * test_invoke_timeout: {"Error":"States.Timeout","Cause":""}).
 */
const never = () => new Promise(() => {});
const timeoutRows: [label: string, task: Record<string, unknown>, caught: unknown][] = [
  ['TimeoutSeconds (JSONPath)', { TimeoutSeconds: 5 }, { Error: 'States.Timeout', Cause: '' }],
  ['TimeoutSeconds (JSONata errorOutput)', { QueryLanguage: 'JSONata', TimeoutSeconds: 5 }, { Error: 'States.Timeout', Cause: '' }],
  ['HeartbeatSeconds', { TimeoutSeconds: 10, HeartbeatSeconds: 2 }, { Error: 'States.Timeout', Cause: '' }],
];
for (const [label, fields, caught] of timeoutRows) {
  shapes(`a task timeout (${label}): a catcher gets Cause "", the execution fails with no cause`, async () => {
    const jsonata = fields.QueryLanguage === 'JSONata';
    const catcher = jsonata
      ? { ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput %}', Next: 'Done' }
      : { ErrorEquals: ['States.ALL'], Next: 'Done' };
    const task = { Type: 'Task', Resource: 'never', ...fields, End: true };
    const caughtRun = await compile(
      { StartAt: 'T', States: { T: { ...task, Catch: [catcher] }, Done: { Type: 'Pass', End: true } } },
      { handlers: { never }, clock: virtualClock(0) },
    ).execute({});
    assert.equal(caughtRun.output, caught);
    const failed = await compile({ StartAt: 'T', States: { T: task } }, { handlers: { never }, clock: virtualClock(0) }).execute({});
    assert.equal([failed.status, failed.error, failed.cause], ['FAILED', (caught as { Error: string }).Error, null]);
  });
}

shapes.run();
