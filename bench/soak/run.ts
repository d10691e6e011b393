/**
 * The soak run: sustained load through a pool with faults injected at random, every outcome
 * checked against the fault its execution was given. bench/soak/soak.ts is the command line;
 * test/reliability/soak.test.ts runs a short one.
 *
 * Each execution's fault comes from a hash of (seed, index), so a run is reproducible and the
 * main thread knows what every execution must end with. A fault that kills its thread (exit,
 * crash, hang) also fails the other executions running on that thread (waiting on a timer or
 * a promise); those of its batches that had not started run again elsewhere. Casualties
 * must each be traced to the execution that killed the thread: a crash's cause quotes the
 * killer's error message, an exit's cause its exit code (index + 1), a hang's result settles
 * with the hung execution's.
 *
 * Submission honours backpressure (it waits for 'drain' whenever `needsDrain`), except that
 * now and then it deliberately submits into a full queue, where `execute` must refuse at once.
 * The run ends by closing the pool while executions are still in flight.
 */
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createPool, PoolError, PoolErrorCodes, PoolFaults, type Pool, type PoolErrorCode, type PoolMetrics } from '../../src/pool/index.js';
import type { ExecutionResult } from '../../src/run/result.js';
import {
  exitCode,
  faultMessage,
  FaultKinds,
  RejectedError,
  soakDefinition,
  soakDefinitionWith,
  ThrownError,
  type FaultKind,
  type SoakInput,
} from './handlers.js';
import { median } from '../median.js';

export const soakHandlersModule = new URL(import.meta.url.endsWith('.ts') ? './handlers.ts' : './handlers.js', import.meta.url);

export type InjectedFault = Exclude<FaultKind, 'none'>;

/** Per-execution probability of each fault; the rest succeed. */
export type FaultRates = Readonly<Record<InjectedFault, number>>;

/**
 * Rates for a long run: handler errors are common, anything that holds a batch for a second
 * (timeouts) or costs a thread (exit, crash, hang) is rare enough that the pool spends most
 * of its time working rather than restarting threads.
 */
export const defaultFaultRates: FaultRates = {
  throw: 0.01,
  reject: 0.01,
  taskTimeout: 0.00002,
  executionTimeout: 0.00001,
  exit: 0.00001,
  crash: 0.00001,
  hang: 0.000005,
};

export const noFaults: FaultRates = { throw: 0, reject: 0, taskTimeout: 0, executionTimeout: 0, exit: 0, crash: 0, hang: 0 };

export interface SoakOptions {
  /** Stop submitting after this long (ms)… */
  readonly durationMs?: number;
  /** …or after this many executions, whichever comes first. At least one of the two. */
  readonly executions?: number;
  readonly threads: number;
  readonly batch?: number;
  readonly maxQueue: number;
  readonly seed: number;
  readonly faultRates: FaultRates;
  /** The workflow's hang timeout: how long a thread may make no progress before it is terminated. */
  readonly hangTimeoutMs: number;
  /** The Task's TimeoutSeconds (default 1); the execution's is twice it. */
  readonly taskTimeoutSeconds?: number;
  /** Every this many executions, the next full queue is overrun on purpose… */
  readonly overrunEvery: number;
  /** …by this many submissions, each of which must be refused. */
  readonly overrunBy: number;
  /** Submissions after close(), each of which must be refused. */
  readonly closedProbes: number;
  readonly sampleEveryMs: number;
  /** Memory samples taken before this much of the run (0–1), or before the first result, are warm-up and not judged. */
  readonly warmupFraction: number;
  /** Largest growth after warm-up (MB) still counted as flat. */
  readonly heapToleranceMb: number;
  readonly rssToleranceMb: number;
  /** How long close() may take once called. */
  readonly closeTimeoutMs: number;
  /** Called with each memory sample (progress reports). */
  readonly onSample?: (sample: MemorySample, ledger: Readonly<Counts>) => void;
}

export interface MemorySample {
  readonly seconds: number;
  readonly settled: number;
  readonly rssMb: number;
  /** Main-thread heap in use right after a full garbage collection: what is still referenced. */
  readonly heapUsedMb: number;
  readonly queue: number;
}

