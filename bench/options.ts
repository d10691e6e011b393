/**
 * `statemill bench` options: parsed from the command line into one plain object that the
 * scenarios read and the results file records.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { CliError } from '../src/cli/cli-error.js';
import { parseParams } from '../src/cli/params.js';
import { MAX_THREADS } from '../src/pool/checks.js';
import type { CustomWorkflowFiles, Size } from './workflow.js';

export const ScenarioNames = ['throughput', 'latency', 'fanout', 'retry', 'micro'] as const;
export type ScenarioName = (typeof ScenarioNames)[number];
export const ModeNames = ['inproc', 'pool', 'sharded'] as const;
/** How an engine ran: the modes `--mode` picks, and the cluster that `--cluster` sets beside the pool. */
export type ModeName = (typeof ModeNames)[number] | 'cluster';

/** `--cluster`: Redis and worker processes on this machine against the pool at the same total thread count. */
export interface ClusterBenchOptions {
  /** Worker processes, each standing for a host with threads ÷ workers threads. */
  readonly workers: number;
  /** Batches each worker process runs at once; null: the worker's default. */
  readonly workerConcurrency: number | null;
}

export interface BenchOptions {
  readonly help: boolean;
  readonly quick: boolean;
  /** Built-in workloads by name; empty with `custom` set. */
  readonly workloads: readonly string[];
  readonly custom: CustomWorkflowFiles | null;
  readonly scenarios: readonly ScenarioName[];
  readonly modes: readonly ModeName[];
  readonly size: Size;
  /** Time measured per configuration (split over `rounds`). */
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly rounds: number;
  /** In-process executions in flight; 1 is sequential. */
  readonly concurrency: readonly number[];
  readonly threads: readonly number[];
  readonly batch: readonly number[];
  /** Executions the main thread keeps in flight against the pool; null: threads × batch × 3. */
  readonly poolConcurrency: number | null;
  /** Open-loop target rate per second; null: half the measured sequential throughput. */
  readonly rate: number | null;
  readonly fanoutItems: readonly number[];
  readonly seed: number;
  /** Distinct generated inputs per workload, cycled through while timing. */
  readonly inputs: number;
  readonly peer: boolean;
  readonly jsonata: boolean;
  readonly json: boolean;
  readonly save: boolean;
  readonly outDir: string;
  readonly label: string | null;
  /** Recorded beside every figure: what else the machine was doing. */
  readonly note: string | null;
  /** 'ffmpeg': transcode a generated video for real instead (bench/media/run.ts); null otherwise. */
  readonly media: 'ffmpeg' | null;
  /** The pool against the cluster instead (bench/cluster/run.ts); null otherwise. */
  readonly cluster: ClusterBenchOptions | null;
}

export class OptionsError extends Error {
  override readonly name = 'OptionsError';
}

