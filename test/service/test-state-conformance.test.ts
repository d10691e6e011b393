import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { reportMissingCorpus } from '../conformance/runner.js';
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
  const passing = new Set(outcomes.filter((o) => o.passed).map((o) => o.name));
  console.log(`\n  TestState conformance: ${passing.size}/${outcomes.length} cases pass`);
  if (process.env.STATEMILL_CONFORMANCE_VERBOSE === '1') for (const o of outcomes) if (!o.passed) console.log(`  FAIL ${o.name}: ${o.detail}`);
  if (process.env.STATEMILL_UPDATE_CONFORMANCE === '1') writeFileSync(floorFile, [...passing].sort().join('\n') + '\n');
  // The floor counts only the cases present: STATEMILL_TESTSTATE_DIR may name another set of cases.
  const present = new Set(outcomes.map((o) => o.name));
  const floor = readFileSync(floorFile, 'utf8')
    .split('\n')
    .filter((name) => name !== '' && present.has(name));
  const regressed = outcomes.filter((o) => !o.passed && floor.includes(o.name));
  assert.equal(
    regressed.map((o) => `${o.name}: ${o.detail}`),
    [],
    'cases that passed before fail now',
  );
  assert.ok(passing.size >= floor.length, `${passing.size} passing, floor ${floor.length}`);
});

test.run();