export interface MemoryTrend {
  readonly startMb: number;
  readonly endMb: number;
  readonly peakMb: number;
  /** Least-squares slope after warm-up, MB per minute. */
  readonly slopeMbPerMinute: number;
  /** Median of the last third of the samples after warm-up minus the median of the first third. */
  readonly growthMb: number;
}

export interface Counts {
  /** `execute` calls. */
  submitted: number;
  /** Calls `execute` took (the rest it refused). */
  accepted: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  aborted: number;
  rejected: number;
  rejectedQueueFull: number;
  rejectedClosed: number;
  /** Executions that ended as their own fault says. */
  asInjected: number;
  /** Executions lost with a thread that another execution's fault killed, each traced to it. */
  collateral: number;
  mismatches: number;
  /** A promise that settled a second time, or for an execution never submitted. */
  strays: number;
}

export interface Mismatch {
  readonly index: number;
  readonly fault: FaultKind;
  readonly expected: string;
  readonly got: string;
}

export interface Invariant {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface SoakReport {
  readonly options: Omit<SoakOptions, 'onSample'>;
  readonly seconds: number;
  readonly counts: Readonly<Counts>;
  /** Accepted executions per injected fault (what ran), 'none' included. */
  readonly injected: Readonly<Record<FaultKind, number>>;
  /** Of those, the executions that ended as their own fault says (the rest are casualties). */
  readonly asInjectedBy: Readonly<Record<FaultKind, number>>;
  /** Collateral casualties per pool fault. */
  readonly collateralBy: Readonly<Record<string, number>>;
  readonly mismatches: readonly Mismatch[];
  /** Distinct worker threads seen minus `threads`: threads started to replace dead ones. */
  readonly workersReplaced: number;
  /** Threads killed by an exit or crash fault, each named by its killer (hang deaths cannot be told apart this way). */
  readonly exitAndCrashDeaths: number;
  /** Executions whose own hang killed their thread. */
  readonly hangKillers: number;
  /**
   * Casualties per thread killed (exit, crash or hang): the other executions each death
   * failed, which were running on that thread when it died (executions of its batches that
   * had not started run again on another thread).
   */
  readonly casualtiesPerDeath: number;
  /** Of those, how many the pool told that other work on their thread hung. */
  readonly hangsBlamedElsewhere: number;
  readonly pendingAfterClose: number;
  readonly closeTimedOut: boolean;
  readonly secondCloseSamePromise: boolean;
  readonly resourcesBefore: Readonly<Record<string, number>>;
  readonly resourcesAfterClose: Readonly<Record<string, number>>;
  /** Resource types with more handles after close() than before the pool, still there after a grace period. */
  readonly leakedResources: Readonly<Record<string, number>>;
  /** Ms after close() resolved until the resources were back to what they were (0: at once; -1: never within the grace period). */
  readonly resourcesSettledAfterMs: number;
  readonly pool: PoolMetrics;
  readonly samples: readonly MemorySample[];
  readonly rss: MemoryTrend;
  readonly heap: MemoryTrend;
  /** RSS just before the pool was created, and just after close(). */
  readonly rssBeforeMb: number;
  readonly rssAfterCloseMb: number;
  readonly invariants: readonly Invariant[];
  readonly ok: boolean;
}

const POOL_FAULT_NAMES: ReadonlySet<string> = new Set([PoolFaults.WorkerCrashed, PoolFaults.WorkerExited, PoolFaults.WorkerHung]);
const WORKFLOW = 'soak';
/** A hung thread's executions all settle in the same turn as its killer's; this is slack for a slow machine. */
const HANG_WINDOW_MS = 1000;
/** Casualties are traced once they are this old, so their killer has surely settled too. */
const TRACE_AFTER_MS = 2000;
/** Killers older than this are forgotten: their casualties were traced long ago. */
const FORGET_KILLERS_AFTER_MS = 30_000;
const RESOURCE_GRACE_MS = 2000;
const MAX_MISMATCHES_KEPT = 20;

/** A fixed hash of (seed, index) to [0, 1): murmur3's finalizer. */
function unitHash(seed: number, index: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) + index) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

