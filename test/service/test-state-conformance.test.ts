import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertFloorHolds, passingNames, reportMissingCorpus } from '../conformance/runner.js';
import { loadTestStateCases, runTestStateCase, testStateCasesDir, type TestStateCaseOutcome } from './test-state-runner.js';

/**
 * The AWS-recorded TestState cases: every case listed in test-state-passing.txt must keep
 * passing (the floor only goes up). `STATEMILL_UPDATE_CONFORMANCE=1` rewrites the list;
 * `STATEMILL_CONFORMANCE_VERBOSE=1` prints each failure and why. `STATEMILL_TESTSTATE_DIR`
 * runs the cases of another folder in the same format (the floor then holds for those of
 * its cases it lists).
 */
const floorFile = join(import.meta.dirname, 'test-state-passing.txt');
const cases = loadTestStateCases();

test('TestState cases recorded against AWS keep passing', async () => {
  if (cases === null) {
    reportMissingCorpus('AWS-recorded TestState cases', testStateCasesDir, 'STATEMILL_TESTSTATE_DIR');
    assert.not.ok(process.env.CI, `the AWS-recorded TestState cases were not found at ${testStateCasesDir}; CI must run them`);
    return;
  }
  const outcomes: TestStateCaseOutcome[] = [];
  for (const c of cases) outcomes.push(await runTestStateCase(c));
  const passing = passingNames(outcomes);
  console.log(`\n  TestState conformance: ${passing.size}/${outcomes.length} cases pass`);
  if (process.env.STATEMILL_CONFORMANCE_VERBOSE === '1') for (const o of outcomes) if (!o.passed) console.log(`  FAIL ${o.name}: ${o.detail}`);
  // The floor counts only the cases present: STATEMILL_TESTSTATE_DIR may name another set of cases.
  assertFloorHolds(outcomes, passing, floorFile, { presentOnly: true });
});

test.run();
