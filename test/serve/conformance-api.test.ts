import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { inProcessTarget, loadApiCases, runApiCase } from '../service/api-runner.js';
import { httpApiTarget } from './endpoint.js';

/**
 * The AWS-recorded API call sequences of ../shared/conformance-api, replayed over HTTP
 * through @aws-sdk/client-sfn: every case that passes in-process passes over the wire too.
 */
const replay = suite('serve: conformance-api over HTTP');

const cases = loadApiCases();

replay('every AWS-recorded call sequence that passes in-process passes over HTTP through the SDK', async () => {
  if (cases.length === 0) {
    console.log('  (skipped: ../shared/conformance-api/cases not found)');
    return;
  }
  const lost: string[] = [];
  let inProcess = 0;
  let overHttp = 0;
  for (const c of cases) {
    const local = await runApiCase(c, inProcessTarget);
    const remote = await runApiCase(c, httpApiTarget);
    if (local.passed) inProcess++;
    if (remote.passed) overHttp++;
    if (local.passed && !remote.passed) lost.push(`${c.name}: ${remote.detail}`);
  }
  console.log(`  conformance-api: ${overHttp}/${cases.length} over HTTP, ${inProcess}/${cases.length} in-process`);
  assert.equal(lost, [], 'cases that pass in-process but fail over HTTP');
});

replay.run();