export const HELP = `Usage: statemill bench [options]

Benchmarks workflows: verifies every engine's answers first, then times them, and prints
a summary table. Each run writes a JSON file and a Markdown report to results/.

Workflows
  --workload <names>      built-in workloads, comma-separated, or "all" (default: all)
                          webhook-normalize, order-processing, account-opening, video-transcode
  --definition <file>     your own workflow definition (ASL JSON) instead of the built-ins
  --handlers <file>       module exporting \`handlers\` (Resource -> function) for --definition
  --input <file>          input for --definition: one JSON value, or {"inputs": [...]}
  --param <Name=Value>    (repeatable) a template parameter or \${Name} placeholder of
                          --definition, as in statemill run
  --expected <file>       expected outcome(s) for --definition: {"status","output"|"error","cause"},
                          or {"outcomes": [...]} (default: statemill's own answers, cross-checked)
  --size <quick|standard> generated input sizes (default: standard; quick with --quick)
  --inputs <n>            distinct generated inputs per workload (default 64)
  --seed <n>              generator seed, 0 to 4294967295 (default 1)
  --jsonata               also run the JSONata twins of workloads that have one
  --media ffmpeg          video-transcode on real media: a generated video transcoded with
                          ffmpeg in-process and through the pool (needs ffmpeg on the PATH;
                          uses --threads, --rounds, --json; --quick: a 15 s video)

What to measure
  --quick                 short run of the built-in workloads (one to two minutes on 2 cores)
  --scenario <names>      throughput, latency, fanout, retry, micro (comma-separated, or "all")
  --mode <names>          inproc, pool, sharded (comma-separated, or "all"; default inproc)
  --duration <time>       measured time per configuration, e.g. 10s, 500ms (default 3s; quick 1s)
  --warmup <time>         warm-up per configuration (default 500ms)
  --rounds <n>            split each measurement into n interleaved rounds (default 3; quick 5)
  --concurrency <list>    in-process executions in flight (default 1,16)
  --threads <list>        pool threads (default 1,2)
  --batch <list>          pool batch sizes (default 1,16,64)
  --pool-concurrency <n>  executions in flight against the pool (default threads × batch × 3,
                          enough to keep every worker's batches full)
  --rate <n>              open-loop target executions/s (default: half the sequential rate)
  --fanout-items <list>   Map sizes for the fan-out scenario, each 10 to 10000
                          (default 10,100,1000,10000)
  --no-peer               skip aws-local-stepfunctions

The cluster (needs redis-server on the PATH, or STATEMILL_REDIS_SERVER)
  --cluster               start Redis (free loopback port, temporary directory) and
                          --workers \`statemill worker\` processes on this machine, each
                          standing for a host, and compare them with the pool at the
                          same total thread count, in interleaved rounds: executions/s,
                          p50 and p99 per workload (uses --workload, --threads: one
                          total, default the number of cores rounded down to a multiple
                          of --workers, at least --workers; --batch: one size,
                          default 256; --duration, --warmup, --rounds, --inputs, --pool-concurrency)
  --workers <n>           worker processes for --cluster (default 2); threads are shared out evenly
  --worker-concurrency <n>
                          batches each worker process runs at once (default 3 per thread)

Output
  --json                  print the results as JSON instead of the table
  --out <dir>             where to write results (default results/)
  --label <name>          name of the results files (default: bench-<timestamp>)
  --note <text>           what else the machine was doing (recorded beside the figures)
  --no-save               write no files
  -h, --help              show this help
`;

/** "10s", "500ms", "2m", or a number of seconds; `option` names it in the error. */
export function parseDuration(text: string, option = 'duration'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (match === null) throw new OptionsError(`--${option} takes a duration (examples: 10s, 500ms, 2m), not '${text}'`);
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  return unit === 'ms' ? value : unit === 's' ? value * 1000 : value * 60_000;
}

/** A whole number from `min` to `max`; the usage error names the option and the range. */
function parseWhole(text: string, name: string, min: number, max: number): number {
  const value = text.trim() === '' ? NaN : Number(text);
  if (!Number.isInteger(value) || value < min) {
    throw new OptionsError(`--${name} takes ${min === 1 ? 'positive whole numbers' : `whole numbers from ${min}`}, not '${text}'`);
  }
  if (value > max) throw new OptionsError(`--${name} takes numbers up to ${max}, not '${text}'`);
  return value;
}

function parseCount(text: string, name: string, max = Number.MAX_SAFE_INTEGER): number {
  return parseWhole(text, name, 1, max);
}

function parseCounts(text: string, name: string, max?: number): number[] {
  return text.split(',').map((part) => parseCount(part.trim(), name, max));
}

/** The Map sizes the fan-out scenario is built for (bench/README.md). */
const FANOUT_ITEMS = { min: 10, max: 10_000 } as const;

/** Seeds as the input generators use them: 32-bit, so a larger one would repeat a smaller one's inputs. */
const MAX_SEED = 0xffff_ffff;

/** Measured time per configuration: more than nothing, and at least 1 ms for each round, or the rates are 0/s. */
function measuredMs(text: string, rounds: number): number {
  const durationMs = parseDuration(text, 'duration');
  if (durationMs < rounds) throw new OptionsError(`--duration '${text}' leaves under 1 ms for each of --rounds ${rounds}: nothing would be measured`);
  return durationMs;
}

