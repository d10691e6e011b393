import { AslError } from './errors.js';
import type { Frame } from './frame.js';
import { ownEvaluationFailure } from './history-details.js';
import { Interruption } from './interruptions.js';

/**
 * Event ids of a failure that leaves its state. The run loop counts a state's events as it
 * exits (StateNode.extraEvents), a Task its call's events as they happen; the events a
 * failure records instead of the exit are counted here, where the failure leaves the state
 * (run-states.ts stateFailed), so that a later state cites the id AWS gives it.
 */

/**
 * The state running in `frame` failed with `thrown`, no Retry or Catch taking it: an
 * EvaluationFailed for the state's own evaluation failure, and a Parallel's or Map's Failed
 * event when a branch or iteration failed it (a Task counted its call's end already).
 */
export function uncaughtFailureEvents(frame: Frame, thrown: unknown): number {
  if (thrown instanceof Interruption) return 0;
  const evaluation = thrown instanceof AslError && ownEvaluationFailure(thrown.error ?? '', thrown.cause ?? '', frame.stateName, frame.enteredEventId) !== null;
  const own = (frame.stateType === 'Parallel' || frame.stateType === 'Map') && !evaluation ? 1 : 0;
  return own + (evaluation ? 1 : 0);
}
