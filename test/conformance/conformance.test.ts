import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertFloorHolds, conformanceDir, loadCases, passingNames, runCase, sharedConformanceDir, type CaseOutcome } from './runner.js';

/**
 * The AWS-recorded cases: every case listed in passing.txt must keep passing (the floor
 * only goes up). `STATEMILL_UPDATE_CONFORMANCE=1 npm test` rewrites the list.
 * `STATEMILL_CONFORMANCE_DIR` naming another folder (e.g. a held-out set) holds the floor
 * for the cases that folder has, never rewrites it, and wants at least 95% of its cases.
 */
const floorFile = join(import.meta.dirname, 'passing.txt');
const cases = loadCases();

test('conformance cases recorded against AWS keep passing', async () => {
  if (cases.length === 0) {
    // A CI run must run them: an absent corpus there is a broken set-up, not a pass.
    assert.not.ok(
      process.env.CI,
      `the AWS-recorded conformance cases were not found at ${conformanceDir}; CI must run them (copy shared/ beside the clone or set STATEMILL_CONFORMANCE_DIR)`,
    );
    return;
  }
  const outcomes: CaseOutcome[] = [];
  for (const c of cases) outcomes.push(await runCase(c));
  report(outcomes);
  const passing = passingNames(outcomes);
  if (conformanceDir === sharedConformanceDir) {
    assertFloorHolds(outcomes, passing, floorFile);
    return;
  }
  assertFloorHolds(outcomes, passing, floorFile, { presentOnly: true, mayRewrite: false });
  assert.ok(passing.size >= Math.ceil(outcomes.length * 0.95), `${passing.size}/${outcomes.length} pass; at least 95% must`);
});

function report(outcomes: CaseOutcome[]) {
  const byFeature = new Map<string, { pass: number; total: number }>();
  for (const o of outcomes) {
    for (const f of o.features) {
      const entry = byFeature.get(f) ?? { pass: 0, total: 0 };
      entry.total++;
      if (o.passed) entry.pass++;
      byFeature.set(f, entry);
    }
  }
  const passed = outcomes.filter((o) => o.passed).length;
  console.log(`\n  conformance: ${passed}/${outcomes.length} cases pass`);
  const lines = [...byFeature.entries()]
    .filter(([f]) => !f.includes(':') || f.startsWith('Result:'))
    .sort((a, b) => b[1].total - a[1].total)
    .map(([f, e]) => `${f} ${e.pass}/${e.total}`);
  console.log(`  by feature: ${lines.join(', ')}`);
  if (process.env.STATEMILL_CONFORMANCE_VERBOSE === '1') {
    for (const o of outcomes) if (!o.passed) console.log(`  FAIL ${o.name}: ${o.detail}`);
  }
}

test.run();
