import { AslError, StatesErrors, errorOutput, stateCause, toAslError } from './errors.js';
import { childFrame } from './branches.js';
import { ChildStop, Execution, Frame, StopSignal } from './frame.js';
import { VariableScope, type KeptVariable, type VariableLayout } from './variables.js';
import { ExecutionTimeout } from './interruptions.js';
import { Interruption, runStates } from './run-states.js';
import { ChildExecution, type MapRun, type MapRunHost } from './map-runs.js';
import { ParkedIterations } from './parked-iterations.js';
import { isPromiseLike, type StateNode } from './state.js';
import { mayPark, type ResumeStep } from './suspension.js';
import type { TaskTokens } from './tokens.js';

/** A Map state's iterations as compiled: where they start, what they see, and where they may run. */
export interface MapProcessor {
  /** JSON pointer of the Map state, e.g. /States/Transcode. */
  readonly state: string;
  readonly start: StateNode;
  /** Distributed mode: iterations see no variables of the execution. */
  readonly isolated: boolean;
  /** True when some state in the processor assigns; iterations that never assign share one variable scope. */
  readonly assigns: boolean;
  /** The slots of the processor's variables. */
  readonly layout: VariableLayout;
  /** Runs the iterations elsewhere (the pool) when the Map opts in; null runs them in-process. */
  readonly executor: MapExecutor | null;
  /** The Map state's node: its waiting iterations park as plain data (run/parked-iterations.ts) under it. */
  readonly node: StateNode | null;
  /** The processor's states by name: a restart finds a parked iteration's state here. */
  readonly states: ReadonlyMap<string, StateNode>;
  /** The Map's join step once its iterations parked: its result step under Retry and Catch. */
  join: ResumeStep | null;
  /** The registry waiting iterations' tokens are withdrawn from when the Map fails (null: no Standard integrations). */
  readonly tokens: TaskTokens | null;
  /** Keeps a Distributed Map's map runs (null: nobody keeps them); a restart finds a parked one's there. */
  readonly mapRuns: MapRunHost | null;
}

/**
 * What iterations run elsewhere need of the execution that reached the Map, so they see
 * what they would see in it: its context object and the variables the Map can read.
 */
export interface IterationParent {
  readonly executionName: string;
  /** The UUID that ends an Express execution's ARN, so iterations elsewhere show the same `$$.Execution.Id`. */
  readonly executionId?: string;
  readonly executionInput: unknown;
  /** When the execution started, in milliseconds since the epoch. */
  readonly executionStartMs: number;
  /** How long the execution may still run, in milliseconds (Infinity: no limit). */
  readonly remainingMs: number;
  /**
   * The variables the Map state can read, innermost scope winning, each with the size its
   * scope keeps (measured again where 0 or missing); empty for a distributed Map.
   */
  readonly variables: readonly KeptVariable[];
}

/** What a Map hands to a MapExecutor: its iterations' inputs and how to run them. */
export interface MapIterationsRequest {
  /** JSON pointer of the Map state in the definition, e.g. /States/Transcode. */
  readonly state: string;
  /** Each iteration's input (after ItemSelector and ItemBatcher), in item order. */
  readonly inputs: readonly unknown[];
  /** Most iterations in flight at once; 0 for no limit. */
  readonly maxConcurrency: number;
  /** Failed iterations the Map tolerates; -1 when the first failure fails the Map. */
  readonly toleratedFailures: number;
  readonly parent: IterationParent;
}

export interface MapIterationsResult {
  /** Outputs in item order; undefined where the iteration failed or did not run. */
  readonly outputs: unknown[];
  /** Failed iterations. */
  readonly failures: readonly { readonly index: number; readonly error: string | null; readonly cause: string | null }[];
  /** True when more iterations failed than tolerated and the rest were not started. */
  readonly stopped: boolean;
  /**
   * History events the iterations that ran recorded, or would have, between each one's
   * MapIterationStarted and its end (MapIterations.events), so that later states cite the
   * ids they would in-process; absent: not known, counted as none.
   */
  readonly events?: number;
}

/**
 * Map fan-out hook (the pool sets it): runs a Map's iterations elsewhere and returns a
 * promise of their outcomes, or null to run them in-process as usual.
 */
export type MapExecutor = (request: MapIterationsRequest) => Promise<MapIterationsResult> | null;

