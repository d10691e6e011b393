import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, OptionError, virtualClock } from '../../src/index.js';

/** compile() and execute() options from careless code: refused where they are passed, naming the option (ERR_INVALID_OPTION). */
const options = suite('hostile compile and execute options');

const definition = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'h', End: true } } };
const handlers = { h: (x: unknown) => x };

/** compile options → the option the OptionError names. */
const compileCases: [label: string, options: unknown, option: string][] = [
  ['null instead of an object', null, 'options'],
  ['a number instead of an object', 5, 'options'],
  ['a misspelt key', { handler: handlers }, 'handler'],
  ['handlers that are null', { handlers: null }, 'handlers'],
  ['handlers given as one function', { handlers: () => 1 }, 'handlers'],
  ['a clock without methods', { handlers, clock: {} }, 'clock'],
  ['a clock missing schedule()', { handlers, clock: { now: () => 0, sleep: async () => {} } }, 'clock'],
  ['a null clock', { handlers, clock: null }, 'clock'],
  ['limits that are null', { handlers, limits: null }, 'limits'],
  ['a negative payload limit', { handlers, limits: { payloadBytes: -1 } }, 'limits.payloadBytes'],
  ['a payload limit given as text', { handlers, limits: { payloadBytes: '262144' } }, 'limits.payloadBytes'],
  ['an execution limit of NaN', { handlers, limits: { executionMs: NaN } }, 'limits.executionMs'],
  ['a misspelt limit', { handlers, limits: { payloadByte: 5 } }, 'limits.payloadByte'],
  ['an unknown history level', { handlers, history: 'SOME' }, 'history'],
  ['an unknown workflow type', { handlers, workflowType: 'FAST' }, 'workflowType'],
  ['a number for a name', { handlers, stateMachineName: 5 }, 'stateMachineName'],
  // AWS's CreateStateMachine name rules: each of these was accepted and shown in $$.StateMachine.Name and the ARNs.
  ['a name with a space', { handlers, stateMachineName: 'a b' }, 'stateMachineName'],
  ['an empty name', { handlers, stateMachineName: '' }, 'stateMachineName'],
  ['a name of 81 characters', { handlers, stateMachineName: 'x'.repeat(81) }, 'stateMachineName'],
  ['a name of 81 emoji', { handlers, stateMachineName: '😀'.repeat(81) }, 'stateMachineName'],
  ['a name with a template placeholder', { handlers, stateMachineName: '${Stage}-orders' }, 'stateMachineName'],
  ['a name with a colon, which would split its ARN', { handlers, stateMachineName: 'orders:1' }, 'stateMachineName'],
  ['a name with a slash', { handlers, stateMachineName: 'team/orders' }, 'stateMachineName'],
  ['a name with a control character', { handlers, stateMachineName: 'bell\u0007' }, 'stateMachineName'],
  ['a number for a region', { handlers, region: 5 }, 'region'],
  ['a map executor that is not a function', { handlers, mapExecutor: 5 }, 'mapExecutor'],
  ['integrations without task tokens', { handlers, integrations: 5 }, 'integrations'],
];

for (const [label, given, option] of compileCases) {
  options(`compile() refuses ${label}, naming '${option}'`, () => {
    try {
      compile(definition, given as never);
      assert.unreachable('compile() accepted it');
    } catch (thrown) {
      assert.instance(thrown, OptionError);
      assert.is((thrown as OptionError).code, 'ERR_INVALID_OPTION');
      assert.is((thrown as OptionError).option, option);
      assert.ok((thrown as Error).message.includes(`'${option}'`), (thrown as Error).message);
    }
  });
}

options('compile() takes every name AWS takes for a state machine, 80 characters and letters beyond ASCII included', async () => {
  for (const name of ['m', 'order-processing_v2.1', 'x'.repeat(80), 'naïve-café', "it's(1)+2=3@a!", '😀'.repeat(80)]) {
    const machine = compile(
      { StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'name.$': '$$.StateMachine.Name' }, End: true } } },
      { stateMachineName: name },
    );
    assert.equal((await machine.execute({})).output, { name }, name);
  }
});

options('compile() takes every documented option, Infinity limits included', () => {
  const machine = compile(definition, {
    handlers,
    clock: virtualClock(0),
    limits: { payloadBytes: Infinity, executionMs: 1000 },
    stateMachineName: 'm',
    region: 'eu-west-1',
    accountId: '111122223333',
    roleArn: 'arn:aws:iam::111122223333:role/r',
    workflowType: 'STANDARD',
    history: 'ALL',
  });
  assert.ok(machine);
});

/** execute options → the option named; each rejects, and run() throws, before any handler runs. */
const executeCases: [label: string, options: unknown, option: string][] = [
  ['null options', null, 'options'],
  ['a number for options', 5, 'options'],
  ['a signal that is a plain object', { signal: {} }, 'signal'],
  ['a signal that is text', { signal: 'abort' }, 'signal'],
  ['a stop handle that is a plain object', { stop: {} }, 'stop'],
  ['input text that is a number', { inputText: 5 }, 'inputText'],
  ['an execution id that is a number', { executionId: 5 }, 'executionId'],
  // A misspelt key used to be ignored: `signl` left the execution unstoppable without a word.
  ['a misspelt name (nmae)', { nmae: 'x' }, 'nmae'],
  ['a misspelt signal (signl)', { signl: AbortSignal.abort() }, 'signl'],
  ['an array for options', [], 'options'],
  ['an onHistory that is not a function', { onHistory: 5 }, 'onHistory'],
  ['an onSuspend that is not a function', { onSuspend: {} }, 'onSuspend'],
];

for (const [label, given, option] of executeCases) {
  options(`execute() rejects ${label}, naming '${option}', and calls no handler`, async () => {
    let calls = 0;
    const machine = compile(definition, { handlers: { h: () => calls++ }, clock: virtualClock(0) });
    try {
      await machine.execute({}, given as never);
      assert.unreachable('execute() accepted it');
    } catch (thrown) {
      assert.instance(thrown, OptionError);
      assert.is((thrown as OptionError).option, option);
    }
    assert.throws(
      () => machine.run({}, given as never),
      (e: unknown) => e instanceof OptionError,
    );
    assert.is(calls, 0);
  });
}

options('an already aborted signal settles the execution ABORTED without calling a handler', async () => {
  let calls = 0;
  const machine = compile(definition, { handlers: { h: () => calls++ }, clock: virtualClock(0) });
  const r = await machine.execute({}, { signal: AbortSignal.abort() });
  assert.is(r.status, 'ABORTED');
  assert.is(calls, 0);
});

options('virtualClock() refuses a start that is not a finite number', () => {
  for (const start of ['x', NaN, Infinity, new Date(0)]) {
    assert.throws(
      () => virtualClock(start as never),
      (e: unknown) => e instanceof OptionError && e.option === 'start',
    );
  }
  assert.is(virtualClock(5).now(), 5);
});

options.run();
