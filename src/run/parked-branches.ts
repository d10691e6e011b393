import type { Branches } from './branches.js';
import type { Frame, StopSignal } from './frame.js';
import { Interruption, abandoned } from './interruptions.js';
import { isPromiseLike } from './state.js';
import { Suspension, follow, type ResultPort } from './suspension.js';

/**
 * A Parallel state whose branches wait, as plain data: no promise chain, no closure stack.
 *
 * Design. In a Standard execution, where the Parallel itself may park (its main line, or a
 * branch of a Parallel that parks: see mayPark()), each branch runs in its own frame with a
 * StopSignal that `parks`, so a wait in it (a task token, an activity, a Wait state, a retry
 * interval, a `.sync` child) throws its own Suspension, exactly as on the main line. The
 * Parallel gathers them here: for each branch either its finished output or its parked
 * point. Once no branch runs and some wait, this object — itself a Suspension of the
 * Parallel's frame, node and raw input, with the Parallel's Retry counters — is what parks
 * the execution (thrown, or the rejection of the Parallel's promise when a branch got there
 * asynchronously). Each parked branch is parked on a BranchPort of its own: an answer runs
 * that branch on from its point (its state's resume step, then its next states) to its end,
 * to its next wait, or to a failure. The first failure stops the other branches (their waits
 * are withdrawn: a later SendTask* on their tokens answers TaskTimedOut). When every branch
 * finished, the Parallel's join step (`Branches.join`: ParallelStateSucceeded, then
 * ResultSelector/ResultPath/OutputPath/Assign or the JSONata Output, under the state's
 * Retry and Catch) runs the main line on; a failure goes through Retry/Catch the same way.
 *
 * A durable store records it (durableRecord, run/durable.ts) whenever every unfinished branch
 * is parked: the Parallel's state name, raw input, Retry counters and frame, then per branch
 * its output, or its point in the shape of a main-line record (state name, raw input,
 * variables of its own scope, Retry counters, token and its timers / wake-up time / activity
 * task / child, history ids). While a branch runs between two waits the record is cleared, so
 * a crash then ends the execution FAILED (statemill.HostStopped), never running a handler
 * twice. A Parallel (or an inline Map: run/parked-iterations.ts) inside a branch nests: it
 * is the branch's parked point, and its record the point's.
 */
export class ParkedBranches extends Suspension implements ThreadGroup {
  readonly plan: Branches;
  /** The branches' stop signal: stopped when one fails. */
  readonly stop: StopSignal;
  /** Each branch's frame (set as it starts). */
  readonly frames: Frame[];
  /** Finished branches' outputs, in branch order. */
  readonly outputs: unknown[];
  /** Upper bound of the outputs' JSON size, as runBranches keeps it. */
  outputsBound: number;
  /** Each branch's parked point; null while it runs, once it finished, or before it started. */
  readonly points: (Suspension | null)[];
  readonly finished: boolean[];
  /** Branches started and neither finished nor parked. */
  running: number;
  /** Branches not finished. */
  unfinished: number;
  failed: boolean;
  failure: unknown;
  /** True while runBranches still starts branches: nothing is decided before all have started. */
  private launching: boolean;
  /** The promise the Parallel's attempt returned, while a branch runs asynchronously and the group has not parked yet. */
  private pending: { resolve(outputs: unknown[]): void; reject(reason: unknown): void } | null;
  private readonly ports: BranchPort[];

  constructor(frame: Frame, plan: Branches, rawInput: unknown, stop: StopSignal) {
    super(frame, '');
    const n = plan.starts.length;
    this.plan = plan;
    this.node = plan.node;
    this.rawInput = rawInput;
    this.resume = plan.join;
    this.stop = stop;
    this.frames = new Array<Frame>(n);
    this.outputs = new Array<unknown>(n);
    this.outputsBound = 2 + n;
    this.points = new Array<Suspension | null>(n).fill(null);
    this.finished = new Array<boolean>(n).fill(false);
    this.running = 0;
    this.unfinished = n;
    this.failed = false;
    this.failure = undefined;
    this.launching = true;
    this.pending = null;
    this.ports = [];
    for (let i = 0; i < n; i++) this.ports.push(new BranchPort(this, i));
  }

  /** The group of branches whose first `count` finished at once (`outputs`, their bound `outputsBound`) before one parked or went asynchronous. */
  static after(frame: Frame, plan: Branches, rawInput: unknown, stop: StopSignal, outputs: unknown[], count: number, outputsBound: number): ParkedBranches {
    const group = new ParkedBranches(frame, plan, rawInput, stop);
    for (let i = 0; i < count; i++) group.restoredOutput(i, outputs[i]);
    group.outputsBound = outputsBound;
    return group;
  }

  /** Branch `index` starts in `frame`. */
  started(index: number, frame: Frame): void {
    this.frames[index] = frame;
    this.running++;
  }

  /** What branch `index`'s run returned: its output, or a promise of it. */
  gave(index: number, out: unknown): void {
    if (isPromiseLike(out)) follow(out, this.ports[index]!);
    else this.branchDone(index, out);
  }

