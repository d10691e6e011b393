/**
 * statemill's worker pool as a benchmark subject, and its sharded load mode (each worker
 * generates its own inputs and runs executions itself, sending back only counts and a
 * latency histogram).
 */
import { createPool, type Pool } from '../../src/pool/index.js';
import type { Histogram } from '../histogram.js';
import { outcomeOf } from '../outcome.js';
import type { BenchWorkflow } from '../workflow.js';
import type { Subject } from './subject.js';

/** A payload limit no execution reaches, as a number (the limit travels to workers as JSON). */
export const NO_PAYLOAD_LIMIT = 2 ** 40;

export interface PoolSettings {
  readonly threads: number;
  readonly batch: number;
  /** Spread Map iterations over the workers (the fan-out scenario). */
  readonly mapFanOut?: boolean;
  readonly unlimitedPayloads?: boolean;
}

function openPool(workflow: BenchWorkflow, settings: PoolSettings): Pool | string {
  if (workflow.handlersModule === null) return 'the handlers are not in a module that worker threads can load';
  const pool = createPool({ threads: settings.threads, batch: settings.batch, maxQueue: 100_000 });
  pool.register(workflow.name, {
    definition: workflow.definition,
    handlers: workflow.handlersModule,
    options: { clock: 'virtual', ...(settings.unlimitedPayloads === true ? { limits: { payloadBytes: NO_PAYLOAD_LIMIT } } : {}) },
    mapFanOut: settings.mapFanOut === true,
  });
  return pool;
}

export async function poolSubject(workflow: BenchWorkflow, settings: PoolSettings): Promise<Subject | string> {
  const pool = openPool(workflow, settings);
  if (typeof pool === 'string') return pool;
  const id = workflow.name;
  return {
    engine: 'statemill-pool',
    note: `${settings.threads} threads, batch ${settings.batch}, virtual clock`,
    run: (input) => pool.execute(id, input),
    outcome: async (input) => outcomeOf(await pool.execute(id, input)),
    close: () => pool.close(),
  };
}

export interface ShardedRun {
  readonly executions: number;
  readonly failed: number;
  readonly elapsedMs: number;
  readonly perSecond: number;
  /** Latency histogram in microseconds. */
  readonly histogram: Histogram;
}

/**
 * The sharded load mode: every worker generates and runs its own executions for `durationMs`,
 * after a warm-up run of `warmupMs` on the same workers (thread start-up and JIT excluded).
 */
export async function shardedLoad(
  workflow: BenchWorkflow,
  threads: number,
  durationMs: number,
  warmupMs: number,
  concurrency: number,
): Promise<ShardedRun | string> {
  if (workflow.generator === null) return 'the workflow has no input generator that workers can import';
  const pool = openPool(workflow, { threads, batch: 1 });
  if (typeof pool === 'string') return pool;
  const generator = workflow.generator;
  const run = (ms: number) =>
    pool.load(workflow.name, {
      generator: generator.module,
      generatorExport: 'generateInput',
      generatorOptions: generator.options,
      seed: generator.seed,
      durationMs: ms,
      concurrency,
    });
  try {
    if (warmupMs > 0) await run(warmupMs);
    const result = await run(durationMs);
    return {
      executions: result.executions,
      failed: result.failed + result.timedOut + result.aborted,
      elapsedMs: result.elapsedMs,
      perSecond: result.throughput,
      histogram: result.histogram,
    };
  } finally {
    await pool.close();
  }
}
