/**
 * Seeds of the input generators (`statemill bench --seed`, `pool.load({ seed })`): every seed
 * from 0 to 2³²−1 is a stream of its own, the same each time it is asked for, 0 included.
 */
import { isDeepStrictEqual } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { builtinWorkloads } from '../../workloads/index.js';
import { differences, runBoth } from './check-workload.js';

const INPUTS = 8;

for (const workload of builtinWorkloads) {
  const stream = (seed: number) => Array.from({ length: INPUTS }, (_, index) => workload.generateInput(seed, index, workload.sizes.quick));

  test(`${workload.name}: seed 0 is a stream of its own, the same each time, and the engine answers it as the baseline does`, async () => {
    assert.equal(stream(0), stream(0));
    for (const other of [1, 0xffff_ffff]) assert.not.ok(isDeepStrictEqual(stream(0), stream(other)), `seed 0 and seed ${other} gave the same inputs`);
    assert.equal(differences(await runBoth(workload, workload.sizes.quick, INPUTS, 0)), []);
  });
}

test.run();
