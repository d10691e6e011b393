import { availableParallelism } from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clusterLayout, OptionsError, parseBenchOptions, parseDuration } from '../../bench/options.js';

function rejects(parse: () => unknown): void {
  assert.throws(parse, (error: unknown) => error instanceof OptionsError);
}

test('durations: ms, s, m and bare seconds', () => {
  assert.is(parseDuration('500ms'), 500);
  assert.is(parseDuration('10s'), 10_000);
  assert.is(parseDuration('2m'), 120_000);
  assert.is(parseDuration('1.5'), 1500);
  rejects(() => parseDuration('ten seconds'));
});

test('the configuration matrix from the command line', () => {
  const options = parseBenchOptions(['--workload', 'webhook-normalize', '--mode', 'pool', '--threads', '1,2', '--batch', '1,16,64', '--duration', '10s']);
  assert.equal(options.workloads, ['webhook-normalize']);
  assert.equal(options.modes, ['pool']);
  assert.equal(options.threads, [1, 2]);
  assert.equal(options.batch, [1, 16, 64]);
  assert.is(options.durationMs, 10_000);
});

test('--quick is short and uses the quick sizes', () => {
  const quick = parseBenchOptions(['--quick']);
  assert.is(quick.size, 'quick');
  assert.is(quick.durationMs, 1000);
  assert.is(quick.rounds, 5);
  assert.equal(quick.workloads, []);
});

test('a user workflow needs its handlers', () => {
  const options = parseBenchOptions(['--definition', 'my.asl.json', '--handlers', './handlers.js', '--input', 'sample.json']);
  assert.equal(options.custom, { definition: 'my.asl.json', handlers: './handlers.js', input: 'sample.json', expected: null, params: [] });
  rejects(() => parseBenchOptions(['--definition', 'my.asl.json']));
  rejects(() => parseBenchOptions(['--handlers', './handlers.js']));
  rejects(() => parseBenchOptions(['--definition', 'a.json', '--handlers', 'h.js', '--workload', 'order-processing']));
});

test('unknown options, scenarios and bad counts are errors', () => {
  rejects(() => parseBenchOptions(['--turbo']));
  rejects(() => parseBenchOptions(['--scenario', 'speed']));
  rejects(() => parseBenchOptions(['--threads', '0']));
  rejects(() => parseBenchOptions(['--batch', '1,x']));
  rejects(() => parseBenchOptions(['--size', 'huge']));
});

test('"all" selects every scenario and mode', () => {
  const options = parseBenchOptions(['--scenario', 'all', '--mode', 'all']);
  assert.equal(options.scenarios, ['throughput', 'latency', 'fanout', 'retry', 'micro']);
  assert.equal(options.modes, ['inproc', 'pool', 'sharded']);
});

test('--cluster: one total thread count shared evenly over --workers, one batch size, defaults of the cluster', () => {
  const options = parseBenchOptions(['--cluster', '--workers', '2', '--threads', '4', '--worker-concurrency', '6']);
  assert.equal(options.cluster, { workers: 2, workerConcurrency: 6 });
  assert.equal(clusterLayout(options, options.cluster!), { threads: 4, threadsEach: 2, batch: 256 });
  const defaults = parseBenchOptions(['--cluster', '--threads', '2']);
  assert.equal(defaults.cluster, { workers: 2, workerConcurrency: null });
  assert.equal(defaults.batch, [256]);
  assert.is(parseBenchOptions([]).cluster, null);
  // Without --threads: the cores rounded down to a multiple of --workers, one thread per worker at least.
  for (const workers of [1, 2, 3, availableParallelism() + 1]) {
    const options = parseBenchOptions(['--cluster', '--workers', String(workers)]);
    const threads = options.threads[0]!;
    assert.is(threads, Math.max(1, Math.floor(availableParallelism() / workers)) * workers, `--workers ${workers}`);
    assert.is(clusterLayout(options, options.cluster!).threadsEach, threads / workers);
  }
});