/** How one iteration run elsewhere ended: its output, or its error and cause. */
export type IterationEnd = { readonly output: unknown } | { readonly error: string | null; readonly cause: string | null };

/**
 * Iterations of one Map state for one execution that reached it somewhere else (the
 * pool's Map fan-out runs some of them in each of its threads). They share a stand-in for
 * that execution, so each sees what it would see there: `$$.Execution`, its own
 * `$$.Map.Item`, and the variables the Map can read.
 */
export class MapIterations {
  private readonly start: StateNode;
  private readonly exec: Execution;
  private readonly outer: VariableScope | null;
  private readonly layout: VariableLayout;
  private readonly firstEventId: number;
  constructor(start: StateNode, exec: Execution, outer: VariableScope | null, layout: VariableLayout) {
    this.start = start;
    this.exec = exec;
    this.outer = outer;
    this.layout = layout;
    this.firstEventId = exec.eventId;
  }

  /** History events the iterations run so far counted (their states' events: none of the Map's own, as MapIterationStarted). */
  get events(): number {
    return this.exec.eventId - this.firstEventId;
  }

  /** Runs the iteration of item number `index`. Never throws or rejects: a failure is an outcome. */
  run(item: unknown, index: number): IterationEnd | Promise<IterationEnd> {
    const frame = new Frame(this.exec, new VariableScope(this.outer, this.layout), index, item);
    let out: unknown;
    try {
      out = runStates(this.start, item, frame);
    } catch (thrown) {
      return failedElsewhere(thrown);
    }
    if (isPromiseLike(out)) return Promise.resolve(out).then(succeededElsewhere, failedElsewhere);
    return { output: out };
  }
}

function succeededElsewhere(output: unknown): IterationEnd {
  return { output };
}

function failedElsewhere(thrown: unknown): IterationEnd {
  if (thrown instanceof ExecutionTimeout) return { error: StatesErrors.Timeout, cause: 'The execution ran out of time during this iteration.' };
  const error = toAslError(thrown);
  return { error: error.error, cause: error.cause };
}

/**
 * A Map's iterations, on its MapExecutor (the pool) when that takes them, else here. Returns
 * their outputs in item order, or a promise of them; `allowed` failures are tolerated (their
 * slots hold the error output), -1 meaning the first failure fails the Map. A Distributed
 * Map's `run` (null for an inline Map) gets each child execution's start and end, and gives
 * the concurrency and tolerance, which UpdateMapRun may change while it runs. When the
 * iterations all end synchronously here, `parent.resultBound` is left bounding the outputs'
 * JSON size (Infinity otherwise, as the caller sets it), so the Map's result check need not walk them.
 */
export function runMapIterations(
  processor: MapProcessor,
  inputs: unknown[],
  inputBound: number,
  parent: Frame,
  rawInput: unknown,
  limit: number,
  allowed: number,
  run: MapRun | null = null,
): unknown {
  const executor = processor.executor;
  if (executor !== null) {
    const request: MapIterationsRequest = {
      state: processor.state,
      inputs,
      maxConcurrency: limit,
      toleratedFailures: allowed,
      // Read only by an executor that takes the iterations: most decline small Maps.
      get parent() {
        return iterationParent(parent, processor.isolated);
      },
    };
    const elsewhere = executor(request);
    if (elsewhere !== null) return elsewhere.then((result) => outputsOf(result, allowed, parent, run, processor.isolated));
  }
  if (processor.node !== null && parent.exec.standard && mayPark(parent)) {
    return runParkableIterations(processor, inputs, inputBound, parent, rawInput, limit, allowed, run);
  }
  return runIterations(processor, inputs, inputBound, parent, limit, allowed, run);
}

/**
 * Child `index` of `run` starts: the StopSignal its threads run under, in the group `stop`,
 * naming the child so that its events go to its own history (when the execution records one).
 */
export function childExecution(run: MapRun, stop: StopSignal, index: number, parent: Frame): StopSignal {
  const exec = parent.exec;
  const history = exec.history === null ? null : exec.history.forChild();
  run.childStarted(index, exec.clock.now(), history);
  return new ChildStop(stop, stop.parks, new ChildExecution(run, index, history));
}

/** The frame of child `index` of `run`, in the group `stop` (kept out of runIterations' loop, which inline Maps run). */
function childRunFrame(
  run: MapRun,
  stop: StopSignal,
  sharedVars: VariableScope | null,
  layout: VariableLayout,
  index: number,
  input: unknown,
  parent: Frame,
): Frame {
  return new Frame(parent.exec, sharedVars ?? new VariableScope(null, layout), index, input, childExecution(run, stop, index, parent));
}

