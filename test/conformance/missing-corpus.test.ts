import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

/** A clone without ../shared says plainly that no AWS-recorded case ran; CI fails on it. */
const missing = suite('conformance corpus missing');

const root = fileURLToPath(new URL('../../', import.meta.url));

function runConformance(ci: boolean) {
  const env: NodeJS.ProcessEnv = { ...process.env, STATEMILL_CONFORMANCE_DIR: '/nonexistent/statemill-conformance' };
  delete env.CI;
  if (ci) env.CI = 'true';
  const r = spawnSync(process.execPath, ['--import', 'tsx/esm', 'node_modules/uvu/bin.js', 'test', 'conformance/conformance\\.test\\.ts$'], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, output: r.stdout + r.stderr };
}

missing('outside CI: the run passes and says in one plain line that the cases were not found', () => {
  const r = runConformance(false);
  assert.is(r.status, 0, r.output);
  assert.match(r.output, /NOTE: the AWS-recorded conformance cases were not found at \/nonexistent\/statemill-conformance, so none of them ran\./);
});

missing('in CI (CI=true): the run fails, saying why', () => {
  const r = runConformance(true);
  assert.is(r.status, 1, r.output);
  assert.match(r.output, /conformance cases were not found at \/nonexistent\/statemill-conformance; CI must run them/);
});

missing.run();
