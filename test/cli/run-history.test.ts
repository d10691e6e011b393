import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ExitCodes } from '../../src/cli/exit-codes.js';
import { cli } from './run-cli.js';

/** `statemill run --history [level]` and `--trace`. */
const run = suite('cli run --history / --trace');

const order = ['run', 'order.asl.json', '--handlers', './handlers.mjs'];
const approved = ['--input-json', '{"orderId": "o-1", "amount": 20}'];
const declined = ['--input-json', '{"orderId": "o-2", "amount": 500}'];

run('--history adds every event to the printed result, after the other fields', async () => {
  const r = await cli([...order, ...approved, '--history']);
  assert.is(r.code, ExitCodes.OK, r.stderr);
  const result = r.json();
  assert.is(Object.keys(result).at(-1), 'history');
  const types = result.history.map((e: { type: string }) => e.type);
  assert.is(types[0], 'ExecutionStarted');
  assert.is(types.at(-1), 'ExecutionSucceeded');
  assert.ok(types.includes('TaskScheduled') && types.includes('ChoiceStateEntered'));
  assert.ok(!Number.isNaN(Date.parse(result.history[0].timestamp)));
  assert.is(r.stderr, '');
});

run('--history ERROR and FATAL keep only failure events', async () => {
  const error = await cli([...order, ...declined, '--history', 'ERROR']);
  assert.is(error.code, ExitCodes.FAILED);
  assert.equal(
    error.json().history.map((e: { type: string }) => e.type),
    ['FailStateEntered', 'ExecutionFailed'],
  );
  const fatal = await cli([...order, ...declined, '--history', 'FATAL']);
  assert.equal(
    fatal.json().history.map((e: { type: string }) => e.type),
    ['ExecutionFailed'],
  );
});

run('without --history, or with OFF, the result has no history', async () => {
  for (const extra of [[], ['--history', 'OFF']]) {
    const r = await cli([...order, ...approved, ...extra]);
    assert.is(r.code, ExitCodes.OK, r.stderr);
    assert.not.ok('history' in r.json());
  }
});

run('an unknown level is a usage error', async () => {
  const r = await cli([...order, ...approved, '--history', 'VERBOSE']);
  assert.is(r.code, ExitCodes.USAGE);
});

run('--trace prints the trace to stderr and leaves the printed result as it was', async () => {
  const r = await cli([...order, ...declined, '--trace']);
  assert.is(r.code, ExitCodes.FAILED);
  assert.not.ok('history' in r.json());
  const lines = r.stderr.trimEnd().split('\n');
  assert.match(lines[0]!, /execution started {2}input \{"orderId":"o-2","amount":500\}/);
  assert.ok(lines.some((l) => l.includes('-> Charge (Task)')));
  assert.ok(lines.some((l) => l.includes('-> Declined (Fail)')));
  assert.match(lines.at(-1)!, /execution failed {2}Payment\.Declined: The card was declined\./);
});

for (const level of ['OFF', 'ERROR', 'FATAL']) {
  run(`--trace with --history ${level} is a usage error (it printed no trace, without a word)`, async () => {
    const r = await cli(['run', 'pass.asl.json', '--input-json', '{}', '--trace', '--history', level]);
    assert.is(r.code, 2, r.stderr);
    assert.is(r.stdout, '');
    assert.ok(r.stderr.includes('[ERR_CLI_USAGE]') && r.stderr.includes(`not --history ${level}`), r.stderr);
  });
}

run('--trace with --history ALL prints both', async () => {
  const r = await cli(['run', 'pass.asl.json', '--input-json', '{}', '--trace', '--history', 'ALL']);
  assert.is(r.code, 0, r.stderr);
  assert.ok(r.json().history.length > 0 && r.stderr.includes('execution started'), r.stderr);
});

run.run();