function childSucceeded(run: MapRun, index: number, output: unknown, exec: Execution): void {
  run.childEnded(index, 'SUCCEEDED', output, exec.clock.now());
}

/**
 * MapRunStarted after MapStateStarted; returns the event id the map run's end follows (its
 * children's events take none of the parent's). `run` is null only where nothing records nor
 * keeps it (no history, no host): the ids are counted all the same.
 */
export function mapRunStarted(parent: Frame, run: MapRun | null): number {
  const exec = parent.exec;
  exec.eventId++;
  if (run !== null) exec.history?.mapRunStarted(parent, run.arn);
  return exec.eventId;
}

/**
 * Thread `index` (run in `failed`) of a Parallel or an inline Map failed the state while others
 * ran: the aborted events (HistoryRecorder.threadsAborted), their ids counted. `frames` holds
 * the threads started, `ended(i)` says whether thread i ended; `iterations`: a Map's, each
 * aborted one recording MapIterationAborted too.
 */
export function threadsAborted(
  parent: Frame,
  failed: Frame,
  index: number,
  frames: readonly (Frame | undefined)[],
  ended: (i: number) => boolean,
  iterations: boolean,
): void {
  const running: (readonly [Frame, number])[] = [];
  let ids = failed.stateType === 'Task' ? 1 : 0;
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i];
    if (i === index || frame === undefined || ended(i)) continue;
    running.push([frame, iterations ? i : -1]);
    ids += (iterations ? 1 : 0) + (frame.stateType === 'Task' ? 1 : 0);
  }
  const exec = parent.exec;
  exec.eventId += ids;
  exec.history?.threadsAborted(parent, failed, running);
}

/** No thread started besides the failed one (threadsAborted's `frames`). */
export const noFrames: readonly Frame[] = [];

/** MapRunSucceeded, then MapStateSucceeded. */
export function mapRunSucceeded(parent: Frame, run: MapRun | null, runEventId: number): void {
  const exec = parent.exec;
  exec.eventId = runEventId + 1;
  run?.ended('SUCCEEDED', exec.clock.now());
  exec.history?.mapRunSucceeded(parent);
}

/** The map run failed: MapRunFailed with the Map's error (none recorded when the execution ended). */
export function mapRunEnded(parent: Frame, run: MapRun | null, runEventId: number, thrown: unknown): void {
  const exec = parent.exec;
  exec.eventId = runEventId + 1;
  const ms = exec.clock.now();
  if (thrown instanceof Interruption) run?.ended('ABORTED', ms);
  else {
    const error = toAslError(thrown);
    run?.ended('FAILED', ms, error.error ?? undefined, error.cause ?? undefined);
    exec.history?.mapRunFailed(parent, error.error, error.cause);
  }
}

/** A Map's iterations, inline or distributed, whose waits park the execution (see run/parked-iterations.ts). */
function runParkableIterations(
  processor: MapProcessor,
  inputs: unknown[],
  inputBound: number,
  parent: Frame,
  rawInput: unknown,
  limit: number,
  allowed: number,
  run: MapRun | null,
): unknown[] | Promise<unknown[]> {
  const exec = parent.exec;
  exec.eventId++;
  exec.history?.mapStarted(parent, inputs.length);
  const runEventId = processor.isolated ? mapRunStarted(parent, run) : 0;
  const stop = new StopSignal(parent.stop, true);
  const group = new ParkedIterations(parent, processor, rawInput, inputs, inputBound, limit, allowed, stop, run, runEventId);
  exec.redrive?.watch(group, null);
  group.startMore();
  return group.launched();
}

/** What iterations run elsewhere see of the execution at `frame` (none of its variables when `isolated`). */
function iterationParent(frame: Frame, isolated: boolean): IterationParent {
  const exec = frame.exec;
  return {
    executionName: exec.name,
    executionId: exec.standard ? undefined : exec.id.slice(exec.id.lastIndexOf(':') + 1),
    executionInput: exec.input,
    executionStartMs: exec.startMs,
    remainingMs: exec.deadlineMs - exec.clock.now(),
    variables: isolated || frame.vars === null ? [] : frame.vars.visibleWithSizes(),
  };
}

