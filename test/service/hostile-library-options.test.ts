import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, OptionError } from '../../src/index.js';

/** createService() options from careless code: refused at construction, naming the option (ERR_INVALID_OPTION). */
const options = suite('hostile createService options');

const cases: [label: string, options: unknown, option: string][] = [
  ['null', null, 'options'],
  ['a number', 5, 'options'],
  ['a misspelt key', { handler: {} }, 'handler'],
  ['handlers that are a number', { handlers: 5 }, 'handlers'],
  ['a clock without methods', { clock: {} }, 'clock'],
  ['limits that are null', { limits: null }, 'limits'],
  ['a zero payload limit', { limits: { payloadBytes: 0 } }, 'limits.payloadBytes'],
  ['retainExecutions -1', { retainExecutions: -1 }, 'retainExecutions'],
  ['retainExecutions as text', { retainExecutions: '10' }, 'retainExecutions'],
  ['an unknown history level', { history: 'X' }, 'history'],
  ['a store that is a number', { store: 5 }, 'store'],
  ['integrations that are not an array', { integrations: 5 }, 'integrations'],
  ['a number for a region', { region: 5 }, 'region'],
  ['mocks that are a number', { mocks: 5 }, 'mocks'],
  ['mocks without MockedResponses', { mocks: { StateMachines: {} } }, 'mocks'],
];

for (const [label, given, option] of cases) {
  options(`createService() refuses ${label}, naming '${option}'`, () => {
    try {
      createService(given as never);
      assert.unreachable('createService() accepted it');
    } catch (thrown) {
      assert.instance(thrown, OptionError);
      assert.is((thrown as OptionError).code, 'ERR_INVALID_OPTION');
      assert.is((thrown as OptionError).option, option);
    }
  });
}

options('createService() keeps taking retainExecutions 0 and Infinity', async () => {
  for (const retainExecutions of [0, Infinity]) await createService({ retainExecutions }).close();
});

options.run();
