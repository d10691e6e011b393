import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { examples, missingLines } from './examples.js';

/**
 * Every example in examples/ runs against the source tree (no build needed: `statemill`
 * resolves to src/index.ts) and prints what the README says it prints.
 */
const runnable = suite('examples');

const root = fileURLToPath(new URL('../../', import.meta.url));

for (const example of examples) {
  runnable(`examples/${example.file} runs`, () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx/esm', '--import', './test/package/statemill-from-source.mjs', `examples/${example.file}`], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.is(r.status, 0, r.stderr);
    assert.equal(missingLines(r.stdout, example.lines), [], r.stdout);
  });
}

runnable.run();