function parseNames<T extends string>(text: string, allowed: readonly T[], name: string): T[] {
  if (text.trim() === 'all') return [...allowed];
  return text.split(',').map((part) => {
    const value = part.trim() as T;
    if (!allowed.includes(value)) throw new OptionsError(`--${name}: '${part}' is not one of ${allowed.join(', ')}`);
    return value;
  });
}

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        quick: { type: 'boolean' },
        workload: { type: 'string' },
        definition: { type: 'string' },
        handlers: { type: 'string' },
        input: { type: 'string' },
        param: { type: 'string', multiple: true },
        expected: { type: 'string' },
        size: { type: 'string' },
        inputs: { type: 'string' },
        seed: { type: 'string' },
        jsonata: { type: 'boolean' },
        scenario: { type: 'string' },
        mode: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        rounds: { type: 'string' },
        concurrency: { type: 'string' },
        threads: { type: 'string' },
        batch: { type: 'string' },
        'pool-concurrency': { type: 'string' },
        rate: { type: 'string' },
        'fanout-items': { type: 'string' },
        'no-peer': { type: 'boolean' },
        json: { type: 'boolean' },
        out: { type: 'string' },
        label: { type: 'string' },
        note: { type: 'string' },
        'no-save': { type: 'boolean' },
        media: { type: 'string' },
        cluster: { type: 'boolean' },
        workers: { type: 'string' },
        'worker-concurrency': { type: 'string' },
      },
    }).values;
  } catch (error) {
    throw new OptionsError((error as Error).message);
  }
  const quick = parsed.quick === true;
  if (parsed.definition !== undefined && parsed.handlers === undefined) throw new OptionsError('--definition needs --handlers');
  if (parsed.definition === undefined && (parsed.handlers !== undefined || parsed.input !== undefined || parsed.param !== undefined)) {
    throw new OptionsError('--handlers, --input and --param go with --definition');
  }
  const params = checkedParams(parsed.param ?? []);
  if (parsed.definition !== undefined && parsed.workload !== undefined) throw new OptionsError('use either --workload or --definition');
  const size = parsed.size ?? (quick ? 'quick' : 'standard');
  if (size !== 'quick' && size !== 'standard') throw new OptionsError(`--size is quick or standard, not '${size}'`);
  if (parsed.media !== undefined) {
    if (parsed.media !== 'ffmpeg') throw new OptionsError(`--media takes 'ffmpeg', not '${parsed.media}'`);
    if (parsed.definition !== undefined || (parsed.workload !== undefined && parsed.workload !== 'video-transcode')) {
      throw new OptionsError('--media ffmpeg goes with --workload video-transcode');
    }
  }
  const cluster = clusterOptions(parsed);
  const rounds = parsed.rounds === undefined ? (quick ? 5 : 3) : parseCount(parsed.rounds, 'rounds');
  const defaultScenarios: ScenarioName[] = quick ? ['throughput', 'retry'] : ['throughput', 'latency', 'retry'];
  const options: BenchOptions = {
    help: parsed.help === true,
    quick,
    workloads: parsed.workload === undefined || parsed.workload === 'all' ? [] : parsed.workload.split(',').map((name) => name.trim()),
    custom:
      parsed.definition === undefined
        ? null
        : { definition: parsed.definition, handlers: parsed.handlers!, input: parsed.input ?? null, expected: parsed.expected ?? null, params },
    scenarios: parsed.scenario === undefined ? defaultScenarios : parseNames(parsed.scenario, ScenarioNames, 'scenario'),
    modes: parsed.mode === undefined ? ['inproc'] : parseNames(parsed.mode, ModeNames, 'mode'),
    size,
    durationMs: parsed.duration === undefined ? (quick ? 1000 : 3000) : measuredMs(parsed.duration, rounds),
    warmupMs: parsed.warmup === undefined ? 500 : parseDuration(parsed.warmup, 'warmup'),
    rounds,
    concurrency: parsed.concurrency === undefined ? [1, 16] : parseCounts(parsed.concurrency, 'concurrency'),
    threads:
      parsed.threads === undefined ? (cluster === null ? [1, 2] : [clusterThreads(cluster.workers)]) : parseCounts(parsed.threads, 'threads', MAX_THREADS),
    batch: parsed.batch === undefined ? (cluster === null ? [1, 16, 64] : [256]) : parseCounts(parsed.batch, 'batch'),
    poolConcurrency: parsed['pool-concurrency'] === undefined ? null : parseCount(parsed['pool-concurrency'], 'pool-concurrency'),
    rate: parsed.rate === undefined ? null : parseCount(parsed.rate, 'rate'),
    fanoutItems:
      parsed['fanout-items'] === undefined
        ? [10, 100, 1000, 10_000]
        : parsed['fanout-items'].split(',').map((part) => parseWhole(part.trim(), 'fanout-items', FANOUT_ITEMS.min, FANOUT_ITEMS.max)),
    seed: parsed.seed === undefined ? 1 : parseWhole(parsed.seed, 'seed', 0, MAX_SEED),
    inputs: parsed.inputs === undefined ? 64 : parseCount(parsed.inputs, 'inputs'),
    peer: parsed['no-peer'] !== true,
    jsonata: parsed.jsonata === true,
    json: parsed.json === true,
    save: parsed['no-save'] !== true,
    outDir: parsed.out ?? 'results',
    label: parsed.label ?? null,
    note: parsed.note ?? null,
    media: parsed.media === undefined ? null : 'ffmpeg',
    cluster,
  };
  if (cluster !== null) clusterLayout(options, cluster);
  return options;
}