const clusterMisuse: { argv: string[]; names: RegExp }[] = [
  { argv: ['--workers', '2'], names: /--workers goes with --cluster/ },
  { argv: ['--worker-concurrency', '2'], names: /--worker-concurrency goes with --cluster/ },
  { argv: ['--cluster', '--workers', '0', '--threads', '2'], names: /--workers takes positive whole numbers/ },
  { argv: ['--cluster', '--workers', '2', '--threads', '3'], names: /--threads \(3\) must be a multiple of --workers \(2\)/ },
  { argv: ['--cluster', '--threads', '1,2'], names: /--threads takes one number with --cluster/ },
  { argv: ['--cluster', '--threads', '2', '--batch', '16,64'], names: /--batch takes one number with --cluster/ },
  { argv: ['--cluster', '--threads', '2', '--mode', 'pool'], names: /--mode does not go with it/ },
  { argv: ['--cluster', '--threads', '2', '--scenario', 'latency'], names: /--scenario does not go with it/ },
  { argv: ['--cluster', '--threads', '2', '--media', 'ffmpeg'], names: /--media does not go with it/ },
];

// Each was accepted before (0/s rates, an internal error at createPool) or named no option.
const valueMisuse: { argv: string[]; names: RegExp }[] = [
  { argv: ['--duration', '0'], names: /--duration '0' leaves under 1 ms for each of --rounds 3/ },
  { argv: ['--duration', '0ms', '--rounds', '1'], names: /--duration '0ms' leaves under 1 ms/ },
  { argv: ['--duration', '5ms', '--rounds', '10'], names: /--duration '5ms' leaves under 1 ms for each of --rounds 10/ },
  { argv: ['--duration=-1'], names: /--duration takes a duration .*not '-1'/ },
  { argv: ['--warmup=-5'], names: /--warmup takes a duration .*not '-5'/ },
  { argv: ['--threads', '2000', '--mode', 'pool'], names: /--threads takes numbers up to 1024, not '2000'/ },
  { argv: ['--threads', '1,1025'], names: /--threads takes numbers up to 1024, not '1025'/ },
  { argv: ['--cluster', '--workers', '1', '--threads', '4096'], names: /--threads takes numbers up to 1024/ },
  // The fan-out scenario is documented for Maps of 10 to 10,000 items (--help, bench/README.md).
  { argv: ['--fanout-items', '9'], names: /--fanout-items takes whole numbers from 10, not '9'/ },
  { argv: ['--fanout-items', '10,1'], names: /--fanout-items takes whole numbers from 10, not '1'/ },
  { argv: ['--fanout-items', '0'], names: /--fanout-items takes whole numbers from 10, not '0'/ },
  { argv: ['--fanout-items', '10001'], names: /--fanout-items takes numbers up to 10000, not '10001'/ },
  { argv: ['--fanout-items', '100,'], names: /--fanout-items takes whole numbers from 10, not ''/ },
  { argv: ['--seed=-1'], names: /--seed takes whole numbers from 0, not '-1'/ },
  { argv: ['--seed', ''], names: /--seed takes whole numbers from 0, not ''/ },
  { argv: ['--seed', '1.5'], names: /--seed takes whole numbers from 0, not '1.5'/ },
  // The generators mix a seed as 32 bits: 2³² would repeat seed 0's inputs.
  { argv: ['--seed', '4294967296'], names: /--seed takes numbers up to 4294967295, not '4294967296'/ },
];

for (const { argv, names } of valueMisuse) {
  test(`an out-of-range value is a usage error naming the option: ${argv.join(' ')}`, () => {
    assert.throws(
      () => parseBenchOptions(argv),
      (error: unknown) => error instanceof OptionsError && names.test(error.message),
    );
  });
}

test('the smallest measurable duration, the most threads and the ends of the fan-out and seed ranges are accepted', () => {
  assert.is(parseBenchOptions(['--duration', '3ms', '--rounds', '3']).durationMs, 3);
  assert.equal(parseBenchOptions(['--fanout-items', '10,10000']).fanoutItems, [10, 10_000]);
  // 0 is a seed like any other (refused before), not "no seed".
  assert.is(parseBenchOptions(['--seed', '0']).seed, 0);
  assert.is(parseBenchOptions(['--seed', '4294967295']).seed, 4_294_967_295);
  assert.is(parseBenchOptions(['--warmup', '0']).warmupMs, 0);
  assert.equal(parseBenchOptions(['--threads', '1024']).threads, [1024]);
});

for (const { argv, names } of clusterMisuse) {
  test(`--cluster misuse is a usage error naming the option: ${argv.join(' ')}`, () => {
    assert.throws(
      () => parseBenchOptions(argv),
      (error: unknown) => error instanceof OptionsError && names.test(error.message),
    );
  });
}

test.run();