/** The fault schedule: which fault execution `index` injects, the same for the same seed and rates. */
export function faultSchedule(seed: number, rates: FaultRates): (index: number) => FaultKind {
  const kinds = FaultKinds.filter((k): k is InjectedFault => k !== 'none');
  const bounds: number[] = [];
  let total = 0;
  for (const kind of kinds) {
    const rate = rates[kind];
    if (!(rate >= 0)) throw new RangeError(`the rate of '${kind}' faults must be a number ≥ 0`);
    total += rate;
    bounds.push(total);
  }
  if (total > 1) throw new RangeError('fault rates add up to more than 1');
  return function faultFor(index: number): FaultKind {
    const u = unitHash(seed, index);
    for (let i = 0; i < bounds.length; i++) if (u < bounds[i]!) return kinds[i]!;
    return 'none';
  };
}

const NOTE = 'soak-'.repeat(12);

function inputFor(index: number, fault: FaultKind): SoakInput {
  return { index, fault, note: NOTE.slice(0, index % NOTE.length) };
}

const crashCause = /soak crash by execution (\d+)/;
const exitCause = /exited with code (-?\d+)/;
/** The cause a hang's bystanders get: another task on their thread stopped making progress. */
const hangElsewhereCause = /because other work on it made no progress/;

/** Whether `result` is what execution `index` with `fault` must end with on its own. */
function endedAsInjected(fault: FaultKind, index: number, result: ExecutionResult): boolean {
  const { status, error, cause } = result;
  switch (fault) {
    case 'none': {
      const output = result.output as { index?: unknown; double?: unknown; thread?: unknown } | undefined;
      return status === 'SUCCEEDED' && output?.index === index && output.double === index * 2 && typeof output.thread === 'number';
    }
    case 'throw':
      return status === 'FAILED' && error === ThrownError && cause === faultMessage('throw', index);
    case 'reject':
      return status === 'FAILED' && error === RejectedError && cause === faultMessage('reject', index);
    case 'taskTimeout':
      return status === 'FAILED' && error === 'States.Timeout';
    case 'executionTimeout':
      return status === 'TIMED_OUT' && error === 'States.Timeout';
    case 'exit':
      return status === 'FAILED' && error === PoolFaults.WorkerExited && Number(exitCause.exec(cause ?? '')?.[1]) === exitCode(index);
    case 'crash':
      return status === 'FAILED' && error === PoolFaults.WorkerCrashed && Number(crashCause.exec(cause ?? '')?.[1]) === index;
    case 'hang':
      // Which of the thread's tasks the cause blames is checked apart (Ledger.hangsBlamedElsewhere).
      return status === 'FAILED' && error === PoolFaults.WorkerHung;
  }
}

function expectedText(fault: FaultKind): string {
  switch (fault) {
    case 'none':
      return 'SUCCEEDED with its own output';
    case 'throw':
      return `FAILED ${ThrownError}`;
    case 'reject':
      return `FAILED ${RejectedError}`;
    case 'taskTimeout':
      return 'FAILED States.Timeout';
    case 'executionTimeout':
      return 'TIMED_OUT States.Timeout';
    case 'exit':
      return `FAILED ${PoolFaults.WorkerExited} with its own exit code`;
    case 'crash':
      return `FAILED ${PoolFaults.WorkerCrashed} naming itself`;
    case 'hang':
      return `FAILED ${PoolFaults.WorkerHung}`;
  }
}

function describeResult(result: ExecutionResult): string {
  return result.status === 'SUCCEEDED' ? `SUCCEEDED ${JSON.stringify(result.output)}` : `${result.status} ${result.error}: ${result.cause}`;
}

interface Casualty {
  readonly index: number;
  readonly fault: FaultKind;
  readonly error: string;
  readonly cause: string;
  readonly at: number;
}

/**
 * Everything the run learns from its results, checked as they arrive: counts, the
 * executions not yet settled, the thread-killers and their casualties still to be traced.
 */
class Ledger {
  readonly counts: Counts;
  readonly injected: Record<FaultKind, number>;
  readonly asInjectedBy: Record<FaultKind, number>;
  readonly collateralBy: Record<string, number>;
  readonly mismatches: Mismatch[];
  readonly pending: Set<number>;
  readonly threadIds: Set<number>;
  /** Executions whose own exit, crash or hang killed their thread, with when they settled. */
  readonly killers: Map<number, { fault: FaultKind; at: number }>;
  exitAndCrashDeaths: number;
  hangKillers: number;
  /** Hung executions whose cause blames other work on their thread (the pool's watchdog blames the stalest task; see soak.test.ts). */
  hangsBlamedElsewhere: number;
  private casualties: Casualty[];
  private readonly pool: Pool;
  private readonly faultFor: (index: number) => FaultKind;
  private threadSampleQueued: boolean;

