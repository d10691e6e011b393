import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cli } from './run-cli.js';

/** `statemill run --mocks --test-case`: Step Functions Local mock files from the command line. */
const mocks = suite('cli mocks');

const mocked = (testCase: string, ...extra: string[]) => [
  'run',
  'order.asl.json',
  '--mocks',
  'MockConfigFile.json',
  '--test-case',
  testCase,
  '--handlers',
  './handlers.mjs',
  '--virtual-clock',
  ...extra,
];

mocks('a test case mocks its states; the others use --handlers', async () => {
  const r = await cli(mocked('HappyPath', '--input-json', '{"orderId": "m-1", "amount": 1000}'));
  assert.is(r.code, 0, r.stderr);
  // The mock approves 1000, which the real charge handler would decline.
  assert.equal(r.json().output, { orderId: 'm-1', amount: 1000, payment: { approved: true }, shipment: { tracking: 'T-m-1' } });
});

mocks('a mocked decline fails the execution', async () => {
  const r = await cli(mocked('DeclinedPath', '--input-json', '{"orderId": "m-2", "amount": 1}'));
  assert.is(r.code, 1);
  assert.is(r.json().error, 'Payment.Declined');
});

mocks('mocked errors drive Retry', async () => {
  const r = await cli(mocked('RetryPath', '--input-json', '{"orderId": "m-3", "amount": 1000}'));
  assert.is(r.code, 0, r.stderr);
  assert.equal(r.json().output.payment, { approved: true });
});

mocks('the single state machine of the file names the machine', async () => {
  const r = await cli(mocked('HappyPath', '--input-json', '{"orderId": "m-4", "amount": 1}'));
  assert.ok(r.json().stateMachineArn.endsWith(':stateMachine:Orders'), r.stdout);
});

mocks('--mocks without --test-case, and the reverse, are usage errors', async () => {
  assert.is((await cli(['run', 'order.asl.json', '--mocks', 'MockConfigFile.json'])).code, 2);
  assert.is((await cli(['run', 'order.asl.json', '--test-case', 'HappyPath'])).code, 2);
  assert.is((await cli(['run', 'order.asl.json', '--state-machine', 'Orders'])).code, 2);
});

mocks('an unknown test case exits 3 and lists the known ones', async () => {
  const r = await cli(mocked('SadPath'));
  assert.is(r.code, 3);
  assert.ok(r.stderr.includes('[ERR_MOCK_UNKNOWN_TEST_CASE]') && r.stderr.includes("'HappyPath'"), r.stderr);
});

mocks('a test case naming a state the definition lacks exits 3 with the pointer into the mock file', async () => {
  const r = await cli(mocked('BrokenPath'));
  assert.is(r.code, 3);
  assert.ok(r.stderr.includes('/StateMachines/Orders/TestCases/BrokenPath/Charg') && r.stderr.includes('[ERR_MOCK_UNKNOWN_STATE]'), r.stderr);
});

mocks('an unknown --state-machine exits 3', async () => {
  const r = await cli(mocked('HappyPath', '--state-machine', 'Payments'));
  assert.is(r.code, 3);
  assert.ok(r.stderr.includes('[ERR_MOCK_UNKNOWN_STATE_MACHINE]'), r.stderr);
});

mocks('a missing or malformed mock file exits 3', async () => {
  const missing = await cli(['run', 'order.asl.json', '--mocks', 'nope.json', '--test-case', 'T']);
  assert.is(missing.code, 3);
  assert.ok(missing.stderr.includes('[ERR_CLI_FILE_NOT_FOUND]'), missing.stderr);
  const malformed = await cli(['run', 'order.asl.json', '--mocks', 'malformed.json', '--test-case', 'T']);
  assert.is(malformed.code, 3);
  assert.ok(malformed.stderr.includes('malformed.json:4:41:'), malformed.stderr);
});

mocks('a test case whose path is all mocked runs without --handlers, as with Step Functions Local', async () => {
  const r = await cli([
    'run',
    'order.asl.json',
    '--mocks',
    'MockConfigFile.json',
    '--test-case',
    'DeclinedPath',
    '--input-json',
    '{"orderId": "m-5", "amount": 1}',
  ]);
  assert.is(r.code, 1, r.stderr);
  assert.equal([r.json().status, r.json().error], ['FAILED', 'Payment.Declined']);
});

mocks('reaching an unmocked state with no handler fails the execution, naming the state and the test case', async () => {
  const r = await cli([
    'run',
    'order.asl.json',
    '--mocks',
    'MockConfigFile.json',
    '--test-case',
    'HappyPath',
    '--input-json',
    '{"orderId": "m-6", "amount": 1}',
  ]);
  assert.is(r.code, 1, r.stderr);
  const result = r.json();
  assert.is(result.error, 'States.Runtime');
  assert.ok(result.cause.includes("state 'Ship'") && result.cause.includes("test case 'HappyPath'"), result.cause);
});

mocks('every fault of the mock configuration is listed at once, with the definition problems beside them', async () => {
  const r = await cli(mocked('TwoFaultsPath'));
  assert.is(r.code, 3);
  const first = r.stderr.split('\n')[0]!;
  assert.ok(first.includes('(2 problems)') && first.endsWith('[ERR_CLI_MOCKS]'), r.stderr);
  assert.ok(r.stderr.includes('/TwoFaultsPath/Charg') && r.stderr.includes('[ERR_MOCK_UNKNOWN_STATE]'), r.stderr);
  assert.ok(r.stderr.includes('/TwoFaultsPath/Charge') && r.stderr.includes('[ERR_MOCK_UNKNOWN_RESPONSE]'), r.stderr);
  const both = await cli(['run', 'broken.asl.json', '--mocks', 'MockConfigFile.json', '--test-case', 'TwoFaultsPath']);
  assert.is(both.code, 3);
  assert.ok(both.stderr.includes('[ERR_MOCK_UNKNOWN_RESPONSE]') && both.stderr.includes('broken.asl.json: 3 problems'), both.stderr);
});

mocks.run();
