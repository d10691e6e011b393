import { failedBranch, type Branches } from './branches.js';
import type { Frame, StopSignal } from './frame.js';
import { Interruption } from './interruptions.js';
import { ParkedThreads } from './parked-threads.js';
import type { TaskTokens } from './tokens.js';

/**
 * A Parallel state whose branches wait, as plain data: no promise chain, no closure stack
 * (the design all parked groups share: run/parked-threads.ts).
 *
 * In a Standard execution, where the Parallel itself may park (its main line, or a branch of
 * a Parallel that parks: see mayPark()), each branch runs in its own frame, and a wait in it
 * (a task token, an activity, a Wait state, a retry interval, a `.sync` child) throws its own
 * Suspension, exactly as on the main line. The first failure stops the other branches. When
 * every branch finished, the Parallel's join step (`Branches.join`: ParallelStateSucceeded,
 * then ResultSelector/ResultPath/OutputPath/Assign or the JSONata Output, under the state's
 * Retry and Catch) runs the main line on; a failure goes through Retry/Catch the same way.
 *
 * Its durable record (durableRecord, run/durable.ts) holds the Parallel's state name, raw
 * input, Retry counters and frame, then per branch its output, or its point in the shape of a
 * main-line record (state name, raw input, variables of its own scope, Retry counters, token
 * and its timers / wake-up time / activity task / child, history ids). A Parallel (or an
 * inline Map: run/parked-iterations.ts) inside a branch nests: it is the branch's parked
 * point, and its record the point's.
 */
export class ParkedBranches extends ParkedThreads {
  readonly plan: Branches;
  /** Upper bound of the outputs' JSON size, as runBranches keeps it. */
  outputsBound: number;

  constructor(frame: Frame, plan: Branches, rawInput: unknown, stop: StopSignal) {
    const n = plan.starts.length;
    super(frame, n, plan.node, rawInput, plan.join, stop);
    this.plan = plan;
    this.outputsBound = 2 + n;
  }

  /**
   * The group of branches (their input `input`) whose first `count` finished at once (`outputs`,
   * their bound `outputsBound`) before one parked, went asynchronous or failed.
   */
  static after(
    frame: Frame,
    plan: Branches,
    rawInput: unknown,
    input: unknown,
    stop: StopSignal,
    outputs: unknown[],
    count: number,
    outputsBound: number,
  ): ParkedBranches {
    const group = new ParkedBranches(frame, plan, rawInput, stop);
    frame.exec.redrive?.watch(group, input);
    for (let i = 0; i < count; i++) group.restoredOutput(i, outputs[i]);
    group.outputsBound = outputsBound;
    return group;
  }

  threadDone(index: number, output: unknown): void {
    if (this.answered || this.finished[index]) return;
    this.ended(index);
    this.outputs[index] = output;
    this.outputsBound += this.frames[index]!.valueBound;
    this.check();
  }

  threadFailed(index: number, thrown: unknown): void {
    if (this.finished[index]) return;
    const branch = this.frames[index];
    // A branch abandoned by a sibling's failure recorded its TaskStateAborted, and nothing more.
    if (this.answered) return;
    this.frame.exec.redrive?.threadFailed(this, index);
    this.ended(index);
    if (!this.failed) {
      if (branch !== undefined) failedBranch(this.frame, branch, index, thrown, this.frames, (i) => this.finished[i]!);
      this.fail(thrown);
    }
    this.check();
  }

  /**
   * The join step's first half: ParallelStateSucceeded/Failed as runBranches records it,
   * then the outputs, or the first failure thrown (the Parallel's Retry and Catch take it).
   */
  joined(): unknown[] {
    const history = this.frame.exec.history;
    if (this.failed) {
      if (history !== null && !(this.failure instanceof Interruption)) history.stateEvent(this.frame, 'ParallelStateFailed');
      throw this.failure;
    }
    if (history !== null) history.stateEvent(this.frame, 'ParallelStateSucceeded');
    return this.outputs;
  }

  protected taskTokens(): TaskTokens | null {
    return this.plan.tokens;
  }
}
