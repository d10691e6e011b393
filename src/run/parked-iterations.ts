import { AslError, StatesErrors, errorOutput, stateCause, toAslError } from './errors.js';
import { childFrame } from './branches.js';
import { Frame, VariableScope, type StopSignal } from './frame.js';
import { Interruption, abandoned } from './interruptions.js';
import type { MapProcessor } from './iterations.js';
import { BranchPort, type ThreadGroup } from './parked-branches.js';
import { runStates } from './run-states.js';
import { isPromiseLike } from './state.js';
import { Suspension, follow } from './suspension.js';

/**
 * A Map state whose iterations wait, as plain data: the same design as a Parallel's
 * ParkedBranches (see run/parked-branches.ts), with what a Map adds. Iterations start in item
 * order, at most `limit` in flight (0: no limit); a parked iteration counts as in flight, and
 * each one that finishes starts the next. A failed iteration's slot holds its error output
 * while failures stay within `allowed` (ToleratedFailureCount/Percentage; -1: none tolerated);
 * past it the Map fails (the first error, or States.ExceedToleratedFailureThreshold) and the
 * waiting iterations are withdrawn. Its history is the Map's as runIterations records it:
 * MapIterationStarted/Succeeded/Failed around each iteration, MapStateSucceeded/Failed.
 *
 * Its durable record (run/durable.ts) adds to the Map's state, raw input and Retry counters
 * the iterations' inputs, how many started, the failures so far, the concurrency and
 * tolerance, and per started iteration its output or its parked point (with its
 * `$$.Map.Item.Index`/`Value` given back by its index and input). A distributed Map's
 * iterations (ProcessorConfig Mode DISTRIBUTED) park the same way, each in a scope of its own
 * that sees none of the execution's variables; their inputs in the record are the items as the
 * ItemReader, ItemSelector and ItemBatcher made them, so a restart reads no item source again,
 * and the ResultWriter writes once the last iteration ends. A Map whose iterations run
 * elsewhere (the pool) waits in promises: no restart resumes it.
 */
export class ParkedIterations extends Suspension implements ThreadGroup {
  readonly processor: MapProcessor;
  readonly stop: StopSignal;
  readonly inputs: unknown[];
  readonly inputBound: number;
  readonly limit: number;
  readonly allowed: number;
  /** The scope every iteration shares when none assigns (the Map's own); null: each its own. */
  private readonly sharedVars: VariableScope | null;
  readonly frames: Frame[];
  readonly outputs: unknown[];
  readonly points: (Suspension | null)[];
  readonly finished: boolean[];
  /** The next iteration to start. */
  next: number;
  running: number;
  unfinished: number;
  failures: number;
  failed: boolean;
  failure: unknown;
  private launching: boolean;
  /** True while startMore() runs: an iteration ending meanwhile leaves the starting to it. */
  private starting: boolean;
  private pending: { resolve(outputs: unknown[]): void; reject(reason: unknown): void } | null;
  private readonly ports: BranchPort[];
  /** The frame of an iteration that finished at once, for the next one (see start()). */
  private spare: Frame | null;

  constructor(
    frame: Frame,
    processor: MapProcessor,
    rawInput: unknown,
    inputs: unknown[],
    inputBound: number,
    limit: number,
    allowed: number,
    stop: StopSignal,
  ) {
    super(frame, '');
    const n = inputs.length;
    this.processor = processor;
    this.node = processor.node ?? null;
    this.rawInput = rawInput;
    this.resume = processor.join ?? null;
    this.stop = stop;
    this.inputs = inputs;
    this.inputBound = inputBound;
    this.limit = limit;
    this.allowed = allowed;
    // A distributed Map's iterations see none of the execution's variables.
    this.sharedVars = processor.assigns ? null : processor.isolated ? new VariableScope(null) : frame.vars;
    this.frames = new Array<Frame>(n);
    this.outputs = new Array<unknown>(n);
    this.points = new Array<Suspension | null>(n).fill(null);
    this.finished = new Array<boolean>(n).fill(false);
    this.next = 0;
    this.running = 0;
    this.unfinished = n;
    this.failures = 0;
    this.failed = false;
    this.failure = undefined;
    this.launching = true;
    this.starting = false;
    this.pending = null;
    this.ports = [];
    this.spare = null;
  }

  /** Iteration `index`'s port, made when it starts. */
  private portOf(index: number): BranchPort {
    return (this.ports[index] ??= new BranchPort(this, index));
  }

  /** The frame of iteration `index`, given its own variable scope (restored after a restart), or a new one. */
  iterationFrame(index: number, vars: VariableScope | null | undefined): Frame {
    const parent = this.frame;
    if (vars !== undefined) return new Frame(parent.exec, vars, index, this.inputs[index], this.stop);
    if (this.sharedVars !== null) return new Frame(parent.exec, this.sharedVars, index, this.inputs[index], this.stop);
    return childFrame(parent, this.stop, index, this.inputs[index], this.processor.isolated);
  }

  /** Starts iterations while there is room: all of them when nothing limits concurrency and each finishes at once. */
  startMore(): void {
    if (this.starting) return;
    this.starting = true;
    const n = this.inputs.length;
    while (!this.failed && !this.answered && this.next < n && (this.limit <= 0 || this.next - (n - this.unfinished) < this.limit)) {
      this.start(this.next++);
    }
    this.starting = false;
  }

