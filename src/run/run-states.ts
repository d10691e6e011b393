import type { Frame } from './frame.js';
import { abandoned, executionEnded } from './interruptions.js';

export { Abandoned, ExecutionTimeout, Interruption } from './interruptions.js';
import { isPromiseLike, type StateNode } from './state.js';

/** A synchronous run yields to the event loop after this many transitions, so timers and aborts get a turn. */
const TRANSITIONS_PER_SLICE = 10_000;

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
    if (frame.stop !== null && frame.stop.isStopped()) throw abandoned;
    const now = exec.clock.now();
    if (now > exec.deadlineMs || exec.aborted) throw executionEnded;
    if (++exec.transitions % TRANSITIONS_PER_SLICE === 0) return resumeLater(state, value, frame);
    frame.stateName = state.name;
    frame.stateType = state.type;
    frame.enteredEventId = ++exec.eventId;
    frame.enteredMs = now;
    frame.retryCount = 0;
    frame.next = state.next;
    const out = state.run(value, frame);
    if (isPromiseLike(out)) return continueAfter(out, state, frame);
    exec.eventId += state.extraEvents;
    value = out;
    state = frame.next as StateNode | null;
  }
  return value;
}

function continueAfter(pending: PromiseLike<unknown>, state: StateNode, frame: Frame): Promise<unknown> {
  // A then-chain rather than an async function: errors thrown later (a handler's, on a
  // retry) then capture no async stack frames, which made creating them twice as costly.
  return Promise.resolve(pending).then((value) => {
    frame.exec.eventId += state.extraEvents;
    const next = frame.next as StateNode | null;
    return next === null ? value : runStates(next, value, frame);
  });
}

function resumeLater(state: StateNode, value: unknown, frame: Frame): Promise<unknown> {
  frame.exec.transitions++;
  return new Promise((resolve) => setImmediate(resolve)).then(() => runStates(state, value, frame));
}
