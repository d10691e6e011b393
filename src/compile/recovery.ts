import { StatesErrors, errorOutput, heartbeatLapse, toAslError, type AslError } from '../run/errors.js';
import { checkRunning, type Frame } from '../run/frame.js';
import { Interruption } from '../run/run-states.js';
import { isPromiseLike, type RunState, type StateNode } from '../run/state.js';
import { Suspension, parksOnTimer } from '../run/suspension.js';
import { TaskFailure } from '../run/task-call.js';
import type { StateEnv } from './context.js';
import { compileResultPath, type Merge } from './jsonpath/io.js';
import { StatesScope } from './jsonata/index.js';
import { compileOutcome } from './jsonata/state.js';
import { assignVariables, compileJsonPathAssign } from './variables.js';

/**
 * Retry and Catch for Task, Parallel and Map. Retriers and catchers are compiled into
 * matchers once; at run time a state that succeeds pays nothing beyond one try/catch, and
 * retry counters are allocated only when an error actually happens.
 */
type Matcher = (error: AslError) => boolean;

interface Retrier {
  readonly matches: Matcher;
  readonly intervalMs: number;
  readonly maxAttempts: number;
  readonly backoffRate: number;
  readonly maxDelayMs: number;
  readonly fullJitter: boolean;
}

/** What a catcher makes of the state's raw input and the error output: the state's output. */
type CatchOutput = (rawInput: unknown, errorOutput: unknown, frame: Frame) => unknown;

interface Catcher {
  readonly matches: Matcher;
  readonly next: StateNode;
  readonly output: CatchOutput;
}

/**
 * AWS: a States.Runtime error "will always cause the execution to fail": no retrier or
 * catcher handles it, not even one that names it. (States.DataLimitExceeded is "terminal"
 * in AWS's docs too, but AWS recorded States.ALL catching a task result over the limit; a
 * state output over the limit is raised after the state, where no catcher applies.)
 */
function isTerminal(error: string | null): boolean {
  return error === StatesErrors.Runtime;
}

function compileMatcher(errorEquals: readonly string[]): Matcher {
  if (errorEquals.includes(StatesErrors.ALL)) {
    return function matchesAll(error) {
      return !isTerminal(error.error);
    };
  }
  const names = new Set(errorEquals);
  const taskFailed = names.has(StatesErrors.TaskFailed);
  const heartbeat = names.has(StatesErrors.HeartbeatTimeout);
  return function matchesListed(error) {
    const name = error.error ?? '';
    if (isTerminal(name)) return false;
    if (names.has(name)) return true;
    // A heartbeat lapse surfaces as States.Timeout; States.HeartbeatTimeout names only it.
    if (heartbeat && error === heartbeatLapse) return true;
    // States.TaskFailed covers every task error except States.Timeout (a lapse included).
    return taskFailed && name !== StatesErrors.Timeout;
  };
}

export function compileRetriers(def: unknown): Retrier[] {
  if (!Array.isArray(def)) return [];
  return def.map((r: Record<string, unknown>) => ({
    matches: compileMatcher(r.ErrorEquals as string[]),
    intervalMs: 1000 * (typeof r.IntervalSeconds === 'number' ? r.IntervalSeconds : 1),
    maxAttempts: typeof r.MaxAttempts === 'number' ? r.MaxAttempts : 3,
    backoffRate: typeof r.BackoffRate === 'number' ? r.BackoffRate : 2,
    maxDelayMs: typeof r.MaxDelaySeconds === 'number' ? 1000 * r.MaxDelaySeconds : Infinity,
    fullJitter: r.JitterStrategy === 'FULL',
  }));
}

export function compileCatchers(def: unknown, env: StateEnv): Catcher[] {
  if (!Array.isArray(def)) return [];
  return def.map((c: Record<string, unknown>, i) => ({
    matches: compileMatcher(c.ErrorEquals as string[]),
    next: env.lookup(c.Next as string),
    output: env.queryLanguage === 'JSONata' ? compileJsonataCatch(c, `${env.pointer}/Catch/${i}`, env) : compileJsonPathCatch(c),
  }));
}

/** ResultPath puts the error output into the raw input; Assign reads the error output as `$`. */
function compileJsonPathCatch(catcher: Record<string, unknown>): CatchOutput {
  const resultPath: Merge = compileResultPath(catcher.ResultPath);
  if (!('Assign' in catcher)) return resultPath;
  const assign = compileJsonPathAssign(catcher.Assign);
  return function catchAndAssign(rawInput, errorOutput, frame) {
    const values = assign.evaluate(errorOutput, frame);
    const output = resultPath(rawInput, errorOutput, frame);
    assignVariables(frame, assign.names, values);
    return output;
  };
}

/** Output (by default the error output) and Assign, over `$states.input` and `$states.errorOutput`. */
function compileJsonataCatch(catcher: Record<string, unknown>, pointer: string, env: StateEnv): CatchOutput {
  const outcome = compileOutcome(catcher, pointer, env.machine.problems);
  return function catchWithJsonata(rawInput, errorOutput, frame) {
    return outcome(new StatesScope(frame, rawInput, undefined, errorOutput), errorOutput);
  };
}

