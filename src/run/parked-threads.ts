import type { Frame, StopSignal } from './frame.js';
import { abandoned } from './interruptions.js';
import { isPromiseLike, type StateNode } from './state.js';
import { Suspension, follow, type ResultPort, type ResumeStep } from './suspension.js';
import type { TaskTokens } from './tokens.js';

/**
 * A group of threads that wait as plain data: a Parallel's branches (run/parked-branches.ts)
 * or a Map's iterations (run/parked-iterations.ts). Each thread runs in a frame of its own
 * whose StopSignal `parks`, so a wait in it throws its own Suspension; the group gathers, per
 * thread, its finished output or its parked point, each parked on a ThreadPort of its own. An
 * answer runs that thread on from its point to its end, its next wait or a failure. Once no
 * thread runs and some wait, the group, itself a Suspension of the state's frame, node and raw
 * input with its Retry counters, is what parks the execution: thrown, or the rejection of the
 * state's promise when a thread got there asynchronously. A failure that fails the group stops
 * the other threads and withdraws their waits (a later SendTask* on their tokens answers
 * TaskTimedOut); when every thread has ended, the state's join step runs the main line on.
 *
 * A durable store records the group (run/durable.ts) only while every unfinished thread is
 * parked: `port.resumed` tells it the record no longer holds once one runs again, so a crash
 * then ends the execution FAILED (statemill.HostStopped), never running a handler twice.
 */
export abstract class ParkedThreads extends Suspension {
  /** The threads' stop signal: stopped when the group fails or is abandoned. */
  readonly stop: StopSignal;
  /** Each thread's frame (set as it starts). */
  readonly frames: Frame[];
  /** Finished threads' outputs, in thread order. */
  readonly outputs: unknown[];
  /** Each thread's parked point; null while it runs, once it finished, or before it started. */
  readonly points: (Suspension | null)[];
  readonly finished: boolean[];
  /** Threads started and neither finished nor parked. */
  running: number;
  /** Threads not finished. */
  unfinished: number;
  failed: boolean;
  failure: unknown;
  /** True while the first threads start: nothing is decided before launched(). */
  private launching: boolean;
  /** The promise launched() returned, while a thread runs asynchronously and the group has not parked yet. */
  private pending: { resolve(outputs: unknown[]): void; reject(reason: unknown): void } | null;
  private readonly ports: ThreadPort[];

  protected constructor(frame: Frame, count: number, node: StateNode | null, rawInput: unknown, resume: ResumeStep | null, stop: StopSignal) {
    super(frame, '');
    this.node = node;
    this.rawInput = rawInput;
    this.resume = resume;
    this.stop = stop;
    this.frames = new Array<Frame>(count);
    this.outputs = new Array<unknown>(count);
    this.points = new Array<Suspension | null>(count).fill(null);
    this.finished = new Array<boolean>(count).fill(false);
    this.running = 0;
    this.unfinished = count;
    this.failed = false;
    this.failure = undefined;
    this.launching = true;
    this.pending = null;
    this.ports = [];
  }

  /** A thread ended: its output or failure. */
  abstract threadDone(index: number, output: unknown): void;
  abstract threadFailed(index: number, thrown: unknown): void;

  /** The registry a withdrawn wait's token leaves (null: no Standard integrations). */
  protected abstract taskTokens(): TaskTokens | null;

  /** Starts threads while there is room (a Map's concurrency limit); a Parallel's all start at once, so by default none. */
  protected startMore(): void {}

  /** Every thread finished and the group did not fail: its history event, if it has one here. */
  protected succeeded(): void {}

  /** Thread `index`'s port, made when it first needs one. */
  protected portOf(index: number): ThreadPort {
    return (this.ports[index] ??= new ThreadPort(this, index));
  }

  /** Thread `index` starts in `frame`. */
  started(index: number, frame: Frame): void {
    this.frames[index] = frame;
    this.running++;
  }

