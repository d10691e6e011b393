import { setImmediate } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock, type Clock, type ExecutionResult, type TaskContext } from '../../src/index.js';
import { keptInstances } from '../../src/run/hidden-classes.js';

/**
 * The instances run/hidden-classes.ts keeps have the hidden classes of the ones executions
 * make, with the real clock (milliseconds past 2^31) and a virtual one, before and after a
 * full collection with no execution in flight: so a collection cannot free those classes.
 */
const hiddenClasses = suite('hidden classes kept');

setFlagsFromString('--expose-gc');
setFlagsFromString('--allow-natives-syntax');
const collect = runInNewContext('gc') as () => void;
const sameMap = runInNewContext('(a, b) => %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

/** An execution's objects: the result, the handler's context, its frame and execution, and with a token the context of a callback. */
async function instancesOf(clock: Clock | undefined): Promise<object[]> {
  const contexts: TaskContext[] = [];
  const handlers = {
    plain: (input: unknown, context: TaskContext) => (contexts.push(context), input),
    timed: (input: unknown, context: TaskContext) => (contexts.push(context), input),
  };
  const definition = {
    StartAt: 'Plain',
    States: {
      Plain: { Type: 'Task', Resource: 'plain', Next: 'Timed' },
      // Its TimeoutSeconds gives the call a deadline, and so the other kind of context.
      Timed: { Type: 'Task', Resource: 'timed', TimeoutSeconds: 5, End: true },
    },
  };
  const result: ExecutionResult = await compile(definition, { handlers, ...(clock === undefined ? {} : { clock }) }).execute({ a: 1 });
  assert.is(result.status, 'SUCCEEDED');
  const frame = (contexts[0] as unknown as { frame: { exec: object } }).frame;
  return [frame.exec, frame, contexts[0]!, contexts[1]!, result];
}

for (const [name, clock] of [
  ['the real clock', undefined],
  ['a virtual clock', virtualClock(0)],
] as const) {
  hiddenClasses(`with ${name}: an execution's objects share the kept instances' hidden classes, before and after a full collection`, async () => {
    const before = await instancesOf(clock);
    assert.equal(
      before.map((instance, i) => sameMap(instance, keptInstances[i]!)),
      keptInstances.map(() => true),
    );
    await setImmediate();
    collect();
    const after = await instancesOf(clock);
    assert.equal(
      after.map((instance, i) => sameMap(instance, keptInstances[i]!)),
      keptInstances.map(() => true),
    );
  });
}

hiddenClasses.run();