/**
 * Iteration outcomes from elsewhere, judged as runIterations judges its own, their events
 * counted as it counts them: MapStateStarted, then per iteration that ran its
 * MapIterationStarted, its states' events and its end; a Distributed Map's MapRunStarted and
 * MapRunSucceeded/Failed instead (its children's events are their own).
 */
function outputsOf(result: MapIterationsResult, allowed: number, parent: Frame, run: MapRun | null, isolated: boolean): unknown[] {
  const outputs = result.outputs.slice();
  parent.exec.eventId += isolated ? 3 : 1 + (result.events ?? 0) + 2 * (result.failures.length + succeededIterations(result.outputs));
  let failure: AslError | null = null;
  if (result.failures.length > 0) {
    const first = result.failures.reduce((a, b) => (b.index < a.index ? b : a));
    if (allowed < 0) failure = new AslError(first.error, first.cause);
    else if (result.stopped || result.failures.length > allowed) {
      failure = new AslError(StatesErrors.ExceedToleratedFailureThreshold, stateCause(parent, 'The specified tolerated failure threshold was exceeded'));
    }
    for (const f of result.failures) outputs[f.index] = { Error: f.error, Cause: f.cause };
  }
  if (run !== null) run.ended(failure === null ? 'SUCCEEDED' : 'FAILED', parent.exec.clock.now(), failure?.error ?? undefined, failure?.cause ?? undefined);
  if (failure !== null) throw failure;
  return outputs;
}

/** Iterations that ran and succeeded: their outputs are in (a failed one's or one not run is undefined). */
function succeededIterations(outputs: readonly unknown[]): number {
  let count = 0;
  for (const output of outputs) if (output !== undefined) count++;
  return count;
}

/**
 * Runs the iterations here, synchronously while each completes synchronously; once one is
 * pending, keeps at most `limit` in flight (0: all).
 */