  /** What branch `index`'s run threw: its parked point, or its failure. */
  threw(index: number, thrown: unknown): void {
    if (thrown instanceof Suspension) thrown.park(this.ports[index]!);
    else this.branchFailed(index, thrown);
  }

  /** A branch restored after a restart, parked at `point`. */
  restored(index: number, frame: Frame, point: Suspension): void {
    this.started(index, frame);
    point.park(this.ports[index]!);
  }

  /** A branch that finished before the restart. */
  restoredOutput(index: number, output: unknown): void {
    this.finished[index] = true;
    this.unfinished--;
    this.outputs[index] = output;
  }

  /**
   * Every branch has started: the outputs when all finished, else the group thrown (all that
   * did not finish are parked) or a promise of the outputs (some run on asynchronously; it
   * rejects with the group if they all park). Throws the first failure.
   */
  launched(): unknown[] | Promise<unknown[]> {
    this.launching = false;
    if (this.failed) {
      this.answered = true;
      throw this.failure;
    }
    if (this.unfinished === 0) {
      this.answered = true;
      return this.outputs;
    }
    if (this.running === 0) throw this;
    return new Promise<unknown[]>((resolve, reject) => {
      this.pending = { resolve, reject };
    });
  }

  /** After a restart: the branches are parked again; a record whose branches had all finished joins at once. */
  relaunched(): void {
    this.launching = false;
    this.check();
  }

  branchParked(index: number, point: Suspension): void {
    if (this.answered || this.finished[index]) {
      this.withdrawPoint(point);
      return;
    }
    // A parked wait that changed (a worker took its activity task) is recorded again.
    if (this.points[index] === null) {
      this.points[index] = point;
      this.running--;
    }
    this.check();
  }

  branchResumed(index: number): void {
    if (this.points[index] === null) return;
    this.points[index] = null;
    // The Parallel was parked: its durable record no longer holds while a branch runs.
    if (this.running++ === 0 && this.port !== null && !this.answered) this.port.resumed?.();
  }

  branchDone(index: number, output: unknown): void {
    if (this.answered || this.finished[index]) return;
    this.finished[index] = true;
    this.running--;
    this.unfinished--;
    this.outputs[index] = output;
    this.outputsBound += this.frames[index]!.valueBound;
    this.check();
  }

  branchFailed(index: number, thrown: unknown): void {
    if (this.answered || this.finished[index]) return;
    this.finished[index] = true;
    this.running--;
    this.unfinished--;
    if (!this.failed) {
      this.failed = true;
      this.failure = thrown;
      this.stop.stop();
      this.withdrawPoints();
    }
    this.check();
  }

  /** The group's thread was abandoned (an enclosing Parallel failed): every parked branch goes. */
  override withdraw(): void {
    this.port = null;
    if (this.answered) return;
    this.answered = true;
    this.answerOk = false;
    this.answer = abandoned;
    this.stop.stop();
    this.withdrawPoints();
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

  private check(): void {
    if (this.launching || this.answered) return;
    if (this.failed || this.unfinished === 0) {
      this.end();
      return;
    }
    if (this.running > 0) return;
    // Every unfinished branch is parked: so is the Parallel.
    const pending = this.pending;
    if (pending !== null) {
      this.pending = null;
      pending.reject(this);
      return;
    }
    this.port?.suspended?.(this);
  }

  private end(): void {
    const pending = this.pending;
    if (pending === null) {
      // Parked (or on its way to park): the join step runs the Parallel on from here.
      this.settle(!this.failed, this.failure);
      return;
    }
    this.pending = null;
    this.answered = true;
    if (this.failed) pending.reject(this.failure);
    else pending.resolve(this.outputs);
  }

  private withdrawPoints(): void {
    for (let i = 0; i < this.points.length; i++) {
      const point = this.points[i];
      if (point === null || point === undefined) continue;
      this.points[i] = null;
      this.withdrawPoint(point);
    }
  }

  private withdrawPoint(point: Suspension): void {
    point.withdraw();
    if (point.token !== '') this.plan.tokens?.withdraw(point.token);
  }
}

/** What a group of parked threads (a Parallel's branches, a Map's iterations) learns of each thread. */
export interface ThreadGroup {
  branchDone(index: number, output: unknown): void;
  branchFailed(index: number, thrown: unknown): void;
  branchParked(index: number, point: Suspension): void;
  branchResumed(index: number): void;
}

/** Where one thread's run goes: its output, failure, parking and running on reach its group. */
export class BranchPort implements ResultPort {
  private readonly group: ThreadGroup;
  private readonly index: number;
  constructor(group: ThreadGroup, index: number) {
    this.group = group;
    this.index = index;
  }
  complete(output: unknown): void {
    this.group.branchDone(this.index, output);
  }
  fail(thrown: unknown): void {
    this.group.branchFailed(this.index, thrown);
  }
  suspended(suspension: Suspension): void {
    this.group.branchParked(this.index, suspension);
  }
  resumed(): void {
    this.group.branchResumed(this.index);
  }
}
