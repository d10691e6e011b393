import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mapHookFor } from '../../../src/pool/worker/fan-out-client.js';

/** What the Map's execution passes its iterations (see machine.iterations()). */
const iterationParent = { executionName: 'exec', executionInput: {}, executionStartMs: 0, remainingMs: 300_000, variables: [] };

const hooks = suite('mapHookFor');

const spec = (mapFanOut: boolean | string[]) => ({
  id: 'w',
  definition: {},
  handlers: 'file:///h.js',
  options: {},
  limits: {},
  mapFanOut,
  mapFanOutMinItems: 4,
});
const hookRequest = (state: string, count: number) => ({
  state,
  inputs: Array.from({ length: count }, (_, n) => ({ n })),
  maxConcurrency: 0,
  toleratedFailures: -1,
  parent: iterationParent,
});

hooks('leaves Maps that did not opt in, and Maps below the minimum, to run in-process', () => {
  assert.is(mapHookFor(1, spec(false), 2, 'eval')(hookRequest('/States/Each', 100)), null);
  assert.is(mapHookFor(1, spec(['Other']), 2, 'eval')(hookRequest('/States/Each', 100)), null);
  assert.is(mapHookFor(1, spec(true), 2, 'eval')(hookRequest('/States/Each', 3)), null);
});

hooks('fans out opted-in Maps (by name, escaped pointer tokens included)', async () => {
  // Outside a worker the request cannot be posted: a rejection proves it was attempted.
  for (const [opt, state] of [
    [true, '/States/Each'],
    [['a/b'], '/States/a~1b'],
  ] as const) {
    const pending = mapHookFor(1, spec(opt as boolean | string[]), 2, 'eval')(hookRequest(state, 10));
    assert.ok(pending !== null);
    await pending.then(
      () => assert.unreachable('fanned out outside a worker'),
      (error: Error) => assert.match(error.message, /only inside a pool worker/),
    );
  }
});

hooks.run();
