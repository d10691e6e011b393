import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { OptionError, testState, testStateOf } from '../../src/index.js';

/**
 * testState()'s options and testStateOf()'s arguments misused: an OptionError naming the
 * option, where a typo used to be ignored and a value JSON cannot write threw a raw TypeError.
 */
const options = suite('TestState options');

const pass = { Type: 'Pass', End: true };
const machine = { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } };
const cycle: Record<string, unknown> = {};
cycle.self = cycle;

const mistakes: Array<{ what: string; call: () => Promise<unknown>; option: string }> = [
  { what: 'testState() options misspelt (handler)', call: () => testState({ definition: JSON.stringify(pass) }, { handler: {} } as never), option: 'handler' },
  { what: 'testState() options that are a string', call: () => testState({ definition: JSON.stringify(pass) }, 'x' as never), option: 'options' },
  {
    what: 'testState() handlers that are a function',
    call: () => testState({ definition: JSON.stringify(pass) }, { handlers: (() => 1) as never }),
    option: 'handlers',
  },
  { what: 'testState() a clock without now()', call: () => testState({ definition: JSON.stringify(pass) }, { clock: {} as never }), option: 'clock' },
  { what: 'testState() a region that is not a string', call: () => testState({ definition: JSON.stringify(pass) }, { region: 1 as never }), option: 'region' },
  { what: 'testStateOf() options misspelt (inpt)', call: () => testStateOf(machine, 'Echo', { inpt: { a: 1 } } as never), option: 'inpt' },
  { what: 'testStateOf() options that are a string', call: () => testStateOf(machine, 'Echo', 'x' as never), option: 'options' },
  { what: 'testStateOf() options given second, misspelt', call: () => testStateOf(pass, { mocks: {} } as never), option: 'mocks' },
  { what: 'testStateOf() an input holding a BigInt', call: () => testStateOf(pass, { input: { n: 1n } }), option: 'input' },
  { what: 'testStateOf() an input holding itself', call: () => testStateOf(pass, { input: cycle }), option: 'input' },
  { what: 'testStateOf() variables holding itself', call: () => testStateOf(pass, { variables: cycle }), option: 'variables' },
  { what: 'testStateOf() a mocked result holding a BigInt', call: () => testStateOf(pass, { mock: { result: 2n } }), option: 'mock.result' },
  { what: 'testStateOf() a definition holding a BigInt', call: () => testStateOf({ ...pass, Result: 3n }), option: 'definition' },
];

for (const { what, call, option } of mistakes) {
  options(`${what}: OptionError naming '${option}'`, async () => {
    try {
      await call();
    } catch (error) {
      assert.instance(error, OptionError, String(error));
      assert.is((error as OptionError).code, 'ERR_INVALID_OPTION');
      assert.is((error as OptionError).option, option);
      return;
    }
    assert.unreachable('no error');
  });
}

options('testStateOf() takes its options second or third, and a null state name as none', async () => {
  assert.equal((await testStateOf(pass, { input: { a: 1 } })).output, { a: 1 });
  assert.equal((await testStateOf(machine, 'Echo', { input: { a: 2 } })).output, { a: 2 });
  assert.equal((await testStateOf(pass, null as never, { input: { a: 3 } })).output, { a: 3 });
  assert.equal((await testStateOf(pass, undefined, { input: { a: 4 } })).output, { a: 4 });
});

options.run();
