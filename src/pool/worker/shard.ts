/**
 * Worker side of the sharded load mode: the worker makes its own inputs with the workload's
 * generator and runs them itself, keeping `concurrency` executions in flight, and sends back
 * only counts and a latency histogram. Nothing per execution crosses threads, so the
 * figure measures the engine on this core, not the main thread's messaging.
 */
import { threadId } from 'node:worker_threads';
import type { ExecutionResult } from '../../run/result.js';
import type { ProgressBoard } from '../board.js';
import { describeError, PoolError, PoolErrorCodes } from '../errors.js';
import { encodeHistogram, latencyHistogram } from '../latency.js';
import type { ShardReply, ShardTask } from '../protocol.js';
import type { CompiledWorkflow } from './workflows.js';

type Generator = (seed: number, index: number, options?: Readonly<Record<string, number | string | boolean>>) => unknown;

/** Launches between yields to the event loop, so timers (and virtual-clock sleeps) keep running. */
const LAUNCHES_PER_SLICE = 256;

export async function runShard(workflow: CompiledWorkflow, task: ShardTask, board: ProgressBoard): Promise<ShardReply> {
  const generate = await importGenerator(task);
  const machine = workflow.machine;
  const histogram = latencyHistogram();
  const options = task.generatorOptions ?? undefined;
  const counts = { SUCCEEDED: 0, FAILED: 0, TIMED_OUT: 0, ABORTED: 0 };
  const started = performance.now();
  const stopAt = started + task.durationMs;
  let index = 0;
  let inFlight = 0;
  let done = false;

  return new Promise<ShardReply>((resolve, reject) => {
    function finish(): void {
      if (done) return;
      done = true;
      resolve({
        threadId,
        succeeded: counts.SUCCEEDED,
        failed: counts.FAILED,
        timedOut: counts.TIMED_OUT,
        aborted: counts.ABORTED,
        elapsedMs: performance.now() - started,
        histogram: encodeHistogram(histogram),
      });
    }
    function launch(): void {
      let launched = 0;
      while (!done && inFlight < task.concurrency && index < task.executions && performance.now() < stopAt) {
        if (++launched > LAUNCHES_PER_SLICE) {
          setImmediate(launch);
          return;
        }
        let input: unknown;
        try {
          input = generate(task.seed, index++, options);
        } catch (thrown) {
          done = true;
          reject(new PoolError(PoolErrorCodes.INVALID_OPTION, `the input generator threw at index ${index - 1}: ${describeError(thrown)}`));
          return;
        }
        const began = performance.now();
        inFlight++;
        machine.execute(input).then((result: ExecutionResult) => {
          histogram.recordValue(Math.max(1, Math.round((performance.now() - began) * 1000)));
          counts[result.status]++;
          inFlight--;
          board.touch(task.slot);
          launch();
        });
      }
      if (inFlight === 0) finish();
    }
    launch();
  });
}

async function importGenerator(task: ShardTask): Promise<Generator> {
  const module = (await import(task.generator)) as Record<string, unknown>;
  const generate = module[task.generatorExport];
  if (typeof generate !== 'function') {
    throw new PoolError(PoolErrorCodes.INVALID_OPTION, `module ${task.generator} does not export a function named '${task.generatorExport}'`);
  }
  return generate as Generator;
}
