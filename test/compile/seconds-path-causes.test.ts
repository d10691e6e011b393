import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock } from '../../src/index.js';

/**
 * A Task's TimeoutSecondsPath or HeartbeatSecondsPath that finds nothing fails the state
 * with States.Runtime worded as every other path that finds nothing (AWS-recorded cases
 * test_invalid_jsonpath[ST.INVALID_JSONPATH_IN_TIMEOUTSECONDSPATH] and
 * […_IN_HEARTBEATSECONDSPATH]); a value that is there but no positive integer keeps its own cause.
 */
const prefix = "An error occurred while executing the state 'task' (entered at the event id #2). ";
const rows: [field: string, path: string, input: unknown, cause: string][] = [
  [
    'TimeoutSecondsPath',
    '$.NoSuchTimeoutSecondsPath',
    { 'int-literal': 0 },
    "Invalid path '$.NoSuchTimeoutSecondsPath' : No results for path: $['NoSuchTimeoutSecondsPath']",
  ],
  [
    'HeartbeatSecondsPath',
    '$.NoSuchTimeoutSecondsPath',
    { 'int-literal': 0 },
    "Invalid path '$.NoSuchTimeoutSecondsPath' : No results for path: $['NoSuchTimeoutSecondsPath']",
  ],
  ['TimeoutSecondsPath', '$.a.b', {}, "Invalid path '$.a.b' : Missing property in path $['a']"],
  ['TimeoutSecondsPath', '$.t', { t: 0 }, 'The TimeoutSecondsPath parameter does not reference a positive integer: $.t == 0'],
  ['HeartbeatSecondsPath', '$.t', { t: 'x' }, 'The HeartbeatSecondsPath parameter does not reference a positive integer: $.t == "x"'],
];

test('TimeoutSecondsPath / HeartbeatSecondsPath: the cause when the path finds nothing or no positive integer', async () => {
  for (const [field, path, input, cause] of rows) {
    const definition = { StartAt: 'task', States: { task: { Type: 'Task', Resource: 'echo', [field]: path, End: true } } };
    const result = await compile(definition, { clock: virtualClock(0), handlers: { echo: (x: unknown) => x } }).execute(input);
    assert.equal([result.status, result.error, result.cause], ['FAILED', 'States.Runtime', prefix + cause], `${field} ${path}`);
  }
});

test.run();