  constructor(pool: Pool, faultFor: (index: number) => FaultKind) {
    this.pool = pool;
    this.faultFor = faultFor;
    this.counts = {
      submitted: 0,
      accepted: 0,
      succeeded: 0,
      failed: 0,
      timedOut: 0,
      aborted: 0,
      rejected: 0,
      rejectedQueueFull: 0,
      rejectedClosed: 0,
      asInjected: 0,
      collateral: 0,
      mismatches: 0,
      strays: 0,
    };
    this.injected = Object.fromEntries(FaultKinds.map((k) => [k, 0])) as Record<FaultKind, number>;
    this.asInjectedBy = { ...this.injected };
    this.collateralBy = {};
    this.mismatches = [];
    this.pending = new Set();
    this.threadIds = new Set();
    this.killers = new Map();
    this.exitAndCrashDeaths = 0;
    this.hangKillers = 0;
    this.hangsBlamedElsewhere = 0;
    this.casualties = [];
    this.threadSampleQueued = false;
    this.sampleThreads();
  }

  get settled(): number {
    return this.counts.succeeded + this.counts.failed + this.counts.timedOut + this.counts.aborted + this.counts.rejected;
  }

  /** Submits execution `index`; `refusal` is the refusal `execute` must answer with, or null. */
  submit(index: number, refusal: PoolErrorCode | null): void {
    const fault = this.faultFor(index);
    this.counts.submitted++;
    this.pending.add(index);
    this.pool.execute(WORKFLOW, inputFor(index, fault)).then(
      (result) => this.result(index, fault, result, refusal),
      (error: unknown) => this.refused(index, error, refusal),
    );
  }

  private settle(index: number): boolean {
    if (this.pending.delete(index)) return true;
    this.counts.strays++;
    return false;
  }

  private refused(index: number, error: unknown, refusal: PoolErrorCode | null): void {
    if (!this.settle(index)) return;
    this.counts.rejected++;
    const code = error instanceof PoolError ? error.code : null;
    if (code === PoolErrorCodes.QUEUE_FULL) this.counts.rejectedQueueFull++;
    if (code === PoolErrorCodes.CLOSED) this.counts.rejectedClosed++;
    if (code !== refusal)
      this.mismatch(index, this.faultFor(index), refusal === null ? 'accepted' : `refused with ${refusal}`, `refused with ${code ?? String(error)}`);
  }

  private result(index: number, fault: FaultKind, result: ExecutionResult, refusal: PoolErrorCode | null): void {
    if (!this.settle(index)) return;
    this.counts.accepted++;
    this.injected[fault]++;
    if (result.status === 'SUCCEEDED') this.counts.succeeded++;
    else if (result.status === 'FAILED') this.counts.failed++;
    else if (result.status === 'TIMED_OUT') this.counts.timedOut++;
    else this.counts.aborted++;
    if (refusal !== null) {
      this.mismatch(index, fault, `refused with ${refusal}`, describeResult(result));
      return;
    }
    if (result.status === 'SUCCEEDED') this.threadIds.add((result.output as { thread: number }).thread);
    const error = result.error ?? '';
    if (POOL_FAULT_NAMES.has(error)) this.queueThreadSample();
    if (endedAsInjected(fault, index, result)) {
      this.counts.asInjected++;
      this.asInjectedBy[fault]++;
      if (fault === 'exit' || fault === 'crash') this.exitAndCrashDeaths++;
      if (fault === 'hang') this.hangKillers++;
      if (fault === 'hang' && hangElsewhereCause.test(result.cause ?? '')) this.hangsBlamedElsewhere++;
      if (fault === 'exit' || fault === 'crash' || fault === 'hang') this.killers.set(index, { fault, at: performance.now() });
    } else if (result.status === 'FAILED' && POOL_FAULT_NAMES.has(error)) {
      this.casualties.push({ index, fault, error, cause: result.cause ?? '', at: performance.now() });
    } else {
      this.mismatch(index, fault, expectedText(fault), describeResult(result));
    }
  }

