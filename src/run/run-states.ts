import { resultTooLarge } from './errors.js';
import { abandonedThread, type Frame } from './frame.js';
import { uncaughtFailureEvents } from './failure-events.js';
import { abandoned, executionEnded, type Interruption } from './interruptions.js';
import { payloadBound } from './limits.js';
import { isPromiseLike, type StateNode } from './state.js';

export { Abandoned, ExecutionTimeout, Interruption } from './interruptions.js';

/**
 * A synchronous run yields to the event loop after this many transitions (a power of two),
 * so timers and aborts get a turn; checked every SLICE_CHECK_INTERVAL transitions, with the
 * time the stretch has run.
 */
const TRANSITIONS_PER_SLICE = 8192;
/**
 * Or sooner, once a stretch has run this long: transitions that each measure a large
 * payload take milliseconds apiece, and thousands of them held the thread for seconds.
 */
const SLICE_MS = 20;
const SLICE_CHECK_INTERVAL = 64;
/**
 * performance.now() at the first check of the current synchronous stretch, or 0 between
 * stretches: the microtask queued with it runs once the stretch gives the thread back.
 */
let sliceStart = 0;
function endSlice(): void {
  sliceStart = 0;
}

/**
 * Runs states from `start` until one ends the thread of control, synchronously for as long
 * as every state completes synchronously; the first asynchronous state switches to a
 * promise chain for the rest of the run.
 */
export function runStates(start: StateNode, input: unknown, frame: Frame): unknown {
  let state: StateNode | null = start;
  let value = input;
  const exec = frame.exec;
  while (state !== null) {
    if (frame.stop !== null && frame.stop.isStopped()) throw endedBefore(abandoned, state, value, frame);
    if ((++exec.transitions & (SLICE_CHECK_INTERVAL - 1)) === 0 && sliceSpent(exec.transitions)) return resumeLater(state, value, frame);
    const now = exec.now();
    if (now > exec.deadlineMs || exec.aborted) throw endedBefore(executionEnded, state, value, frame);
    frame.stateName = state.name;
    frame.stateType = state.type;
    frame.enteredEventId = ++exec.eventId;
    frame.enteredMs = now;
    frame.retryCount = 0;
    frame.next = state.next;
    frame.resultBound = Infinity;
    if (!state.passesOwned) frame.owned = null;
    if (exec.history !== null) {
      exec.history.stateEntered(frame, value);
      frame.stateInput = value;
    }
    let out: unknown;
    try {
      out = state.run(value, frame);
    } catch (thrown) {
      stateFailed(frame, thrown);
      throw thrown;
    }
    if (isPromiseLike(out)) return continueAfter(out, state, frame);
    if (state.mayGrow) checkOutputSize(state, out, frame);
    if (exec.history !== null) exec.history.stateExited(frame, out);
    exec.eventId += state.extraEvents;
    value = out;
    state = frame.next as StateNode | null;
  }
  return value;
}

/**
 * The state running in `frame` failed, and the failure leaves it (no Retry or Catch took
 * it): its EvaluationFailed recorded, and that and a Parallel's or Map's Failed event
 * counted (run/failure-events.ts) as they happen, before the Parallel or Map it runs in
 * learns of it. A thread abandoned meanwhile (a sibling failed first) records nothing more.
 */
export function stateFailed(frame: Frame, thrown: unknown): void {
  if (abandonedThread(frame)) return;
  frame.exec.eventId += uncaughtFailureEvents(frame, thrown);
  frame.exec.history?.stateFailed(frame, thrown);
}

/**
 * The interruption that ends a thread before it enters `state`: while recording history the
 * thread then stands at `state`, with `value` its input, so that a redrive starts there.
 */
function endedBefore(interruption: Interruption, state: StateNode, value: unknown, frame: Frame): Interruption {
  if (frame.exec.history !== null) {
    frame.stateName = state.name;
    frame.stateType = state.type;
    frame.stateInput = value;
  }
  return interruption;
}

/**
 * Runs on after `state` produced `out` (its output, or a promise of it) as runStates would
 * have: a suspended execution re-enters here once its Task has its answer.
 */
export function continueFrom(state: StateNode, out: unknown, frame: Frame): unknown {
  if (isPromiseLike(out)) return continueAfter(out, state, frame);
  if (state.mayGrow) checkOutputSize(state, out, frame);
  const exec = frame.exec;
  if (exec.history !== null) exec.history.stateExited(frame, out);
  exec.eventId += state.extraEvents;
  const next = frame.next as StateNode | null;
  return next === null ? out : runStates(next, out, frame);
}

function continueAfter(pending: PromiseLike<unknown>, state: StateNode, frame: Frame): Promise<unknown> {
  // A then-chain rather than an async function: errors thrown later (a handler's, on a
  // retry) then capture no async stack frames, which made creating them twice as costly.
  const history = frame.exec.history;
  // A main line's failure without a history ends the execution: nothing later cites an id.
  const failed =
    history === null && frame.stop === null
      ? undefined
      : (thrown: unknown) => {
          stateFailed(frame, thrown);
          throw thrown;
        };
  return Promise.resolve(pending).then((value) => {
    // A sibling failed the Parallel or Map while the state ran: its thread records nothing more (AWS records its TaskStateAborted).
    if (abandonedThread(frame)) throw abandoned;
    // Time passed while the state waited.
    frame.exec.clockStale = true;
    if (state.mayGrow) checkOutputSize(state, value, frame);
    if (history !== null) history.stateExited(frame, value);
    frame.exec.eventId += state.extraEvents;
    const next = frame.next as StateNode | null;
    return next === null ? value : runStates(next, value, frame);
  }, failed);
}

/**
 * AWS fails a state whose output passes the payload limit, even if a later state would
 * shrink it. When the state's output is at most its input plus a value already measured,
 * adding the two bounds proves it fits without walking the output.
 */
function checkOutputSize(state: StateNode, output: unknown, frame: Frame): void {
  const limit = frame.exec.limits.payloadBytes;
  const sum = frame.valueBound + frame.resultBound;
  if (sum <= limit) {
    frame.valueBound = sum;
    return;
  }
  const bound = payloadBound(output, limit);
  if (bound > limit) throw resultTooLarge(state.name);
  frame.valueBound = bound;
}

/** True when this run has made TRANSITIONS_PER_SLICE more transitions, or the current synchronous stretch has run SLICE_MS. */
function sliceSpent(transitions: number): boolean {
  if ((transitions & (TRANSITIONS_PER_SLICE - 1)) === 0) return true;
  const now = performance.now();
  if (sliceStart !== 0) return now - sliceStart >= SLICE_MS;
  sliceStart = now;
  queueMicrotask(endSlice);
  return false;
}

function resumeLater(state: StateNode, value: unknown, frame: Frame): Promise<unknown> {
  frame.exec.transitions++;
  return new Promise((resolve) => setImmediate(resolve)).then(() => {
    frame.exec.clockStale = true;
    return runStates(state, value, frame);
  });
}
