import { AslError, StatesErrors, errorOutput, stateCause, toAslError } from './errors.js';
import { childFrame } from './branches.js';
import { Frame, type StopSignal } from './frame.js';
import { VariableScope } from './variables.js';
import { Interruption } from './interruptions.js';
import { childExecution, mapRunEnded, mapRunSucceeded, threadsAborted, type MapProcessor } from './iterations.js';
import type { MapRun } from './map-runs.js';
import { ParkedThreads } from './parked-threads.js';
import { runStates } from './run-states.js';
import { isPromiseLike } from './state.js';
import { follow } from './suspension.js';
import type { TaskTokens } from './tokens.js';

/**
 * A Map state whose iterations wait, as plain data: the design all parked groups share
 * (run/parked-threads.ts), with what a Map adds. Iterations start in item
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
export class ParkedIterations extends ParkedThreads {
  readonly processor: MapProcessor;
  readonly inputs: unknown[];
  readonly inputBound: number;
  readonly limit: number;
  readonly allowed: number;
  /** The scope every iteration shares when none assigns (the Map's own); null: each its own. */
  private readonly sharedVars: VariableScope | null;
  /** The next iteration to start. */
  next: number;
  failures: number;
  /** True while startMore() runs: an iteration ending meanwhile leaves the starting to it. */
  private starting: boolean;
  /** The frame of an iteration that finished at once, for the next one (see start()). */
  private spare: Frame | null;
  /** A Distributed Map's map run (null: inline, or restored after a restart, which keeps no map run). */
  readonly run: MapRun | null;
  /** The event id the map run's end follows (a Distributed Map's children take none of the parent's). */
  readonly runEventId: number;

  constructor(
    frame: Frame,
    processor: MapProcessor,
    rawInput: unknown,
    inputs: unknown[],
    inputBound: number,
    limit: number,
    allowed: number,
    stop: StopSignal,
    run: MapRun | null = null,
    runEventId = 0,
  ) {
    super(frame, inputs.length, processor.node ?? null, rawInput, processor.join ?? null, stop);
    this.processor = processor;
    this.inputs = inputs;
    this.inputBound = inputBound;
    this.limit = limit;
    this.allowed = allowed;
    // A distributed Map's iterations see none of the execution's variables.
    this.sharedVars = processor.assigns ? null : processor.isolated ? new VariableScope(null) : frame.vars;
    this.next = 0;
    this.failures = 0;
    this.starting = false;
    this.spare = null;
    this.run = run;
    this.runEventId = runEventId;
    if (run !== null) run.onUpdate = () => this.startMore();
  }

  /** The frame of iteration `index`, given its own variable scope (restored after a restart), or a new one. */
  iterationFrame(index: number, vars: VariableScope | null | undefined, stop = this.stop): Frame {
    const parent = this.frame;
    if (vars !== undefined) return new Frame(parent.exec, vars, index, this.inputs[index], stop);
    if (this.sharedVars !== null) return new Frame(parent.exec, this.sharedVars, index, this.inputs[index], stop);
    return childFrame(parent, stop, index, this.inputs[index], this.processor.isolated, this.processor.layout);
  }

  /** Starts iterations while there is room: all of them when nothing limits concurrency and each finishes at once. */
  override startMore(): void {
    if (this.starting) return;
    this.starting = true;
    const n = this.inputs.length;
    const limit = this.run === null ? this.limit : this.run.maxConcurrency;
    while (!this.failed && !this.answered && this.next < n && (limit <= 0 || this.next - (n - this.unfinished) < limit)) {
      this.start(this.next++);
    }
    this.starting = false;
  }

  private start(index: number): void {
    const parent = this.frame;
    const exec = parent.exec;
    let frame: Frame;
    if (this.run !== null) frame = this.iterationFrame(index, undefined, childExecution(this.run, this.stop, index, parent));
    else if (this.spare !== null) {
      frame = this.spare;
      this.spare = null;
      frame.restart(index, this.inputs[index]);
    } else frame = this.iterationFrame(index, undefined);
    frame.valueBound = this.inputBound;
    this.started(index, frame);
    exec.eventId++;
    if (!this.processor.isolated) exec.history?.mapIterationStarted(parent, frame, index);
    let out: unknown;
    try {
      out = runStates(this.processor.start, this.inputs[index], frame);
    } catch (thrown) {
      this.threw(index, thrown);
      return;
    }
    if (!isPromiseLike(out)) {
      this.threadDone(index, out);
      // Nothing refers to the frame of an iteration that finished at once unless a history records it: the next iteration may take it.
      if (this.sharedVars !== null && exec.history === null && this.run === null) this.spare = frame;
    } else follow(out, this.portOf(index));
  }

  threadDone(index: number, output: unknown): void {
    if (this.answered || this.finished[index]) return;
    this.iterationEnded(index, true);
    this.outputs[index] = output;
    this.run?.childEnded(index, 'SUCCEEDED', output, this.frame.exec.clock.now());
    this.startMore();
    this.check();
  }

  threadFailed(index: number, thrown: unknown): void {
    if (this.finished[index]) return;
    // An iteration aborted by another's failure recorded its TaskStateAborted and MapIterationAborted, and nothing more.
    if (this.answered) return;
    this.frame.exec.redrive?.threadFailed(this, index);
    if (this.failed) {
      this.ended(index);
      return;
    }
    this.iterationEnded(index, thrown instanceof Interruption ? null : false);
    const allowed = this.run === null ? this.allowed : this.run.allowed;
    this.run?.childEnded(index, thrown instanceof Interruption ? 'ABORTED' : 'FAILED', errorOutput(toAslError(thrown)), this.frame.exec.clock.now());
    if (thrown instanceof Interruption || allowed < 0) {
      if (!(thrown instanceof Interruption)) this.aborted(index);
      this.fail(thrown);
    } else {
      this.failures++;
      this.outputs[index] = errorOutput(toAslError(thrown));
      if (this.failures > allowed) {
        this.aborted(index);
        this.fail(new AslError(StatesErrors.ExceedToleratedFailureThreshold, stateCause(this.frame, 'The specified tolerated failure threshold was exceeded')));
      } else this.startMore();
    }
    this.check();
  }

  /** The join step's first half: the outputs in item order, or the failure thrown (the Map's Retry and Catch take it). */
  joined(): unknown[] {
    if (this.failed) throw this.failure;
    return this.outputs;
  }

  /** Iteration `index` failed the Map: the iterations still running are aborted (an isolated Map's children record their own). */
  private aborted(index: number): void {
    if (this.processor.isolated) return;
    threadsAborted(this.frame, this.frames[index]!, index, this.frames, (i) => this.finished[i]!, true);
  }

  /** An iteration ended: its history event (succeeded true, failed false, null: none, the execution ended). */
  private iterationEnded(index: number, succeeded: boolean | null): void {
    this.ended(index);
    const exec = this.frame.exec;
    exec.eventId++;
    if (succeeded !== null && !this.processor.isolated) exec.history?.mapIterationEnded(this.frame, this.frames[index]!, index, succeeded);
  }

  protected override fail(thrown: unknown): void {
    super.fail(thrown);
    if (this.processor.isolated) mapRunEnded(this.frame, this.run, this.runEventId, thrown);
    if (!(thrown instanceof Interruption)) this.frame.exec.history?.stateEvent(this.frame, 'MapStateFailed');
  }

  protected override succeeded(): void {
    if (this.processor.isolated) mapRunSucceeded(this.frame, this.run, this.runEventId);
    else this.frame.exec.history?.stateEvent(this.frame, 'MapStateSucceeded');
  }

  protected taskTokens(): TaskTokens | null {
    return this.processor.tokens;
  }
}
