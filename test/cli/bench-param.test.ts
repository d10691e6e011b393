import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { BenchReport } from '../../bench/report/types.js';
import { runBenchCommand as bench } from '../support/bench-command.js';
import { cli, fixtures } from './run-cli.js';

/** `statemill bench --param Name=Value`: a definition template benchmarked as `statemill run` runs it. */
const params = suite('cli bench --param');

const fixture = (name: string) => join(fixtures, name);
const greeting = ['--definition', fixture('bench-greeting.asl.json'), '--handlers', fixture('bench-greeting-handlers.mjs')];
const short = ['--input', fixture('bench-greeting-inputs.json'), '--duration', '100ms', '--warmup', '0ms', '--rounds', '1', '--concurrency', '1'];
const quiet = ['--scenario', 'throughput', '--no-peer', '--no-save', '--json'];
const filled = ['--param', 'GreetFunction=greet', '--param', 'Stage=dev', '--param', 'RetrySeconds=1'];

params('the placeholders are filled: the answers match the expected outcome, which needs Stage=dev', async () => {
  const r = await bench([...greeting, ...filled, '--expected', fixture('bench-greeting-expected.json'), ...short, ...quiet]);
  assert.is(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as BenchReport;
  assert.is(report.verification.find((v) => v.engine === 'statemill')!.matched, 1);
  assert.equal(
    report.options.custom!.params,
    filled.filter((_, n) => n % 2 === 1),
    'the results file records the --param values',
  );
});

params('a placeholder no --param fills is the error `statemill run` gives (exit 3)', async () => {
  const r = await bench([...greeting, '--param', 'GreetFunction=greet', '--param', 'Stage=dev', ...short, ...quiet]);
  const run = await cli(['run', 'bench-greeting.asl.json', '--param', 'GreetFunction=greet', '--param', 'Stage=dev']);
  assert.is(r.code, 3, r.stderr);
  assert.is(run.code, 3, run.stderr);
  for (const stderr of [r.stderr, run.stderr]) {
    assert.ok(stderr.includes('[ERR_CLI_JSON_SYNTAX]') && stderr.includes('placeholders nothing fills: ${RetrySeconds};'), stderr);
  }
});

params('a --param without = is the usage error `statemill run` gives (exit 2)', async () => {
  const r = await bench([...greeting, '--param', 'Stage', ...short, ...quiet]);
  const run = await cli(['run', 'bench-greeting.asl.json', '--param', 'Stage']);
  assert.is(r.code, 2, r.stderr);
  assert.is(run.code, 2, run.stderr);
  const reason = "--param takes Name=Value (e.g. --param Stage=dev), not 'Stage'  [ERR_CLI_USAGE]";
  assert.ok(r.stderr.includes(reason) && run.stderr.includes(reason), r.stderr + run.stderr);
});

params('--param goes with --definition (the built-in workloads have no placeholders)', async () => {
  const r = await bench(['--workload', 'webhook-normalize', '--param', 'Stage=dev', ...quiet]);
  assert.is(r.code, 2, r.stderr);
  assert.ok(r.stderr.includes('--param go with --definition') && r.stderr.includes('[ERR_CLI_USAGE]'), r.stderr);
});

params.run();