  private start(index: number): void {
    const parent = this.frame;
    const exec = parent.exec;
    let frame: Frame;
    if (this.spare !== null) {
      frame = this.spare;
      this.spare = null;
      frame.restart(index, this.inputs[index]);
    } else frame = this.iterationFrame(index, undefined);
    frame.valueBound = this.inputBound;
    this.frames[index] = frame;
    this.running++;
    exec.eventId++;
    exec.history?.mapIterationStarted(parent, frame, index);
    let out: unknown;
    try {
      out = runStates(this.processor.start, this.inputs[index], frame);
    } catch (thrown) {
      if (thrown instanceof Suspension) thrown.park(this.portOf(index));
      else this.branchFailed(index, thrown);
      return;
    }
    if (!isPromiseLike(out)) {
      this.branchDone(index, out);
      // Nothing refers to the frame of an iteration that finished at once unless a history records it: the next iteration may take it.
      if (this.sharedVars !== null && exec.history === null) this.spare = frame;
    } else follow(out, this.portOf(index));
  }

  /** An iteration restored after a restart, parked at `point` in `frame`. */
  restored(index: number, frame: Frame, point: Suspension): void {
    this.frames[index] = frame;
    this.running++;
    point.park(this.portOf(index));
  }

  /** An iteration that finished before the restart (a failure within tolerance: its error output). */
  restoredOutput(index: number, output: unknown): void {
    this.finished[index] = true;
    this.unfinished--;
    this.outputs[index] = output;
  }

  /** The first iterations have started: the outputs when all finished, else the group thrown (all waiting ones parked) or a promise. */
  launched(): unknown[] | Promise<unknown[]> {
    this.launching = false;
    if (this.failed) {
      this.answered = true;
      throw this.failure;
    }
    if (this.unfinished === 0) {
      this.answered = true;
      this.frame.exec.history?.stateEvent(this.frame, 'MapStateSucceeded');
      return this.outputs;
    }
    if (this.running === 0) throw this;
    return new Promise<unknown[]>((resolve, reject) => {
      this.pending = { resolve, reject };
    });
  }

  /** After a restart: the waiting iterations are parked again; any room left starts more. */
  relaunched(): void {
    this.launching = false;
    this.startMore();
    this.check();
  }

  branchParked(index: number, point: Suspension): void {
    if (this.answered || this.finished[index]) {
      this.withdrawPoint(point);
      return;
    }
    if (this.points[index] === null) {
      this.points[index] = point;
      this.running--;
    }
    this.check();
  }

  branchResumed(index: number): void {
    if (this.points[index] === null) return;
    this.points[index] = null;
    if (this.running++ === 0 && this.port !== null && !this.answered) this.port.resumed?.();
  }

  branchDone(index: number, output: unknown): void {
    if (this.answered || this.finished[index]) return;
    this.ended(index, true);
    this.outputs[index] = output;
    this.startMore();
    this.check();
  }

  branchFailed(index: number, thrown: unknown): void {
    if (this.answered || this.finished[index]) return;
    this.ended(index, thrown instanceof Interruption ? null : false);
    if (this.failed) return;
    if (thrown instanceof Interruption || this.allowed < 0) this.fail(thrown);
    else {
      this.failures++;
      this.outputs[index] = errorOutput(toAslError(thrown));
      if (this.failures > this.allowed) {
        this.fail(new AslError(StatesErrors.ExceedToleratedFailureThreshold, stateCause(this.frame, 'The specified tolerated failure threshold was exceeded')));
      } else this.startMore();
    }
    this.check();
  }

  /** The group's thread was abandoned (an enclosing Parallel failed): every waiting iteration goes. */
  override withdraw(): void {
    this.port = null;
    if (this.answered) return;
    this.answered = true;
    this.answerOk = false;
    this.answer = abandoned;
    this.stop.stop();
    this.withdrawPoints();
  }

  /** The join step's first half: the outputs in item order, or the failure thrown (the Map's Retry and Catch take it). */
  joined(): unknown[] {
    if (this.failed) throw this.failure;
    return this.outputs;
  }

  /** An iteration ended: its history event (succeeded true, failed false, null: none, the execution ended). */
  private ended(index: number, succeeded: boolean | null): void {
    this.finished[index] = true;
    this.running--;
    this.unfinished--;
    const exec = this.frame.exec;
    exec.eventId++;
    if (succeeded !== null) exec.history?.mapIterationEnded(this.frame, this.frames[index]!, index, succeeded);
  }

  private fail(thrown: unknown): void {
    this.failed = true;
    this.failure = thrown;
    this.stop.stop();
    this.withdrawPoints();
    if (!(thrown instanceof Interruption)) this.frame.exec.history?.stateEvent(this.frame, 'MapStateFailed');
  }

  private check(): void {
    if (this.launching || this.answered) return;
    if (this.failed || this.unfinished === 0) {
      this.end();
      return;
    }
    if (this.running > 0) return;
    const pending = this.pending;
    if (pending !== null) {
      this.pending = null;
      pending.reject(this);
      return;
    }
    this.port?.suspended?.(this);
  }

  private end(): void {
    if (!this.failed) this.frame.exec.history?.stateEvent(this.frame, 'MapStateSucceeded');
    const pending = this.pending;
    if (pending === null) {
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
    if (point.token !== '') this.processor.tokens?.withdraw(point.token);
  }
}
