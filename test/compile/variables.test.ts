import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock, type Handlers } from '../../src/index.js';
import { AssignedNames, assignVariables } from '../../src/compile/variables.js';
import { type Frame } from '../../src/run/frame.js';
import { VariableScope } from '../../src/run/variables.js';

interface VariableCase {
  name: string;
  definition: unknown;
  input: unknown;
  expected: { status: string; output?: unknown; error?: string; cause?: string };
}

const cases = (JSON.parse(readFileSync(new URL('./variables.cases.json', import.meta.url), 'utf8')) as { cases: VariableCase[] }).cases;

const handlers: Handlers = {
  echo: (input: unknown) => input,
  wrap: (input: unknown) => ({ raw: input }),
  fail: () => {
    const e = new Error('boom');
    e.name = 'Custom.Error';
    throw e;
  },
};

const Semantics = suite('Assign semantics');

for (const c of cases) {
  Semantics(c.name, async () => {
    const result = await compile(c.definition, { handlers, clock: virtualClock(0) }).execute(c.input);
    assert.is(result.status, c.expected.status, `${result.error}: ${result.cause}`);
    if (c.expected.status === 'SUCCEEDED') assert.equal(result.output, c.expected.output);
    if (c.expected.error !== undefined) assert.is(result.error, c.expected.error);
    if (c.expected.cause !== undefined) assert.is(result.cause, c.expected.cause);
  });
}

Semantics.run();

// ---------------------------------------------------------------------------------------------

const Limits = suite('variable size quotas');

/** A JSONata machine whose states each assign one variable `v<i>` of `bytes` bytes (as JSON). */
function assigning(count: number, bytes: number, names: (i: number) => string = (i) => `v${i}`) {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    states[`S${i}`] = { Type: 'Pass', Assign: { [names(i)]: 'x'.repeat(bytes - 2) }, ...(i === count - 1 ? { End: true } : { Next: `S${i + 1}` }) };
  }
  return { QueryLanguage: 'JSONata', StartAt: 'S0', States: states };
}

async function run(definition: unknown, payloadBytes: number) {
  return compile(definition, { clock: virtualClock(0), limits: { payloadBytes } }).execute({});
}

Limits('one variable may hold as much as the payload limit, not more', async () => {
  assert.is((await run(assigning(1, 1000), 1000)).status, 'SUCCEEDED');
  const r = await run(assigning(1, 1001), 1000);
  assert.is(r.error, 'States.DataLimitExceeded');
  assert.match(r.cause!, /The variable 'v0' exceeds the maximum size of 1000 bytes/);
});

Limits("one Assign's values together may hold as much as the payload limit", async () => {
  const definition = { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Assign: { a: 'x'.repeat(598), b: 'y'.repeat(598) }, End: true } } };
  const r = await run(definition, 1000);
  assert.is(r.error, 'States.DataLimitExceeded');
  assert.match(r.cause!, /combined size of 1000 bytes/);
});

Limits('all variables together may hold 40 times the payload limit (10 MiB for 256 KiB)', async () => {
  assert.is((await run(assigning(40, 1000), 1000)).status, 'SUCCEEDED');
  const r = await run(assigning(41, 1000), 1000);
  assert.is(r.error, 'States.DataLimitExceeded');
  assert.match(r.cause!, /maximum total size of 40000 bytes/);
});

Limits('assigning a variable again replaces its size instead of adding to the total', async () => {
  assert.is(
    (
      await run(
        assigning(100, 1000, () => 'same'),
        1000,
      )
    ).status,
    'SUCCEEDED',
  );
});

// Sizes start as upper bounds (6 bytes per string unit); a quota the bounds pass is decided by exact sizes.
Limits("values whose bounds pass one Assign's quota but whose sizes keep it are assigned", async () => {
  // Each value: 102 bytes of JSON, bounded by 602; together 204 bytes, bounded by 1,204.
  const definition = { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Assign: { a: 'x'.repeat(100), b: 'y'.repeat(100) }, End: true } } };
  assert.is((await run(definition, 1000)).status, 'SUCCEEDED');
});

Limits('variables whose bounds pass the total quota but whose sizes keep it are assigned; past it they are refused', async () => {
  // 100 variables of 102 bytes: 10,200 bytes, bounded by 60,200, under a total of 40,000.
  assert.is((await run(assigning(100, 102), 1000)).status, 'SUCCEEDED');
  const r = await run(assigning(400, 102), 1000);
  assert.is(r.error, 'States.DataLimitExceeded');
  assert.match(r.cause!, /maximum total size of 40000 bytes/);
});

Limits('measuring the total exactly leaves each scope with the exact size of its own variables', () => {
  const outer = new VariableScope(null);
  const inner = new VariableScope(outer);
  const frame = { vars: inner, exec: { limits: { payloadBytes: 1000 }, history: null } } as unknown as Frame;
  for (let i = 0; i < 66; i++) outer.set(`o${i}`, 'x'.repeat(100), 602);
  assignVariables(frame, new AssignedNames(['a', 'b']), ['y'.repeat(100), 'z'.repeat(100)]);
  assert.is(outer.bytes, 66 * 102);
  assert.is(inner.bytes, 2 * 102);
  assert.is(inner.sizeOf('o0'), 0);
});

Limits('a machine without a payload limit measures nothing', async () => {
  assert.is((await run(assigning(50, 5000), Infinity)).status, 'SUCCEEDED');
});

Limits.run();
