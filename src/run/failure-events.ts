import { AslError } from './errors.js';
import type { Frame } from './frame.js';
import { ownEvaluationFailure } from './history-details.js';
import { Interruption } from './interruptions.js';

/**
 * Event ids of a failed attempt. The run loop counts a state's events as it exits
 * (StateNode.extraEvents: a Task's TaskScheduled, TaskStarted, TaskSucceeded and
 * TaskStateExited); the events a failed attempt recorded instead are counted here, by
 * whoever handles the failure, so that a later state cites the id AWS gives it. Only
 * failure paths call these.
 */

/**
 * A Task's failed attempt recorded TaskScheduled, TaskStarted and TaskFailed (or TaskSucceeded,
 * when its result failed after), or nothing when it failed before calling its handler
 * (Frame.failedBeforeCall, reset here). A Parallel or Map records no event of its own for a
 * retried attempt: its next attempt counts its ParallelStateStarted or MapStateStarted itself.
 */
export function failedAttemptEvents(frame: Frame): number {
  if (frame.stateType !== 'Task') return 0;
  if (!frame.failedBeforeCall) return 3;
  frame.failedBeforeCall = false;
  return 0;
}

/**
 * The attempt's failure was caught: the run loop adds the state's extraEvents, whose three
 * call events of a Task stand for the failed attempt's own; a Parallel's or Map's Failed
 * event stands for its Succeeded.
 */
export function caughtAttemptEvents(frame: Frame): number {
  return frame.stateType === 'Task' ? failedAttemptEvents(frame) - 3 : 0;
}

/**
 * The state running in `frame` failed its thread (a Parallel branch, a Map iteration) with
 * `thrown`: the attempt's own events, an EvaluationFailed for the state's own evaluation
 * failure, and a Parallel's or Map's Failed event when a branch or iteration failed it.
 */
export function uncaughtFailureEvents(frame: Frame, thrown: unknown): number {
  if (thrown instanceof Interruption) return 0;
  const evaluation = thrown instanceof AslError && ownEvaluationFailure(thrown.error ?? '', thrown.cause ?? '', frame.stateName, frame.enteredEventId) !== null;
  const own = frame.stateType === 'Parallel' || frame.stateType === 'Map' ? (evaluation ? 0 : 1) : failedAttemptEvents(frame);
  return own + (evaluation ? 1 : 0);
}