/** Retry counters of a state's retriers, all 0 (a literal for the usual single retrier: no holey array to fill). */
function zeroCounts(retriers: number): number[] {
  if (retriers === 1) return [0];
  const counts: number[] = [];
  for (let i = 0; i < retriers; i++) counts.push(0);
  return counts;
}

/** Delay before retry number `retry` (1-based) of a retrier, in milliseconds. */
function retryDelay(retrier: Retrier, retry: number): number {
  const delay = Math.min(retrier.intervalMs * Math.pow(retrier.backoffRate, retry - 1), retrier.maxDelayMs);
  return retrier.fullJitter ? Math.random() * delay : delay;
}

/**
 * Whether a state has a retrier or a catcher. A Task without one throws its handler's
 * failure itself rather than returning it (a TaskFailure) to a recovery that is not there.
 */
export function recovers(def: Record<string, unknown>): boolean {
  return (Array.isArray(def.Retry) && def.Retry.length > 0) || (Array.isArray(def.Catch) && def.Catch.length > 0);
}

/**
 * Finishes an attempt that was suspended (`settle` runs its result step, or throws its
 * error) under the state's Retry and Catch, with the retry counters it had (`counts`).
 */
export type ResumeAttempt = (input: unknown, frame: Frame, counts: number[] | null, settle: () => unknown) => unknown;

function settleAlone(_input: unknown, _frame: Frame, _counts: number[] | null, settle: () => unknown): unknown {
  return settle();
}

/**
 * A state's attempt under its Retry and Catch (`run`), and the re-entry of a suspended
 * attempt (`resume`). A Task's attempt may return its handler's failure (a TaskFailure)
 * instead of throwing it: Retry and Catch read it as they read a throw.
 */
export function compileRecovery(attempt: RunState, def: Record<string, unknown>, env: StateEnv): { run: RunState; resume: ResumeAttempt } {
  const retriers = compileRetriers(def.Retry);
  const catchers = compileCatchers(def.Catch, env);
  if (!recovers(def)) return { run: attempt, resume: settleAlone };
  const node = env.lookup(env.name);

  function recover(thrown: unknown, input: unknown, frame: Frame, counts: number[] | null): unknown {
    if (thrown instanceof Interruption) {
      // A suspended attempt takes its retry counters along, to go on counting when resumed.
      if (thrown instanceof Suspension) thrown.retries = counts;
      throw thrown;
    }
    // A stopped branch or iteration, or an ended execution, neither retries nor catches.
    checkRunning(frame);
    const error = toAslError(thrown);
    for (let i = 0; i < retriers.length; i++) {
      const retrier = retriers[i]!;
      if (!retrier.matches(error)) continue;
      const used = counts ?? zeroCounts(retriers.length);
      if (used[i]! >= retrier.maxAttempts) break;
      used[i]!++;
      const delay = retryDelay(retrier, used[i]!);
      frame.retryCount++;
      if (frame.exec.history !== null) frame.exec.history.retrying(frame);
      if (parksOnTimer(frame)) throw Suspension.timed(frame, node, input, frame.exec.clock.now() + delay, used);
      return frame.exec.sleepThen(delay, frame.stop, () => retryAttempt(input, frame, used));
    }
    for (let i = 0; i < catchers.length; i++) {
      const catcher = catchers[i]!;
      if (!catcher.matches(error)) continue;
      frame.next = catcher.next;
      frame.resultBound = Infinity;
      return catcher.output(input, errorOutput(error), frame);
    }
    throw error;
  }

  function runAttempt(input: unknown, frame: Frame, counts: number[] | null): unknown {
    let out: unknown;
    try {
      out = attempt(input, frame);
    } catch (thrown) {
      return recover(thrown, input, frame, counts);
    }
    if (out instanceof TaskFailure) return recover(out.error, input, frame, counts);
    if (isPromiseLike(out)) {
      return Promise.resolve(out).then(undefined, (thrown) => recover(thrown, input, frame, counts));
    }
    return out;
  }

  /** A retry: the thread may have been stopped while its interval passed. */
  function retryAttempt(input: unknown, frame: Frame, counts: number[]): unknown {
    checkRunning(frame);
    return runAttempt(input, frame, counts);
  }

  function resumeAttempt(input: unknown, frame: Frame, counts: number[] | null, settle: () => unknown): unknown {
    let out: unknown;
    try {
      out = settle();
    } catch (thrown) {
      return recover(thrown, input, frame, counts);
    }
    if (isPromiseLike(out)) {
      return Promise.resolve(out).then(undefined, (thrown) => recover(thrown, input, frame, counts));
    }
    return out;
  }

  // A retry interval parked on the main line (see recover) goes on here, after a restart too.
  node.wake = function wakeForRetry(suspension) {
    return retryAttempt(suspension.rawInput, suspension.frame, suspension.retries!);
  };
  return {
    run: function runWithRecovery(input, frame) {
      return runAttempt(input, frame, null);
    },
    resume: resumeAttempt,
  };
}