function runIterations(
  processor: MapProcessor,
  inputs: unknown[],
  inputBound: number,
  parent: Frame,
  limit: number,
  allowed: number,
  run: MapRun | null,
): unknown {
  const { start, isolated } = processor;
  const n = inputs.length;
  // The scope every iteration shares when none assigns: the Map's own (none for a distributed Map).
  const sharedVars = processor.assigns ? null : isolated ? new VariableScope(null) : parent.vars;
  const outputs = new Array<unknown>(n);
  const stop = new StopSignal(parent.stop);
  const exec = parent.exec;
  let failures = 0;
  let next = 0;
  // The run loop leaves each iteration frame's valueBound bounding its output; the array adds its brackets and commas.
  let outputsBound = 2 + n;
  // History: MapStateStarted now; MapIterationStarted and MapIterationSucceeded/Failed around
  // each iteration (MapStateSucceeded and MapStateExited are the state's extraEvents).
  exec.eventId++;
  const history = exec.history;
  const recording = history !== null && !isolated;
  // Each iteration's frame: while recording, its end event follows its last one; once
  // iterations overlap, those still running when one fails the Map record their abort.
  let frames: Frame[] | null = recording ? new Array<Frame>(n) : null;
  if (history !== null) history.mapStarted(parent, n);
  const runEventId = isolated ? mapRunStarted(parent, run) : 0;

  /** Records a failed iteration (run in `frame`); throws when it must fail the whole Map. */
  function failed(thrown: unknown, index: number, frame: Frame): void {
    exec.eventId++;
    if (recording && !(thrown instanceof Interruption)) history!.mapIterationEnded(parent, frame, index, false);
    const tolerated = run === null ? allowed : run.allowed;
    if (thrown instanceof Interruption || tolerated < 0) {
      stop.stop();
      run?.childEnded(index, thrown instanceof Interruption ? 'ABORTED' : 'FAILED', errorOutput(toAslError(thrown)), exec.clock.now());
      if (!isolated && !(thrown instanceof Interruption)) threadsAborted(parent, frame, index, frames ?? noFrames, ended, true);
      if (isolated) mapRunEnded(parent, run, runEventId, thrown);
      if (history !== null && !(thrown instanceof Interruption)) history.stateEvent(parent, 'MapStateFailed');
      throw thrown;
    }
    const error = toAslError(thrown);
    failures++;
    outputs[index] = errorOutput(error);
    outputsBound = Infinity;
    run?.childEnded(index, 'FAILED', outputs[index], exec.clock.now());
    if (failures > tolerated) {
      stop.stop();
      const exceeded = new AslError(StatesErrors.ExceedToleratedFailureThreshold, stateCause(parent, 'The specified tolerated failure threshold was exceeded'));
      if (!isolated) threadsAborted(parent, frame, index, frames ?? noFrames, ended, true);
      if (isolated) mapRunEnded(parent, run, runEventId, exceeded);
      if (history !== null) history.stateEvent(parent, 'MapStateFailed');
      throw exceeded;
    }
  }
  /** Whether iteration `i` ended (its output, or a tolerated failure's error output, is in). */
  function ended(i: number): boolean {
    return outputs[i] !== undefined;
  }
  // The frame of an iteration that finished synchronously, for the next one (only when they
  // share a scope and nothing records: a history's events name their iteration's frame).
  let spare: Frame | null = null;
  function launch(index: number): unknown {
    let frame: Frame;
    if (run !== null) frame = childRunFrame(run, stop, sharedVars, processor.layout, index, inputs[index], parent);
    else if (sharedVars === null) frame = childFrame(parent, stop, index, inputs[index], isolated, processor.layout);
    else if (spare !== null) {
      frame = spare;
      spare = null;
      frame.restart(index, inputs[index]);
    } else frame = new Frame(parent.exec, sharedVars, index, inputs[index], stop);
    frame.valueBound = inputBound;
    exec.eventId++;
    if (frames !== null) frames[index] = frame;
    if (recording) history!.mapIterationStarted(parent, frame, index);
    let out: unknown;
    try {
      out = runStates(start, inputs[index], frame);
    } catch (thrown) {
      failed(thrown, index, frame);
      return undefined;
    }
    if (!isPromiseLike(out)) {
      exec.eventId++;
      outputsBound += frame.valueBound;
      if (run !== null) childSucceeded(run, index, out, exec);
      if (recording) history!.mapIterationEnded(parent, frame, index, true);
      else if (history === null && sharedVars !== null && run === null) spare = frame;
    } else if (frames === null) {
      frames = new Array<Frame>(n);
      frames[index] = frame;
    }
    return out;
  }

  while (next < n) {
    const index = next++;
    const out = launch(index);
    if (isPromiseLike(out)) return continueAsync(out, index);
    if (outputs[index] === undefined) outputs[index] = out;
  }
  if (isolated) mapRunSucceeded(parent, run, runEventId);
  else if (history !== null) history.stateEvent(parent, 'MapStateSucceeded');
  parent.resultBound = outputsBound;
  return outputs;

  function continueAsync(first: PromiseLike<unknown>, firstIndex: number): Promise<unknown[]> {
    const started = frames!;
    return new Promise<unknown[]>((resolve, reject) => {
      let inFlight = 0;
      let settled = false;
      function fail(thrown: unknown) {
        if (settled) return;
        settled = true;
        reject(thrown);
      }
      function track(pending: PromiseLike<unknown>, index: number) {
        inFlight++;
        Promise.resolve(pending).then(
          (value) => {
            // An iteration still running when another failed the Map was aborted.
            if (settled) return;
            exec.eventId++;
            if (run !== null) childSucceeded(run, index, value, exec);
            if (recording) history!.mapIterationEnded(parent, started[index]!, index, true);
            outputs[index] = value;
            inFlight--;
            pump();
          },
          (thrown) => {
            inFlight--;
            // An aborted iteration recorded its TaskStateAborted and MapIterationAborted, and nothing more.
            if (settled) return;
            try {
              failed(thrown, index, started[index]!);
            } catch (fatal) {
              fail(fatal);
              return;
            }
            pump();
          },
        );
      }
      function pump() {
        if (settled) return;
        const allowedInFlight = run === null ? limit : run.maxConcurrency;
        while ((allowedInFlight <= 0 || inFlight < allowedInFlight) && next < n) {
          const index = next++;
          let out: unknown;
          try {
            out = launch(index);
          } catch (fatal) {
            fail(fatal);
            return;
          }
          if (isPromiseLike(out)) track(out, index);
          else if (outputs[index] === undefined) outputs[index] = out;
        }
        if (inFlight === 0 && next >= n) {
          settled = true;
          if (isolated) mapRunSucceeded(parent, run, runEventId);
          else if (history !== null) history.stateEvent(parent, 'MapStateSucceeded');
          resolve(outputs);
        }
      }
      if (run !== null) run.onUpdate = pump;
      track(first, firstIndex);
      pump();
    });
  }
}
