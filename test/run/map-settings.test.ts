import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock } from '../../src/index.js';
import { percentOf } from '../../src/compile/states/map.js';

/** Map settings: the tolerated-failure threshold and the values its `*Path` fields accept. */
const settings = suite('map-settings');

const failing = {
  fail: (x: { fail: boolean }) => {
    if (x.fail) throw Object.assign(new Error('no'), { name: 'Item.Failed' });
    return 'ok';
  },
};

function map(fields: Record<string, unknown>, language: 'JSONPath' | 'JSONata' = 'JSONPath') {
  const items = language === 'JSONPath' ? { ItemsPath: '$.items' } : { Items: '{% $states.input.items %}' };
  return compile(
    {
      QueryLanguage: language,
      StartAt: 'M',
      States: {
        M: { Type: 'Map', ...items, ...fields, End: true, ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'fail', End: true } } } },
      },
    },
    { handlers: failing, clock: virtualClock(0) },
  );
}

/** `failed` of `total` items fail. */
function items(failed: number, total: number) {
  return Array.from({ length: total }, (_, i) => ({ fail: i < failed }));
}

const thresholds: [percentage: number, failed: number, total: number, status: string][] = [
  [29, 29, 100, 'SUCCEEDED'],
  [29, 30, 100, 'FAILED'],
  [57, 57, 100, 'SUCCEEDED'],
  [14.29, 1, 7, 'SUCCEEDED'],
  [14.28, 1, 7, 'FAILED'],
  [33.3, 1, 3, 'FAILED'],
  [33.4, 1, 3, 'SUCCEEDED'],
  [0.1, 1, 1000, 'SUCCEEDED'],
  [0.1, 2, 1000, 'FAILED'],
  [1e-7, 1, 1e7, 'FAILED'],
  [0, 1, 10, 'FAILED'],
  [100, 10, 10, 'SUCCEEDED'],
];

for (const [percentage, failed, total, status] of thresholds) {
  settings(`ToleratedFailurePercentage ${percentage}: ${failed} of ${total} failed is ${status}`, async () => {
    if (total > 1000) {
      // Too many items to run: the threshold itself.
      assert.is(percentOf(percentage, total) >= failed, status === 'SUCCEEDED');
      return;
    }
    const input = { items: items(failed, total), p: percentage };
    for (const [language, fields] of [
      ['JSONPath', { ToleratedFailurePercentage: percentage }],
      ['JSONPath', { ToleratedFailurePercentagePath: '$.p' }],
      ['JSONata', { ToleratedFailurePercentage: '{% $states.input.p %}' }],
    ] as const) {
      const r = await map(fields, language).execute(input);
      assert.is(r.status, status, `${language} ${JSON.stringify(fields)}`);
      if (status === 'FAILED') assert.is(r.error, 'States.ExceedToleratedFailureThreshold');
    }
  });
}

settings('percentOf is exact for every percentage with two decimals', () => {
  for (let hundredths = 0; hundredths <= 10_000; hundredths += 7) {
    const percentage = hundredths / 100;
    for (const total of [1, 3, 7, 100, 997, 10_000]) {
      const exact = Number((BigInt(hundredths) * BigInt(total)) / 10_000n);
      assert.is(percentOf(percentage, total), exact, `${percentage}% of ${total}`);
    }
  }
});

/** Path values AWS parses as text: numeric strings are accepted where they parse as the field's kind. */
const pathValues: [field: string, value: unknown, accepted: boolean][] = [
  ['MaxConcurrencyPath', '1', true],
  ['MaxConcurrencyPath', '+2', true],
  ['MaxConcurrencyPath', 1, true],
  ['MaxConcurrencyPath', '1.5', false],
  ['MaxConcurrencyPath', ' 1', false],
  ['MaxConcurrencyPath', '', false],
  ['MaxConcurrencyPath', '1e2', false],
  ['MaxConcurrencyPath', '99999999999', false],
  ['MaxConcurrencyPath', 1.5, false],
  ['MaxConcurrencyPath', true, false],
  ['ToleratedFailureCountPath', '1', true],
  ['ToleratedFailureCountPath', '0x1', false],
  ['ToleratedFailurePercentagePath', '50', true],
  ['ToleratedFailurePercentagePath', '50.5', true],
  ['ToleratedFailurePercentagePath', ' 50.5 ', true],
  ['ToleratedFailurePercentagePath', '5e1', true],
  ['ToleratedFailurePercentagePath', '.5', true],
  ['ToleratedFailurePercentagePath', 'NaN', false],
  ['ToleratedFailurePercentagePath', '50%', false],
  ['ToleratedFailurePercentagePath', [50], false],
];

for (const [field, value, accepted] of pathValues) {
  settings(`${field} referring to ${JSON.stringify(value)} is ${accepted ? 'accepted' : 'a States.Runtime'}`, async () => {
    const r = await map({ [field]: '$.v' }).execute({ items: items(0, 2), v: value });
    if (accepted) assert.equal([r.status, r.output], ['SUCCEEDED', ['ok', 'ok']]);
    else {
      assert.is(r.error, 'States.Runtime');
      assert.match(r.cause!, `The ${field} field refers to value`);
    }
  });
}

settings('a numeric-string ToleratedFailureCountPath counts as its number', async () => {
  const m = map({ ToleratedFailureCountPath: '$.v' });
  assert.is((await m.execute({ items: items(1, 3), v: '1' })).status, 'SUCCEEDED');
  assert.is((await m.execute({ items: items(2, 3), v: '1' })).error, 'States.ExceedToleratedFailureThreshold');
});

settings.run();
