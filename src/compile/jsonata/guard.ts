import type jsonata from 'jsonata';
import type { Frame } from '../../run/frame.js';
import { abandoned, executionEnded, type Interruption } from '../../run/interruptions.js';
import { refuseDataCall, refuseDataFunction } from './data.js';

/**
 * Bounds on one evaluation by the jsonata library. jsonata evaluates in microtasks, so an
 * expression that runs away (recursion that never ends, a sequence of a billion items) would
 * hold the event loop, then exhaust the heap: no timer, abort or execution deadline could run.
 * jsonata (2.0 to 2.2) calls two hooks around every step it evaluates, found in the evaluation's
 * environment under Symbol.for('jsonata.__evaluate_entry') and '…__evaluate_exit'. statemill's
 * hooks count the steps against the limits below, end the evaluation once the execution has
 * ended (deadline, abort, or a failed sibling branch), and on a real clock let the event loop
 * run every few thousand steps so timers and aborts get their turn. The hook after each step
 * also stops a call of data before jsonata writes to it, and any use of a JavaScript function
 * found in data (data.ts).
 *
 * AWS documents no such limits. These sit far above what expressions over 256 KiB payloads
 * need, and low enough that the process survives the worst an expression can do: a failure is
 * a States.QueryEvaluationError whose cause names the limit.
 */

/** Evaluation steps (calls of jsonata's evaluate) in one evaluation: some seconds of work, as jsonata takes microseconds a step. */
const MAX_EVALUATION_STEPS = 2_000_000;

/**
 * Steps in progress at once. Recursion adds about three per level, and each holds suspended
 * async frames (about 1.8 KB), so this bounds the memory of recursion that never ends to some
 * 175 MB, at about 33,000 levels. It is that high because jsonata evaluates the groups of
 * `path{key: value}` side by side: 10,000 groups can hold 60,000 steps in progress.
 */
const MAX_NESTED_STEPS = 100_000;

/**
 * Items in the arrays and sequences the steps produce, each array counted once, when a step
 * first returns it: the memory an expression can fill. `[1..1000].([1..1000])` produces a
 * million; three such maps nested would produce a billion. Arrays that become garbage count
 * too, so `$reduce` building an array with `$append` reaches the limit at about 4,500 items.
 */
const MAX_PRODUCED_ITEMS = 10_000_000;

/** Steps between checks of the deadline, abort and stop signals and of the step budget. */
const STEPS_PER_CHECK = 1024;

/** Steps between turns given to the event loop (real clocks only: a virtual clock would take the turn to fire its timers). */
const STEPS_PER_TURN = 4 * STEPS_PER_CHECK;

/** The binding that holds the evaluation's guard; its name has a space, so no expression can read it. */
export const GUARD_BINDING = ' guard';

/** A limit reached; reported as the expression's failure. */
class EvaluationLimit {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

function tooManyItems(): EvaluationLimit {
  return new EvaluationLimit(`The evaluation produced more than ${MAX_PRODUCED_ITEMS} items in arrays and sequences, statemill's limit.`);
}

/** The execution ended while the expression ran; carries the interruption to rethrow (jsonata annotates what it catches, so a fresh object). */
export class EvaluationStopped {
  readonly interruption: Interruption;
  constructor(interruption: Interruption) {
    this.interruption = interruption;
  }
}

/** The counters of one evaluation. */
export class EvaluationGuard {
  readonly frame: Frame;
  steps: number;
  nested: number;
  produced: number;
  /** The arrays counted in `produced`, so an array passed on from step to step counts once; created on first use. */
  counted: WeakSet<unknown[]> | null;
  constructor(frame: Frame) {
    this.frame = frame;
    this.steps = 0;
    this.nested = 0;
    this.produced = 0;
    this.counted = null;
  }

  /**
   * Counts an array a step returned, unless it was counted before. Most are sequences of one
   * item, counted each time without the look-up: that adds at most one item a step.
   */
  count(array: unknown[]): void {
    if (array.length > 1) {
      const counted = (this.counted ??= new WeakSet());
      if (counted.has(array)) return;
      counted.add(array);
    }
    if ((this.produced += array.length) > MAX_PRODUCED_ITEMS) throw tooManyItems();
  }

  /** Refuses, before a function builds it, an array of `length` items (NaN included) that would pass the limit; it is counted once returned. */
  makeRoom(length: number): void {
    if (!(this.produced + length <= MAX_PRODUCED_ITEMS)) throw tooManyItems();
  }

  /** Every STEPS_PER_CHECK steps: ends the evaluation when it must end, and sometimes lets the event loop run. */
  checkpoint(): Promise<void> | undefined {
    const frame = this.frame;
    const exec = frame.exec;
    if (exec.aborted || exec.clock.now() > exec.deadlineMs) throw new EvaluationStopped(executionEnded);
    if (frame.stop !== null && frame.stop.isStopped()) throw new EvaluationStopped(abandoned);
    if (this.steps > MAX_EVALUATION_STEPS) throw new EvaluationLimit(`The evaluation took more than ${MAX_EVALUATION_STEPS} steps, statemill's limit.`);
    if (this.steps % STEPS_PER_TURN === 0 && !exec.clock.virtual) return nextTurn();
    return undefined;
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface Environment {
  lookup(name: string): unknown;
}

function enterStep(_expr: unknown, _input: unknown, environment: Environment): Promise<void> | undefined {
  const guard = environment.lookup(GUARD_BINDING) as EvaluationGuard;
  if (++guard.nested > MAX_NESTED_STEPS) {
    throw new EvaluationLimit(
      `The evaluation had more than ${MAX_NESTED_STEPS} steps in progress at once (nested calls, or groups evaluated side by side), statemill's limit; a recursive function may not end.`,
    );
  }
  if (++guard.steps % STEPS_PER_CHECK === 0) return guard.checkpoint();
  return undefined;
}

function exitStep(expr: unknown, _input: unknown, environment: Environment, result: unknown): void {
  const guard = environment.lookup(GUARD_BINDING) as EvaluationGuard;
  guard.nested--;
  if (typeof result === 'function') return refuseDataFunction(expr, result);
  if (result === null || typeof result !== 'object') return;
  refuseDataCall(expr, result);
  if (Array.isArray(result) && result.length > 0) {
    if (result.length === 1 && typeof result[0] === 'function') refuseDataFunction(expr, result[0] as object);
    guard.count(result);
  }
}

const ENTRY_HOOK = Symbol.for('jsonata.__evaluate_entry');
const EXIT_HOOK = Symbol.for('jsonata.__evaluate_exit');

/** Installs the hooks on one compiled expression; each evaluation then binds its EvaluationGuard as GUARD_BINDING. */
export function installGuard(expression: jsonata.Expression): void {
  // jsonata binds any key, symbols included, though its types only mention strings.
  const target = expression as unknown as { assign(name: symbol, value: unknown): void };
  target.assign(ENTRY_HOOK, enterStep);
  target.assign(EXIT_HOOK, exitStep);
}