  /** What thread `index`'s run returned: its output, or a promise of it. */
  gave(index: number, out: unknown): void {
    if (isPromiseLike(out)) follow(out, this.portOf(index));
    else this.threadDone(index, out);
  }

  /** What thread `index`'s run threw: its parked point, or its failure. */
  threw(index: number, thrown: unknown): void {
    if (thrown instanceof Suspension) thrown.park(this.portOf(index));
    else this.threadFailed(index, thrown);
  }

  /** A thread restored after a restart, parked at `point` in `frame`. */
  restored(index: number, frame: Frame, point: Suspension): void {
    this.started(index, frame);
    point.park(this.portOf(index));
  }

  /** A thread that finished before the restart (a Map's failure within tolerance: its error output). */
  restoredOutput(index: number, output: unknown): void {
    this.finished[index] = true;
    this.unfinished--;
    this.outputs[index] = output;
  }

  /**
   * The first threads have started: the outputs when all finished, else the group thrown (all
   * that did not finish are parked) or a promise of the outputs (some run on asynchronously; it
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
      this.succeeded();
      return this.outputs;
    }
    if (this.running === 0) throw this;
    return new Promise<unknown[]>((resolve, reject) => {
      this.pending = { resolve, reject };
    });
  }

  /** After a restart: the threads are parked again; any room left starts more, and a group whose threads had all finished joins at once. */
  relaunched(): void {
    this.launching = false;
    this.startMore();
    this.check();
  }

  threadParked(index: number, point: Suspension): void {
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

  threadResumed(index: number): void {
    if (this.points[index] === null) return;
    this.points[index] = null;
    // The group was parked: its durable record no longer holds while a thread runs.
    if (this.running++ === 0 && this.port !== null && !this.answered) this.port.resumed?.();
  }

  /** The group's thread was abandoned (an enclosing Parallel failed): every parked thread goes. */
  override withdraw(): void {
    this.port = null;
    if (this.answered) return;
    this.answered = true;
    this.answerOk = false;
    this.answer = abandoned;
    this.stop.stop();
    this.withdrawPoints();
  }

  /** Thread `index` no longer runs: it finished or failed. */
  protected ended(index: number): void {
    this.finished[index] = true;
    this.running--;
    this.unfinished--;
  }

  /** The group fails with `thrown`: the other threads stop and their waits are withdrawn. */
  protected fail(thrown: unknown): void {
    this.failed = true;
    this.failure = thrown;
    this.stop.stop();
    this.withdrawPoints();
  }

  /** Decides what a change of a thread's state means for the group: its end, its parking, or nothing yet. */
  protected check(): void {
    if (this.launching || this.answered) return;
    if (this.failed || this.unfinished === 0) {
      this.end();
      return;
    }
    if (this.running > 0) return;
    // Every unfinished thread is parked: so is the group.
    const pending = this.pending;
    if (pending !== null) {
      this.pending = null;
      pending.reject(this);
      return;
    }
    this.port?.suspended?.(this);
  }

  private end(): void {
    if (!this.failed) this.succeeded();
    const pending = this.pending;
    if (pending === null) {
      // Parked (or on its way to park): the join step runs the state on from here.
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
    if (point.token !== '') this.taskTokens()?.withdraw(point.token);
  }
}

/** Where one thread's run goes: its output, failure, parking and running on reach its group. */
export class ThreadPort implements ResultPort {
  private readonly group: ParkedThreads;
  private readonly index: number;
  constructor(group: ParkedThreads, index: number) {
    this.group = group;
    this.index = index;
  }
  complete(output: unknown): void {
    this.group.threadDone(this.index, output);
  }
  fail(thrown: unknown): void {
    this.group.threadFailed(this.index, thrown);
  }
  suspended(suspension: Suspension): void {
    this.group.threadParked(this.index, suspension);
  }
  resumed(): void {
    this.group.threadResumed(this.index);
  }
}
