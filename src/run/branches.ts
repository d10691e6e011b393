import { Frame, StopSignal, VariableScope } from './frame.js';
import type { HistoryRecorder } from './history.js';
import { Interruption, runStates } from './run-states.js';
import { isPromiseLike, type StateNode } from './state.js';

/**
 * Running several threads of control (Parallel branches, Map iterations) under one state.
 * Each gets its own Frame, and its own variable scope when it assigns; the first failure
 * stops the rest at their next state boundary and becomes the state's failure.
 */
export function childFrame(parent: Frame, stop: StopSignal, mapIndex: number, mapValue: unknown, isolated: boolean): Frame {
  const vars = isolated ? new VariableScope(null) : new VariableScope(parent.vars);
  return new Frame(parent.exec, vars, mapIndex, mapValue, stop);
}

/** A Parallel's branches: where each starts, and whether any state in it assigns variables. */
export interface Branches {
  readonly starts: readonly StateNode[];
  readonly assigns: readonly boolean[];
}

/**
 * Runs every branch on the same input (its size bounded by `inputBound`); returns their
 * outputs in branch order. A branch whose states never assign reads the Parallel state's
 * variable scope itself rather than a scope of its own, which would stay empty.
 */
export function runBranches(branches: Branches, input: unknown, inputBound: number, parent: Frame): unknown {
  const { starts, assigns } = branches;
  // History: ParallelStateStarted comes before any branch's events.
  parent.exec.eventId++;
  const history = parent.exec.history;
  if (history !== null) history.stateEvent(parent, 'ParallelStateStarted');
  const stop = new StopSignal(parent.stop);
  const outputs = new Array<unknown>(starts.length);
  let pending: Promise<unknown>[] | null = null;
  for (let i = 0; i < starts.length; i++) {
    const frame = assigns[i] ? childFrame(parent, stop, parent.mapIndex, parent.mapValue, false) : new Frame(parent.exec, parent.vars, parent.mapIndex, parent.mapValue, stop);
    frame.valueBound = inputBound;
    if (history !== null) frame.historyEventId = parent.historyEventId;
    let out: unknown;
    try {
      out = runStates(starts[i]!, input, frame);
    } catch (error) {
      stop.stop();
      // Branches already pending will end as Abandoned; nobody awaits them any more.
      if (pending !== null) for (const p of pending) p.then(undefined, ignore);
      if (history !== null) recordParallelEnd(history, parent, error);
      throw error;
    }
    if (isPromiseLike(out)) {
      const index = i;
      (pending ??= []).push(Promise.resolve(out).then((value) => (outputs[index] = value)));
    } else outputs[i] = out;
  }
  if (pending === null) {
    if (history !== null) recordParallelEnd(history, parent, null);
    return outputs;
  }
  const all = firstFailureStops(pending, stop).then(() => outputs);
  if (history === null) return all;
  return all.then(
    (value) => {
      recordParallelEnd(history, parent, null);
      return value;
    },
    (error) => {
      recordParallelEnd(history, parent, error);
      throw error;
    },
  );
}

/** ParallelStateSucceeded, or ParallelStateFailed when a branch failed (not when the execution ended). */
function recordParallelEnd(history: HistoryRecorder, parent: Frame, error: unknown): void {
  if (error === null) history.stateEvent(parent, 'ParallelStateSucceeded');
  else if (!(error instanceof Interruption)) history.stateEvent(parent, 'ParallelStateFailed');
}

function ignore() {}

/** Like Promise.all, and marks the siblings stopped as soon as one fails. */
export function firstFailureStops(pending: Promise<unknown>[], stop: StopSignal): Promise<unknown> {
  return Promise.all(
    pending.map((p) =>
      p.then(undefined, (error) => {
        stop.stop();
        throw error;
      }),
    ),
  );
}