/** --param values as given (the results file records them), checked as `statemill run` checks them: a malformed one is the same usage error. */
function checkedParams(texts: readonly string[]): readonly string[] {
  try {
    parseParams(texts);
    return texts;
  } catch (error) {
    if (error instanceof CliError) throw new OptionsError(error.message);
    throw error;
  }
}

/** --cluster and what goes with it (the thread count's fit to the workers: clusterLayout). */
function clusterOptions(parsed: Record<string, string | boolean | readonly string[] | undefined>): ClusterBenchOptions | null {
  if (parsed.cluster !== true) {
    for (const name of ['workers', 'worker-concurrency']) if (parsed[name] !== undefined) throw new OptionsError(`--${name} goes with --cluster`);
    return null;
  }
  for (const name of ['mode', 'scenario', 'media'])
    if (parsed[name] !== undefined) throw new OptionsError(`--cluster measures throughput of the pool and the cluster; --${name} does not go with it`);
  for (const name of ['threads', 'batch']) {
    const text = parsed[name];
    if (typeof text === 'string' && text.includes(',')) throw new OptionsError(`--${name} takes one number with --cluster, not '${text}'`);
  }
  const workerConcurrency = parsed['worker-concurrency'];
  return {
    workers: parsed.workers === undefined ? 2 : parseCount(parsed.workers as string, 'workers'),
    workerConcurrency: workerConcurrency === undefined ? null : parseCount(workerConcurrency as string, 'worker-concurrency'),
  };
}

/**
 * --cluster's default total: the cores, rounded down to a multiple of `workers` so that each
 * worker process gets the same share, and at least one thread per worker (a machine with
 * fewer cores than workers, or a process confined to fewer, still runs the README's example).
 */
function clusterThreads(workers: number): number {
  return Math.max(1, Math.floor(availableParallelism() / workers)) * workers;
}

/** Threads per worker process: the total (`--threads`) shared out evenly over `--workers`. */
export function clusterLayout(options: BenchOptions, cluster: ClusterBenchOptions): { threads: number; threadsEach: number; batch: number } {
  const threads = options.threads[0]!;
  if (threads % cluster.workers !== 0) {
    throw new OptionsError(`--threads (${threads}) must be a multiple of --workers (${cluster.workers}): each worker process gets the same share`);
  }
  return { threads, threadsEach: threads / cluster.workers, batch: options.batch[0]! };
}
