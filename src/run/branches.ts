import { Frame, StopSignal } from './frame.js';
import { VariableScope, type VariableLayout } from './variables.js';
import type { HistoryRecorder } from './history.js';
import { noFrames, threadsAborted } from './iterations.js';
import { Interruption, runStates } from './run-states.js';
import { ParkedBranches } from './parked-branches.js';
import { isPending, isPromiseLike, type StateNode } from './state.js';
import { Suspension, mayPark, type ResumeStep } from './suspension.js';
import type { TaskTokens } from './tokens.js';

/**
 * Running several threads of control (Parallel branches, Map iterations) under one state.
 * Each gets its own Frame, and its own variable scope when it assigns; the first failure
 * stops the rest at their next state boundary and becomes the state's failure.
 */
export function childFrame(parent: Frame, stop: StopSignal, mapIndex: number, mapValue: unknown, isolated: boolean, layout: VariableLayout): Frame {
  const vars = new VariableScope(isolated ? null : parent.vars, layout);
  return new Frame(parent.exec, vars, mapIndex, mapValue, stop);
}

/** A Parallel's branches: where each starts, and whether any state in it assigns variables. */
export interface Branches {
  readonly starts: readonly StateNode[];
  readonly assigns: readonly boolean[];
  /** The slots of each branch's variables. */
  readonly layouts: readonly VariableLayout[];
  /** Each branch's states by name: a restart finds a parked branch's state here. */
  readonly states: readonly ReadonlyMap<string, StateNode>[];
  /** The Parallel state's node. */
  readonly node: StateNode;
  /** The Parallel's join step once its branches parked (ParkedBranches): its result step under Retry and Catch. */
  join: ResumeStep | null;
  /** The registry parked branches' tokens are withdrawn from when a sibling fails (null: no Standard integrations). */
  readonly tokens: TaskTokens | null;
}

/**
 * What a Parallel makes of its branches' outputs (in branch order): `context` is what the
 * caller handed to runBranches, `outputsBound` an upper bound of the outputs' JSON size
 * (Infinity when a branch's was not known), so the result need not be walked to measure it.
 */
export type BranchesDone<T> = (context: T, outputs: unknown[], frame: Frame, outputsBound: number) => unknown;

/**
 * Runs every branch on the same input (its size bounded by `inputBound`) and hands their
 * outputs to `done`; returns what it returns. A branch whose states never assign reads
 * the Parallel state's variable scope itself rather than a scope of its own, which would
 * stay empty.
 */
export function runBranches<T>(
  branches: Branches,
  input: unknown,
  inputBound: number,
  parent: Frame,
  rawInput: unknown,
  context: T,
  done: BranchesDone<T>,
): unknown {
  const starts = branches.starts;
  const assigns = branches.assigns;
  const exec = parent.exec;
  // History: ParallelStateStarted comes before any branch's events.
  exec.eventId++;
  const history = exec.history;
  if (history !== null) history.stateEvent(parent, 'ParallelStateStarted');
  if (exec.standard && mayPark(parent)) return runParkableBranches(branches, input, inputBound, parent, rawInput, context, done);
  const stop = new StopSignal(parent.stop);
  const outputs = new Array<unknown>(starts.length);
  // The run loop leaves each branch frame's valueBound bounding its output; the array adds its brackets and commas.
  let outputsBound = 2 + starts.length;
  // Made when a branch first goes asynchronous: branches that all finish at once need no closure (nor this function a context for one).
  let join: BranchJoin | null = null;
  // The frame of a branch that finished synchronously, for the next branch that shares the
  // Parallel's scope (not while recording: a history's events name their branch's frame).
  let spare: Frame | null = null;
  for (let i = 0; i < starts.length; i++) {
    let frame: Frame;
    if (assigns[i]) frame = childFrame(parent, stop, parent.mapIndex, parent.mapValue, false, branches.layouts[i]!);
    else if (spare !== null) {
      frame = spare;
      spare = null;
      frame.restart(parent.mapIndex, parent.mapValue);
    } else frame = new Frame(exec, parent.vars, parent.mapIndex, parent.mapValue, stop);
    frame.valueBound = inputBound;
    if (history !== null) frame.historyEventId = parent.historyEventId;
    let out: unknown;
    try {
      out = runStates(starts[i]!, input, frame);
    } catch (error) {
      stop.stop();
      if (join !== null) join.abandon();
      if (join === null) failedBranch(parent, frame, i, error, noFrames, allEnded);
      else join.failed(i, frame, error);
      if (history !== null) recordParallelEnd(history, parent, error);
      throw error;
    }
    if (isPending(out)) (join ??= new BranchJoin(outputs, stop, parent)).add(i, frame, out);
    else {
      outputs[i] = out;
      outputsBound += frame.valueBound;
      if (history === null && !assigns[i]) spare = frame;
    }
  }
  if (join === null) {
    if (history !== null) recordParallelEnd(history, parent, null);
    return done(context, outputs, parent, outputsBound);
  }
  return join.joined(outputsBound, context, done);
}

