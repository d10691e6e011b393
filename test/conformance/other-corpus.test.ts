import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

/**
 * STATEMILL_CONFORMANCE_DIR naming another folder of cases (a held-out set, say): the run
 * is held to that folder's cases, not to the shared corpus's floor, and never rewrites it.
 */
const other = suite('conformance corpus in another folder');

const root = fileURLToPath(new URL('../../', import.meta.url));
const floorFile = join(root, 'test/conformance/passing.txt');

const passes = (name: string) => ({
  name,
  definition: { StartAt: 'Only', States: { Only: { Type: 'Pass', Result: { done: true }, End: true } } },
  input: {},
  expected: { status: 'SUCCEEDED', output: { done: true } },
  ignorePaths: [],
  features: ['Pass'],
});

const failsHere = (name: string) => ({ ...passes(name), expected: { status: 'SUCCEEDED', output: { done: false } } });

// A name the shared floor lists, so that a folder holding it is checked against the floor.
const floorName = readFileSync(floorFile, 'utf8').split('\n')[0]!;

function runOn(cases: object[], extraEnv: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'statemill-other-corpus-'));
  try {
    for (const c of cases) writeFileSync(join(dir, `${(c as { name: string }).name}.json`), JSON.stringify(c));
    const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv, STATEMILL_CONFORMANCE_DIR: dir };
    delete env.CI;
    const r = spawnSync(process.execPath, ['--import', 'tsx/esm', 'node_modules/uvu/bin.js', 'test', 'conformance/conformance\\.test\\.ts$'], {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: r.status, output: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const table: { title: string; cases: object[]; status: number; says: RegExp }[] = [
  {
    title: 'a folder whose cases all pass passes (the shared floor of 722 does not apply)',
    cases: [passes('held.a'), passes('held.b')],
    status: 0,
    says: /conformance: 2\/2 cases pass/,
  },
  { title: 'a folder below 95% passing fails, saying so', cases: [passes('held.a'), failsHere('held.b')], status: 1, says: /1\/2 pass; at least 95% must/ },
  { title: 'a floor case in the folder that fails is a regression', cases: [failsHere(floorName)], status: 1, says: /cases that passed before fail now/ },
];

for (const row of table) {
  other(row.title, () => {
    const r = runOn(row.cases);
    assert.is(r.status, row.status, r.output);
    assert.match(r.output, row.says);
  });
}

other('STATEMILL_UPDATE_CONFORMANCE=1 leaves the shared floor as it is', () => {
  const before = readFileSync(floorFile, 'utf8');
  const r = runOn([passes('held.a')], { STATEMILL_UPDATE_CONFORMANCE: '1' });
  assert.is(r.status, 0, r.output);
  assert.is(readFileSync(floorFile, 'utf8'), before);
});

other.run();
