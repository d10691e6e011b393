/**
 * Micro-benchmarks with tinybench: compile and validate time per built-in workload, one
 * execution, a path evaluation and intrinsic calls. Each result is checked before timing.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { Bench } from 'tinybench';
import { compile, validate, virtualClock } from '../../src/index.js';
import { compileIntrinsic } from '../../src/compile/intrinsics/intrinsics.js';
import { compilePath } from '../../src/compile/jsonpath/paths.js';
import type { Frame } from '../../src/run/frame.js';
import { builtinWorkloads } from '../../workloads/index.js';
import { webhookNormalize } from '../../workloads/webhook-normalize/workload.js';
import type { Progress } from '../progress.js';
import type { MicroRecord } from '../report/types.js';

interface MicroCase {
  readonly name: string;
  readonly run: () => unknown;
  /** What `run` must return (checked once before timing); undefined: only that it does not throw. */
  readonly expected?: unknown;
}

/** Paths and intrinsics that read only the state input (`$…`) never touch the frame. */
const NO_FRAME = undefined as unknown as Frame;

function cases(): MicroCase[] {
  const list: MicroCase[] = [];
  for (const workload of builtinWorkloads) {
    list.push({ name: `validate ${workload.name}`, run: () => validate(workload.definition), expected: [] });
    list.push({ name: `compile ${workload.name}`, run: () => compile(workload.definition, { handlers: workload.handlers }) });
  }
  const input = webhookNormalize.generateInput(1, 2);
  const machine = compile(webhookNormalize.definition, { handlers: webhookNormalize.handlers, clock: virtualClock() });
  const expected = webhookNormalize.baseline(input);
  list.push({
    name: 'execute webhook-normalize (one execution)',
    run: () => machine.execute(input).then((result) => ({ status: result.status, output: result.output })),
    expected: expected.status === 'SUCCEEDED' ? { status: 'SUCCEEDED', output: expected.output } : undefined,
  });
  const document = { body: { repository: { full_name: 'statemill-demo/payments-api' }, commits: [1, 2, 3] }, verification: { deliveryId: 'd-1' } };
  const path = compilePath('$.body.repository.full_name');
  list.push({ name: 'path $.body.repository.full_name', run: () => path(document, NO_FRAME), expected: 'statemill-demo/payments-api' });
  const format = compileIntrinsic("States.Format('{} pushed {} commits', $.body.repository.full_name, States.ArrayLength($.body.commits))");
  list.push({ name: 'intrinsic States.Format + ArrayLength', run: () => format(document, NO_FRAME), expected: 'statemill-demo/payments-api pushed 3 commits' });
  const hash = compileIntrinsic("States.Hash(States.Format('github:{}', $.verification.deliveryId), 'SHA-256')");
  list.push({
    name: 'intrinsic States.Hash(States.Format)',
    run: () => hash(document, NO_FRAME),
    expected: createHash('sha256').update('github:d-1').digest('hex'),
  });
  return list;
}

export async function measureMicro(timeMs: number, progress: Progress): Promise<MicroRecord[]> {
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(200, timeMs / 2) });
  for (const entry of cases()) {
    const answer = await entry.run();
    if (entry.expected !== undefined && !isDeepStrictEqual(answer, entry.expected)) {
      throw new Error(`micro-benchmark '${entry.name}': expected ${JSON.stringify(entry.expected)}, got ${JSON.stringify(answer)}`);
    }
    bench.add(entry.name, entry.run);
  }
  progress.start(`micro-benchmarks (${bench.tasks.length} with tinybench)`);
  await bench.run();
  progress.done('done');
  const records: MicroRecord[] = [];
  for (const task of bench.tasks) {
    const result = task.result;
    if (result.state !== 'completed') continue;
    records.push({
      name: task.name,
      opsPerSecond: Math.round(result.throughput.mean),
      meanUs: Math.round(result.latency.mean * 1000 * 100) / 100,
      p99Us: Math.round(result.latency.p99 * 1000 * 100) / 100,
      samples: result.latency.samplesCount,
    });
  }
  return records;
}