/** The branches of one runBranches call that went asynchronous: their outputs as they come, and the Parallel's end once all have. */
class BranchJoin {
  private readonly outputs: unknown[];
  private readonly stop: StopSignal;
  private readonly parent: Frame;
  private readonly pending: Promise<unknown>[];
  /** The asynchronous branches' frames by branch index, and which of them ended. */
  private readonly frames: Frame[];
  private readonly ended: boolean[];
  /** The bounds of the asynchronous branches' outputs, added as they end. */
  private bound: number;
  constructor(outputs: unknown[], stop: StopSignal, parent: Frame) {
    this.outputs = outputs;
    this.stop = stop;
    this.parent = parent;
    this.pending = [];
    this.frames = [];
    this.ended = [];
    this.bound = 0;
  }
  /** Branch `index` (in `frame`) failed while the asynchronous ones not ended still ran. */
  failed(index: number, frame: Frame, thrown: unknown): void {
    this.ended[index] = true;
    failedBranch(this.parent, frame, index, thrown, this.frames, (i) => this.ended[i] === true);
  }
  /** Branch `index`, run in `frame`, goes on asynchronously: its output is `out`'s value. */
  add(index: number, frame: Frame, out: PromiseLike<unknown>): void {
    const stop = this.stop;
    this.frames[index] = frame;
    const branchFailed = (error: unknown) => {
      // The first failure abandons the other branches at once; one failing after it recorded its TaskStateAborted, and nothing more.
      if (!stop.isStopped()) {
        stop.stop();
        this.failed(index, frame, error);
      }
      this.ended[index] = true;
      throw error;
    };
    this.pending.push(
      Promise.resolve(out).then((value) => {
        this.ended[index] = true;
        this.outputs[index] = value;
        this.bound += frame.valueBound;
      }, branchFailed),
    );
  }
  /** A branch failed synchronously: the pending ones end as Abandoned, and nobody awaits them any more. */
  abandon(): void {
    for (const p of this.pending) p.then(undefined, ignore);
  }
  /** `done` with every output, once all pending branches have ended (`syncBound`: the bound of the others' outputs, brackets and commas). */
  joined<T>(syncBound: number, context: T, done: BranchesDone<T>): Promise<unknown> {
    const parent = this.parent;
    const history = parent.exec.history;
    const all = Promise.all(this.pending);
    if (history === null) return all.then(() => done(context, this.outputs, parent, syncBound + this.bound));
    return all.then(
      () => {
        recordParallelEnd(history, parent, null);
        return done(context, this.outputs, parent, syncBound + this.bound);
      },
      (error) => {
        recordParallelEnd(history, parent, error);
        throw error;
      },
    );
  }
}

/**
 * runBranches where the branches' waits park the execution (see run/parked-branches.ts): each
 * branch in a frame of its own, its output, failure or parked point gathered by a
 * ParkedBranches, which is thrown (or rejects the returned promise) once every branch that
 * did not finish is parked.
 */