  private mismatch(index: number, fault: FaultKind, expected: string, got: string): void {
    this.counts.mismatches++;
    if (this.mismatches.length < MAX_MISMATCHES_KEPT) this.mismatches.push({ index, fault, expected, got });
  }

  /**
   * Traces casualties old enough that their killer has settled (all of them when `all`),
   * and forgets killers whose casualties are long traced.
   */
  trace(all: boolean): void {
    const now = performance.now();
    const waiting: Casualty[] = [];
    for (const casualty of this.casualties) {
      if (!all && now - casualty.at < TRACE_AFTER_MS) waiting.push(casualty);
      else if (this.killerOf(casualty)) {
        this.counts.collateral++;
        this.collateralBy[casualty.error] = (this.collateralBy[casualty.error] ?? 0) + 1;
      } else {
        this.mismatch(
          casualty.index,
          casualty.fault,
          'its own outcome, or a casualty traced to a thread-killing fault',
          `FAILED ${casualty.error}: ${casualty.cause} (no killer found)`,
        );
      }
    }
    this.casualties = waiting;
    for (const [index, killer] of this.killers) if (now - killer.at > FORGET_KILLERS_AFTER_MS) this.killers.delete(index);
  }

  private killerOf(casualty: Casualty): boolean {
    if (casualty.error === PoolFaults.WorkerCrashed) {
      const index = Number(crashCause.exec(casualty.cause)?.[1] ?? NaN);
      return this.killers.get(index)?.fault === 'crash';
    }
    if (casualty.error === PoolFaults.WorkerExited) {
      const index = Number(exitCause.exec(casualty.cause)?.[1] ?? NaN) - 1;
      return this.killers.get(index)?.fault === 'exit';
    }
    for (const killer of this.killers.values()) if (killer.fault === 'hang' && Math.abs(killer.at - casualty.at) <= HANG_WINDOW_MS) return true;
    return false;
  }

  /**
   * piscina starts a thread's replacement before it fails the dead thread's tasks, and a
   * new thread runs nothing before it is ready: looking once per turn in which a pool fault
   * settled sees every thread the pool ever had.
   */
  private queueThreadSample(): void {
    if (this.threadSampleQueued) return;
    this.threadSampleQueued = true;
    setImmediate(() => {
      this.threadSampleQueued = false;
      this.sampleThreads();
    });
  }

  sampleThreads(): void {
    for (const worker of this.pool.metrics().workers) this.threadIds.add(worker.threadId);
  }
}

function resourceCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** Resource types of which `after` holds more than `before`, with how many more. */
function moreThan(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const extra: Record<string, number> = {};
  for (const [type, count] of Object.entries(after)) if (count > (before[type] ?? 0)) extra[type] = count - (before[type] ?? 0);
  return extra;
}

/** How long until nothing is open beyond `before` (ms; -1 when the grace period ends first). */
async function resourcesSettle(before: Record<string, number>): Promise<number> {
  const began = performance.now();
  while (performance.now() - began < RESOURCE_GRACE_MS) {
    if (Object.keys(moreThan(resourceCounts(), before)).length === 0) return Math.round(performance.now() - began);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return -1;
}

function trend(samples: readonly MemorySample[], value: (s: MemorySample) => number): MemoryTrend {
  if (samples.length === 0) return { startMb: 0, endMb: 0, peakMb: 0, slopeMbPerMinute: 0, growthMb: 0 };
  const xs = samples.map((s) => s.seconds / 60);
  const ys = samples.map(value);
  const n = xs.length;
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - meanX) * (ys[i]! - meanY);
    den += (xs[i]! - meanX) ** 2;
  }
  const third = Math.max(1, Math.floor(n / 3));
  return {
    startMb: ys[0]!,
    endMb: ys[n - 1]!,
    peakMb: Math.max(...ys),
    slopeMbPerMinute: den === 0 ? 0 : num / den,
    growthMb: median(ys.slice(n - third)) - median(ys.slice(0, third)),
  };
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/**
 * A function that runs a full garbage collection: `global.gc` under --expose-gc, else one
 * obtained as jest's leak detector does (the flag applies to contexts created after it).
 */
function fullGc(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  return Promise.race([promise.then((value) => ({ value })), timeout]).finally(() => clearTimeout(timer));
}

