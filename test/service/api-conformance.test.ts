import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertFloorHolds, passingNames, reportMissingCorpus } from '../conformance/runner.js';
import { apiCasesDir, loadApiCases, runApiCase, type ApiOutcome } from './api-runner.js';

/**
 * The AWS-recorded API call sequences of ../shared/conformance-api replayed against
 * createService(): every case in api-passing.txt must keep passing (the floor only goes up),
 * and at least 95% of all cases must pass. `STATEMILL_UPDATE_CONFORMANCE=1` rewrites the list.
 */
const floorFile = join(import.meta.dirname, 'api-passing.txt');
const cases = loadApiCases();

test('API call sequences recorded against AWS keep passing', async () => {
  if (cases.length === 0) {
    reportMissingCorpus('AWS-recorded API call sequences', apiCasesDir, 'STATEMILL_CONFORMANCE_API_DIR');
    assert.not.ok(process.env.CI, `the AWS-recorded API call sequences were not found at ${apiCasesDir}; CI must run them`);
    return;
  }
  const outcomes: ApiOutcome[] = [];
  for (const c of cases) outcomes.push(await runApiCase(c));
  const passing = passingNames(outcomes);
  console.log(`  conformance-api: ${passing.size}/${outcomes.length} cases pass`);
  for (const o of outcomes) if (!o.passed) console.log(`    ✘ ${o.name}: ${o.detail.slice(0, 300)}`);
  // The floor lists the shared corpus only: another directory's cases are not written into it, and a corpus given by
  // STATEMILL_CONFORMANCE_API_DIR (e.g. a held-out set) is held to its own cases only.
  assertFloorHolds(outcomes, passing, floorFile, { presentOnly: true, mayRewrite: process.env.STATEMILL_CONFORMANCE_API_DIR === undefined });
  assert.ok(passing.size >= Math.ceil(outcomes.length * 0.95), `${passing.size}/${outcomes.length} pass; at least 95% must`);
});

test.run();