function runParkableBranches<T>(
  branches: Branches,
  input: unknown,
  inputBound: number,
  parent: Frame,
  rawInput: unknown,
  context: T,
  done: BranchesDone<T>,
): unknown {
  const { starts, assigns } = branches;
  const history = parent.exec.history;
  const stop = new StopSignal(parent.stop, true);
  // Made when a branch first parks or goes asynchronous: branches that all finish at once need none.
  let group: ParkedBranches | null = null;
  const finished = new Array<unknown>(starts.length);
  let finishedBound = 2 + starts.length;
  for (let i = 0; i < starts.length && !(group !== null && group.failed); i++) {
    const frame = assigns[i]
      ? childFrame(parent, stop, parent.mapIndex, parent.mapValue, false, branches.layouts[i]!)
      : new Frame(parent.exec, parent.vars, parent.mapIndex, parent.mapValue, stop);
    frame.valueBound = inputBound;
    if (history !== null) frame.historyEventId = parent.historyEventId;
    let out: unknown;
    try {
      out = runStates(starts[i]!, input, frame);
    } catch (thrown) {
      // A redrivable run's failure goes through the group too: its tap learns which branches finished (run/redrive.ts).
      if (group === null && !(thrown instanceof Suspension) && parent.exec.redrive === null) {
        stop.stop();
        failedBranch(parent, frame, i, thrown, noFrames, allEnded);
        if (history !== null) recordParallelEnd(history, parent, thrown);
        throw thrown;
      }
      group ??= ParkedBranches.after(parent, branches, rawInput, input, stop, finished, i, finishedBound);
      group.started(i, frame);
      group.threw(i, thrown);
      continue;
    }
    if (group === null && !isPromiseLike(out)) {
      finished[i] = out;
      finishedBound += frame.valueBound;
      continue;
    }
    group ??= ParkedBranches.after(parent, branches, rawInput, input, stop, finished, i, finishedBound);
    group.started(i, frame);
    group.gave(i, out);
  }
  if (group === null) {
    if (history !== null) recordParallelEnd(history, parent, null);
    return done(context, finished, parent, finishedBound);
  }
  let outputs: unknown[] | Promise<unknown[]>;
  try {
    outputs = group.launched();
  } catch (thrown) {
    if (history !== null) recordParallelEnd(history, parent, thrown);
    throw thrown;
  }
  if (!(outputs instanceof Promise)) {
    if (history !== null) recordParallelEnd(history, parent, null);
    return done(context, outputs, parent, group.outputsBound);
  }
  return outputs.then(
    (all) => {
      if (history !== null) recordParallelEnd(history, parent, null);
      return done(context, all, parent, group.outputsBound);
    },
    (thrown) => {
      if (history !== null) recordParallelEnd(history, parent, thrown);
      throw thrown;
    },
  );
}

/**
 * AWS links ParallelStateFailed (or, on a retry, the next ParallelStateStarted) to the failed
 * branch's last event; the failed branch's Task and the Tasks of the branches still running
 * (`frames` those started, `ended(i)` whether branch i ended) record TaskStateAborted after it
 * (their ids counted without a history too: causes cite later events' ids).
 */
export function failedBranch(
  parent: Frame,
  branch: Frame,
  index: number,
  thrown: unknown,
  frames: readonly (Frame | undefined)[],
  ended: (i: number) => boolean,
): void {
  parent.historyEventId = branch.historyEventId;
  if (!(thrown instanceof Interruption)) threadsAborted(parent, branch, index, frames, ended, false);
}

const allEnded = () => true;

/** ParallelStateSucceeded, or ParallelStateFailed when a branch failed (not when the execution ended). */
function recordParallelEnd(history: HistoryRecorder, parent: Frame, error: unknown): void {
  if (error === null) history.stateEvent(parent, 'ParallelStateSucceeded');
  else if (!(error instanceof Interruption)) history.stateEvent(parent, 'ParallelStateFailed');
}

function ignore() {}
