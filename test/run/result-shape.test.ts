import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { pack, unpack } from 'msgpackr';
import { compile, ExecutionResult, virtualClock } from '../../src/index.js';

/**
 * What a user sees of an ExecutionResult, pinned so that changes to how results are made
 * (allocation work, issue 20) show nothing: its own keys and their order, a spread, its JSON
 * text, its Dates, `instanceof`, and a structured clone or a msgpack round trip (how a
 * result crosses threads or hosts in a user's own code).
 */
const shape = suite('result shape');

const START = Date.UTC(2026, 0, 1, 12, 0, 0, 250);
const ARN_PREFIX = 'arn:aws:states:us-east-1:123456789012:express:statemill:';
const MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:statemill';
const KEYS = ['executionArn', 'stateMachineArn', 'name', 'status', 'startDate', 'stopDate', 'input', 'output', 'error', 'cause', 'recorded', 'historyEvents'];

const waits = {
  StartAt: 'W',
  States: { W: { Type: 'Wait', Seconds: 2, Next: 'T' }, T: { Type: 'Task', Resource: 'echo', End: true } },
};
const passes = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
const fails = { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Boom', Cause: 'it broke' } } };

interface Case {
  readonly name: string;
  readonly make: () => Promise<ExecutionResult> | ExecutionResult;
  /** The plain object a spread of the result equals. */
  readonly plain: Record<string, unknown>;
  /** Its JSON text. */
  readonly json: string;
}

const cases: Case[] = [
  {
    name: 'a synchronous run() that succeeded',
    make: () => compile(passes, { clock: virtualClock(START) }).run({ a: 1 }, { name: 'n1', executionId: 'id1' }) as ExecutionResult,
    plain: {
      executionArn: `${ARN_PREFIX}n1:id1`,
      stateMachineArn: MACHINE_ARN,
      name: 'n1',
      status: 'SUCCEEDED',
      startDate: new Date(START),
      stopDate: new Date(START),
      input: { a: 1 },
      output: { a: 1 },
      error: undefined,
      cause: undefined,
      recorded: undefined,
      historyEvents: undefined,
    },
    json: `{"executionArn":"${ARN_PREFIX}n1:id1","stateMachineArn":"${MACHINE_ARN}","name":"n1","status":"SUCCEEDED","startDate":"2026-01-01T12:00:00.250Z","stopDate":"2026-01-01T12:00:00.250Z","input":{"a":1},"output":{"a":1}}`,
  },
  {
    name: 'an execute() that waited two seconds and called an asynchronous handler',
    make: () =>
      compile(waits, { clock: virtualClock(START), handlers: { echo: async (input: unknown) => ({ echoed: input }) } }).execute(
        { b: 2 },
        { name: 'n2', executionId: 'id2' },
      ),
    plain: {
      executionArn: `${ARN_PREFIX}n2:id2`,
      stateMachineArn: MACHINE_ARN,
      name: 'n2',
      status: 'SUCCEEDED',
      startDate: new Date(START),
      stopDate: new Date(START + 2000),
      input: { b: 2 },
      output: { echoed: { b: 2 } },
      error: undefined,
      cause: undefined,
      recorded: undefined,
      historyEvents: undefined,
    },
    json: `{"executionArn":"${ARN_PREFIX}n2:id2","stateMachineArn":"${MACHINE_ARN}","name":"n2","status":"SUCCEEDED","startDate":"2026-01-01T12:00:00.250Z","stopDate":"2026-01-01T12:00:02.250Z","input":{"b":2},"output":{"echoed":{"b":2}}}`,
  },
  {
    name: 'a run() that failed',
    make: () => compile(fails, { clock: virtualClock(START) }).run(null, { name: 'n3', executionId: 'id3' }) as ExecutionResult,
    plain: {
      executionArn: `${ARN_PREFIX}n3:id3`,
      stateMachineArn: MACHINE_ARN,
      name: 'n3',
      status: 'FAILED',
      startDate: new Date(START),
      stopDate: new Date(START),
      input: null,
      output: undefined,
      error: 'Boom',
      cause: 'it broke',
      recorded: undefined,
      historyEvents: undefined,
    },
    json: `{"executionArn":"${ARN_PREFIX}n3:id3","stateMachineArn":"${MACHINE_ARN}","name":"n3","status":"FAILED","startDate":"2026-01-01T12:00:00.250Z","stopDate":"2026-01-01T12:00:00.250Z","input":null,"error":"Boom","cause":"it broke"}`,
  },
  {
    name: 'one made by its public constructor',
    make: () =>
      new ExecutionResult({
        executionArn: 'arn:x',
        stateMachineArn: 'arn:m',
        name: 'n4',
        status: 'TIMED_OUT',
        startMs: START,
        stopMs: START + 5,
        input: [1],
        output: undefined,
        error: 'States.Timeout',
        cause: null,
      }),
    plain: {
      executionArn: 'arn:x',
      stateMachineArn: 'arn:m',
      name: 'n4',
      status: 'TIMED_OUT',
      startDate: new Date(START),
      stopDate: new Date(START + 5),
      input: [1],
      output: undefined,
      error: 'States.Timeout',
      cause: null,
      recorded: undefined,
      historyEvents: undefined,
    },
    json: `{"executionArn":"arn:x","stateMachineArn":"arn:m","name":"n4","status":"TIMED_OUT","startDate":"2026-01-01T12:00:00.250Z","stopDate":"2026-01-01T12:00:00.255Z","input":[1],"error":"States.Timeout","cause":null}`,
  },
];

for (const c of cases) {
  shape(`${c.name}: own keys in order, all plain writable data properties`, async () => {
    const r = await c.make();
    assert.equal(Object.keys(r), KEYS);
    assert.equal(Reflect.ownKeys(r), KEYS);
    for (const key of KEYS) {
      const d = Object.getOwnPropertyDescriptor(r, key)!;
      assert.ok('value' in d, `${key} is a data property`);
      assert.equal([d.writable, d.enumerable, d.configurable], [true, true, true], key);
    }
  });

  shape(`${c.name}: a spread is the plain object, Dates included`, async () => {
    const r = await c.make();
    const spread = { ...r };
    assert.equal(Object.keys(spread), KEYS);
    assert.equal(spread, c.plain);
    assert.instance(spread.startDate, Date);
    assert.instance(spread.stopDate, Date);
  });

  shape(`${c.name}: JSON text`, async () => {
    assert.is(JSON.stringify(await c.make()), c.json);
  });

  shape(`${c.name}: instanceof, its constructor and prototype, history on the prototype`, async () => {
    const r = await c.make();
    assert.instance(r, ExecutionResult);
    assert.is(r.constructor, ExecutionResult);
    assert.is(Object.getPrototypeOf(r), ExecutionResult.prototype);
    assert.is(r.history, undefined);
    assert.not.ok(Object.prototype.hasOwnProperty.call(r, 'history'));
  });

  shape(`${c.name}: Dates are the times, each its own object, the same one on every read`, async () => {
    const r = await c.make();
    assert.instance(r.startDate, Date);
    assert.instance(r.stopDate, Date);
    assert.is(r.startDate.getTime(), (c.plain.startDate as Date).getTime());
    assert.is(r.stopDate.getTime(), (c.plain.stopDate as Date).getTime());
    assert.is(r.startDate, r.startDate);
    assert.is(r.stopDate, r.stopDate);
    assert.is.not(r.startDate, r.stopDate);
    const stop = r.stopDate.getTime();
    r.startDate.setTime(0);
    assert.is(r.startDate.getTime(), 0, 'a Date changed in place stays changed');
    assert.is(r.stopDate.getTime(), stop, 'changing startDate leaves stopDate');
  });

  shape(`${c.name}: a structured clone and a msgpack round trip give the plain object`, async () => {
    const r = await c.make();
    const cloned = structuredClone(r);
    assert.equal(Object.keys(cloned), KEYS);
    assert.equal(cloned, c.plain);
    const packed = unpack(pack(r)) as Record<string, unknown>;
    assert.equal(Object.keys(packed), KEYS);
    assert.equal(packed, c.plain);
  });

  shape(`${c.name}: fields can be assigned, as on any plain object`, async () => {
    const r = (await c.make()) as unknown as Record<string, unknown>;
    const when = new Date(1);
    r.startDate = when;
    r.name = 'renamed';
    assert.is(r.startDate, when);
    assert.is(r.name, 'renamed');
    assert.equal(Object.keys(r), KEYS);
  });
}

shape('a result with history: the events on the prototype getter, the same array on every read', async () => {
  const m = compile(passes, { clock: virtualClock(START), history: 'ALL' });
  const r = await m.execute({ a: 1 });
  assert.equal(Object.keys(r), KEYS);
  const events = r.history!;
  assert.ok(Array.isArray(events));
  assert.is(events[0]!.type, 'ExecutionStarted');
  assert.is(events[events.length - 1]!.type, 'ExecutionSucceeded');
  assert.is(r.history, events);
});

shape.run();
