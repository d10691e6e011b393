import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runAccountOpeningFloor } from '../../bench/standalone/account-opening-floor.js';
import { compile, virtualClock } from '../../src/index.js';
import { accountOpening } from '../../workloads/account-opening/workload.js';

/**
 * The floor bench/standalone/jsonata-floor.ts times is the JSONata twin by hand: its outcome
 * must be the engine's (status, output, error name) on whatever input, or engine ÷ floor
 * compares different work.
 */
const machine = compile(accountOpening.jsonataDefinition!, { handlers: accountOpening.handlers, clock: virtualClock() });

function outcomeOf(result: { status: string; output?: unknown; error?: string | null }): unknown {
  return result.status === 'SUCCEEDED' ? { status: result.status, output: result.output } : { status: result.status, error: result.error };
}

async function agree(input: unknown, label: string): Promise<void> {
  const engine = outcomeOf((await machine.execute(structuredClone(input))) as never);
  const floor = outcomeOf(runAccountOpeningFloor(structuredClone(input), accountOpening.handlers) as never);
  assert.equal(floor, engine, label);
}

test('the floor decides as the engine does: every decision, listed applicants, mistyped documents', async () => {
  const decisions = new Set<string>();
  for (const options of [
    { watchListRate: 0.2, badDocumentRate: 0.1 },
    { watchListRate: 1, badDocumentRate: 0 },
    { watchListRate: 0, badDocumentRate: 1 },
  ]) {
    for (let i = 0; i < 40; i++) {
      const input = accountOpening.generateInput(11, i, options);
      await agree(input, `${JSON.stringify(options)} #${i}`);
      const r = runAccountOpeningFloor(input, accountOpening.handlers);
      if (r.status === 'SUCCEEDED') decisions.add((r.output as { decision: string }).decision);
    }
  }
  assert.equal([...decisions].sort(), ['APPROVED', 'DECLINED', 'REVIEW']);
});

/** Inputs the generator never makes: what the floor must still do as AWS's rules (and the engine) do. */
const changes: [string, (input: Record<string, any>) => void][] = [
  ['an Arguments field with nothing to read', (x) => delete x.applicant.country],
  ["a later Task's Arguments field with nothing to read", (x) => delete x.product],
  [
    'a missing operand of a comparison',
    (x) => {
      delete x.applicant.age;
      x.product = { type: 'checking', requestedLimitCents: 1 };
    },
  ],
  [
    'a string compared with a number',
    (x) => {
      x.applicant.age = '30';
      x.product = { type: 'checking', requestedLimitCents: 1 };
    },
  ],
  [
    'a boolean compared with a number',
    (x) => {
      x.applicant.age = true;
      x.product = { type: 'checking', requestedLimitCents: 1 };
    },
  ],
  [
    'a null compared with a number',
    (x) => {
      x.product = { type: 'credit', requestedLimitCents: null };
    },
  ],
  [
    'a string limit compared with a number',
    (x) => {
      x.product = { type: 'credit', requestedLimitCents: '5' };
    },
  ],
  [
    'the applicant an array of one',
    (x) => {
      x.applicant = [x.applicant];
    },
  ],
  [
    'the applicant an array of two',
    (x) => {
      x.applicant = [x.applicant, x.applicant];
    },
  ],
  [
    'the product an array',
    (x) => {
      x.product = [x.product];
    },
  ],
  [
    // One item's array stays an array: the type reads as ['savings'], not 'savings'.
    'the product an array of one whose type is an array',
    (x) => {
      x.product = [{ type: ['savings'], requestedLimitCents: 1 }];
    },
  ],
  [
    // Several items' values are flattened: a sequence of one reads as its value.
    'the product an array whose one type is in an array among empty ones',
    (x) => {
      x.product = [{ type: [] }, { type: ['savings'] }, { type: [] }];
    },
  ],
  [
    'the product an array of two types',
    (x) => {
      x.product = [{ type: 'savings' }, { type: 'credit' }];
    },
  ],
  [
    'an input over the payload limit',
    (x) => {
      x.padding = 'x'.repeat(300_000);
    },
  ],
];
for (const [name, change] of changes) {
  test(`the floor fails or succeeds as the engine does: ${name}`, async () => {
    for (let i = 0; i < 8; i++) {
      const input = structuredClone(accountOpening.generateInput(3, i, { watchListRate: 0.1, badDocumentRate: 0.1 })) as Record<string, any>;
      change(input);
      await agree(input, `#${i}`);
    }
  });
}

test.run();
