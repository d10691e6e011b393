import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock } from '../../src/index.js';

/**
 * The engine's own closures tell a pending value by its class (isPending: a Promise they
 * made), handlers' answers by their `then` (isPromiseLike): each row puts a value that
 * arrives later at one of those places and expects it awaited, in order, with the
 * outcome a plain value gives.
 */
const pending = suite('values that arrive later');

interface PendingCase {
  name: string;
  definition: unknown;
  input: unknown;
  /** The machine's limits, when a row needs a smaller payload limit than AWS's. */
  limits?: { payloadBytes: number };
  expected: { status: string; output?: unknown; error?: string; cause?: string };
}

/** A thenable that is not a Promise, answering on a later turn as a client library's might. */
function thenable(value: unknown): PromiseLike<unknown> {
  return {
    then(resolve?: ((v: unknown) => unknown) | null) {
      setImmediate(() => resolve?.(value));
      return this as PromiseLike<never>;
    },
  };
}

const later = (input: unknown) => thenable({ later: input });
const large = () => thenable('x'.repeat(300));
const handlers = {
  echo: (input: unknown) => input,
  thenable: later,
  large,
  'arn:aws:lambda:us-east-1:123456789012:function:later': later,
  'arn:aws:lambda:us-east-1:123456789012:function:large': large,
};

const cases = (JSON.parse(readFileSync(new URL('./pending-values.cases.json', import.meta.url), 'utf8')) as { cases: PendingCase[] }).cases;
for (const c of cases) {
  pending(c.name, async () => {
    const result = await compile(c.definition, { handlers, clock: virtualClock(0), limits: c.limits }).execute(c.input);
    assert.is(result.status, c.expected.status, `${result.error}: ${result.cause}`);
    if (c.expected.output !== undefined) assert.equal(result.output, c.expected.output);
    if (c.expected.error !== undefined) assert.is(result.error, c.expected.error);
    if (c.expected.cause !== undefined) assert.is(result.cause, c.expected.cause);
  });
}

pending('a thenable inside a value input is a value: it reaches the handler as it is, in either language', async () => {
  const inner = thenable('unwrapped');
  for (const definition of [
    { QueryLanguage: 'JSONata', StartAt: 'T', States: { T: { Type: 'Task', Resource: 'seen', Arguments: '{% $states.input.a %}', End: true } } },
    { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'seen', InputPath: '$.a', End: true } } },
  ]) {
    let received: unknown;
    const seen = (input: unknown) => {
      received = input;
      return 'done';
    };
    const result = await compile(definition, { handlers: { seen }, clock: virtualClock(0) }).execute({ a: inner });
    assert.is(result.status, 'SUCCEEDED', `${result.error}: ${result.cause}`);
    assert.is(received, inner);
  }
});

pending.run();
