import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

/** The README's node:test example of testStateOf() runs under node --test and passes. */
const examples = suite('TestState examples');

const root = fileURLToPath(new URL('../../', import.meta.url));

examples('examples/test-state.test.mjs passes under node --test', () => {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx/esm', '--import', './test/package/statemill-from-source.mjs', '--test', '--test-reporter=tap', 'examples/test-state.test.mjs'],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /# pass 4\b/);
  assert.match(r.stdout, /# fail 0\b/);
});

examples.run();
