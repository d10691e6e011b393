import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock } from '../../src/index.js';

/**
 * AWS keeps a Wait's length in a 32-bit count of seconds. AWS-recorded (case
 * test_wait.py test_timestamp_too_far_in_future_boundary): a TimestampPath 24,855 days ahead
 * waits (the execution is still running), 24,856 days ahead fails at once with States.Runtime.
 * The same bound holds for every way of writing the wait (Seconds, literal or JSONata, stops
 * at AWS's documented 99999999 before it; see the JSONata state cases and validate's fixtures).
 */
const DAY_MS = 86_400_000;
const at = (days: number) => new Date(days * DAY_MS).toISOString();
const cause = "An error occurred while executing the state 'W' (entered at the event id #2). Wait state delay is too long.";

const rows: [string, Record<string, unknown>, unknown, 'fits' | 'too long'][] = [
  ['TimestampPath 24,855 days ahead', { TimestampPath: '$.t' }, { t: at(24_855) }, 'fits'],
  ['TimestampPath 24,856 days ahead', { TimestampPath: '$.t' }, { t: at(24_856) }, 'too long'],
  ['Timestamp 24,856 days ahead', { Timestamp: at(24_856) }, {}, 'too long'],
  ['SecondsPath 2^31 - 1', { SecondsPath: '$.s' }, { s: 2_147_483_647 }, 'fits'],
  ['SecondsPath 2^31', { SecondsPath: '$.s' }, { s: 2_147_483_648 }, 'too long'],
  ['JSONata Timestamp 24,856 days ahead', { QueryLanguage: 'JSONata', Timestamp: '{% $states.input.t %}' }, { t: at(24_856) }, 'too long'],
];

test('a Wait longer than 2^31 - 1 seconds fails with States.Runtime; one within it waits', async () => {
  for (const [name, fields, input, expected] of rows) {
    const definition = { StartAt: 'W', States: { W: { Type: 'Wait', ...fields, End: true } } };
    const machine = compile(definition, { clock: virtualClock(0), workflowType: 'STANDARD' });
    const result = await machine.execute(input);
    if (expected === 'too long') {
      assert.equal([result.status, result.error, result.cause], ['FAILED', 'States.Runtime', cause], name);
    } else {
      // The virtual clock runs the wait out: a Standard execution then meets its one-year limit.
      assert.equal([result.status, result.error], ['TIMED_OUT', 'States.Timeout'], name);
    }
  }
});

test.run();
