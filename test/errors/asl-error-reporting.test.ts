import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A test that throws an AslError (run-time failures are not Error subclasses) must fail
 * readably: uvu reads `name`, `message` and `stack` of what was thrown, and without them it
 * reported nothing, skipped the rest of the suite and exited 0.
 */
test('a test throwing an AslError fails with its error and cause, and the suite goes on', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx/esm', 'node_modules/uvu/bin.js', 'test/errors/fixtures', 'throws-asl-error\\.ts$'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  const output = (run.stdout + run.stderr).replace(/\x1b\[[0-9;]*m/g, '');
  assert.is.not(run.status, 0, output);
  assert.match(output, 'throws an ASL error');
  assert.match(output, 'the cause of the failure');
  assert.match(output, /Total:\s+2/);
  assert.match(output, /Passed:\s+1/);
});

test.run();