/** Runs a soak and checks it; never throws for a failed check: see `ok` and `invariants`. */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const durationMs = options.durationMs ?? Infinity;
  const executions = options.executions ?? Infinity;
  if (durationMs === Infinity && executions === Infinity) throw new RangeError('a soak needs a duration or an execution count');
  const faultFor = faultSchedule(options.seed, options.faultRates);
  // Every Worker pipes its output into the parent's process.stdout and process.stderr,
  // which open their handles on first use: they belong to the process, not to the pool.
  void process.stdout;
  void process.stderr;
  const resourcesBefore = resourceCounts();
  const collectGarbage = fullGc();
  collectGarbage();
  const rssBeforeMb = mb(process.memoryUsage().rss);

  const pool = createPool({ threads: options.threads, batch: options.batch, maxQueue: options.maxQueue });
  pool.register(WORKFLOW, {
    definition: options.taskTimeoutSeconds === undefined ? soakDefinition : soakDefinitionWith(options.taskTimeoutSeconds),
    handlers: soakHandlersModule,
    hangTimeoutMs: options.hangTimeoutMs,
  });
  const ledger = new Ledger(pool, faultFor);
  const samples: MemorySample[] = [];
  const began = performance.now();
  function sample(): void {
    collectGarbage();
    const memory = process.memoryUsage();
    const s = {
      seconds: (performance.now() - began) / 1000,
      settled: ledger.settled,
      rssMb: mb(memory.rss),
      heapUsedMb: mb(memory.heapUsed),
      queue: pool.queueSize,
    };
    samples.push(s);
    ledger.trace(false);
    options.onSample?.(s, ledger.counts);
  }
  const sampler = setInterval(sample, options.sampleEveryMs);

  const endAt = began + durationMs;
  let index = 0;
  let nextOverrun = options.overrunEvery;
  let drainLost = false;
  while (index < executions && performance.now() < endAt) {
    if (!pool.needsDrain) {
      ledger.submit(index++, null);
      continue;
    }
    if (index >= nextOverrun) {
      nextOverrun = index + options.overrunEvery;
      for (let i = 0; i < options.overrunBy && index < executions; i++)
        ledger.submit(index++, pool.queueSize >= pool.maxQueue ? PoolErrorCodes.QUEUE_FULL : null);
    }
    if ((await withTimeout(once(pool, 'drain'), options.closeTimeoutMs)) === null) {
      drainLost = true;
      break;
    }
  }
  sample();

  // Close while executions are still queued and in flight; later submissions are refused.
  const closing = pool.close();
  for (let i = 0; i < options.closedProbes; i++) ledger.submit(index++, PoolErrorCodes.CLOSED);
  const secondCloseSamePromise = pool.close() === closing;
  const closed = await withTimeout(closing, options.closeTimeoutMs);
  const seconds = (performance.now() - began) / 1000;
  // Refusals settle a turn later than close() may; give them that turn.
  await new Promise((resolve) => setImmediate(resolve));
  const pendingAfterClose = ledger.pending.size;
  clearInterval(sampler);
  ledger.trace(true);

  const resourcesAfterClose = resourceCounts();
  const resourcesSettledAfterMs = closed === null ? -1 : await resourcesSettle(resourcesBefore);
  const leakedResources = moreThan(resourceCounts(), resourcesBefore);
  const rssAfterCloseMb = mb(process.memoryUsage().rss);

  // Warm-up lasts at least until results come back: the threads have started by then.
  const judged = samples.filter((s) => s.seconds >= seconds * options.warmupFraction && s.settled > 0);
  const rss = trend(judged, (s) => s.rssMb);
  const heap = trend(judged, (s) => s.heapUsedMb);
  const metrics = pool.metrics();
  const c = ledger.counts;
  const workersReplaced = ledger.threadIds.size - options.threads;
  const killers = ledger.exitAndCrashDeaths + ledger.hangKillers;
  const invariants: Invariant[] = [
    {
      name: 'submitted = succeeded + failed + timed out + aborted + rejected',
      ok: c.submitted === c.succeeded + c.failed + c.timedOut + c.aborted + c.rejected,
      detail: `${c.submitted} = ${c.succeeded} + ${c.failed} + ${c.timedOut} + ${c.aborted} + ${c.rejected}`,
    },
    {
      name: "the pool's own counts agree",
      ok:
        metrics.submitted === c.accepted &&
        metrics.rejected === c.rejected &&
        metrics.succeeded === c.succeeded &&
        metrics.failed === c.failed &&
        metrics.timedOut === c.timedOut &&
        metrics.aborted === c.aborted,
      detail: `pool: submitted ${metrics.submitted}, rejected ${metrics.rejected}, succeeded ${metrics.succeeded}, failed ${metrics.failed}, timed out ${metrics.timedOut}, aborted ${metrics.aborted}`,
    },
    {
      name: 'every execution ended as injected, or as a casualty traced to the fault that killed its thread',
      ok: c.mismatches === 0 && c.asInjected + c.collateral + c.rejected === c.submitted,
      detail: `${c.asInjected} as injected + ${c.collateral} casualties + ${c.rejected} refused of ${c.submitted}; ${c.mismatches} mismatches`,
    },
    { name: "'drain' follows every full queue", ok: !drainLost, detail: drainLost ? `no 'drain' within ${options.closeTimeoutMs} ms of a full queue` : 'yes' },
    { name: 'no promise settled twice', ok: c.strays === 0, detail: `${c.strays} stray settlements` },
    {
      name: 'close() settles every submitted execution',
      ok: closed !== null && pendingAfterClose === 0,
      detail:
        closed === null
          ? `close() did not resolve within ${options.closeTimeoutMs} ms; ${pendingAfterClose} pending`
          : `${pendingAfterClose} pending after close()`,
    },
    { name: 'a second close() returns the same promise', ok: secondCloseSamePromise, detail: String(secondCloseSamePromise) },
    {
      name: 'no handle left open after close()',
      ok: Object.keys(leakedResources).length === 0,
      detail: `before ${JSON.stringify(resourcesBefore)}, at close ${JSON.stringify(resourcesAfterClose)}, settled after ${resourcesSettledAfterMs} ms, left ${JSON.stringify(leakedResources)}`,
    },
    {
      name: 'workers replaced: at least one per exit or crash death, at most one per killer',
      ok: workersReplaced >= ledger.exitAndCrashDeaths && workersReplaced <= killers,
      detail: `${workersReplaced} replaced; ${ledger.exitAndCrashDeaths} exit/crash deaths; ${killers} killers`,
    },
    {
      name: `main heap flat after warm-up (growth ≤ ${options.heapToleranceMb} MB)`,
      ok: heap.growthMb <= options.heapToleranceMb,
      detail: `growth ${heap.growthMb.toFixed(1)} MB, slope ${heap.slopeMbPerMinute.toFixed(2)} MB/min over ${judged.length} samples`,
    },
    {
      name: `RSS flat after warm-up (growth ≤ ${options.rssToleranceMb} MB)`,
      ok: rss.growthMb <= options.rssToleranceMb,
      detail: `growth ${rss.growthMb.toFixed(1)} MB, slope ${rss.slopeMbPerMinute.toFixed(2)} MB/min over ${judged.length} samples`,
    },
    { name: 'enough memory samples after warm-up to judge', ok: judged.length >= 6, detail: `${judged.length} samples` },
  ];
  const { onSample: _onSample, ...shown } = options;
  return {
    options: shown,
    seconds,
    counts: { ...c },
    injected: { ...ledger.injected },
    asInjectedBy: { ...ledger.asInjectedBy },
    collateralBy: { ...ledger.collateralBy },
    mismatches: ledger.mismatches,
    workersReplaced,
    exitAndCrashDeaths: ledger.exitAndCrashDeaths,
    hangKillers: ledger.hangKillers,
    casualtiesPerDeath: killers === 0 ? 0 : c.collateral / killers,
    hangsBlamedElsewhere: ledger.hangsBlamedElsewhere,
    pendingAfterClose,
    closeTimedOut: closed === null,
    secondCloseSamePromise,
    resourcesBefore,
    resourcesAfterClose,
    leakedResources,
    resourcesSettledAfterMs,
    pool: metrics,
    samples,
    rss,
    heap,
    rssBeforeMb,
    rssAfterCloseMb,
    invariants,
    ok: invariants.every((i) => i.ok),
  };
}
