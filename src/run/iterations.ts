import { Execution, Frame, VariableScope } from './frame.js';
import { ExecutionTimeout } from './interruptions.js';
import { runStates } from './run-states.js';
import { isPromiseLike, type StateNode } from './state.js';
import { StatesErrors } from './errors.js';
import { toAslError } from '../compile/recovery.js';

/** How one iteration ended: its output, or its error and cause. */
export type IterationOutcome = { readonly output: unknown } | { readonly error: string | null; readonly cause: string | null };

/**
 * Iterations of one Map state for one execution that reached it somewhere else (the
 * pool's Map fan-out runs chunks of them in other threads). They share a stand-in for that
 * execution, so each sees what it would see there: `$$.Execution`, its own `$$.Map.Item`,
 * and the variables the Map can read.
 */
export class MapIterations {
  private readonly start: StateNode;
  private readonly exec: Execution;
  private readonly outer: VariableScope | null;
  constructor(start: StateNode, exec: Execution, outer: VariableScope | null) {
    this.start = start;
    this.exec = exec;
    this.outer = outer;
  }

  /** Runs the iteration of item number `index`. Never throws or rejects: a failure is an outcome. */
  run(item: unknown, index: number): IterationOutcome | Promise<IterationOutcome> {
    const frame = new Frame(this.exec, new VariableScope(this.outer), index, item);
    let out: unknown;
    try {
      out = runStates(this.start, item, frame);
    } catch (thrown) {
      return failed(thrown);
    }
    if (isPromiseLike(out)) return Promise.resolve(out).then(succeeded, failed);
    return { output: out };
  }
}

function succeeded(output: unknown): IterationOutcome {
  return { output };
}

function failed(thrown: unknown): IterationOutcome {
  if (thrown instanceof ExecutionTimeout) return { error: StatesErrors.Timeout, cause: 'The execution ran out of time during this iteration.' };
  const error = toAslError(thrown);
  return { error: error.error, cause: error.cause };
}
