import type { Frame } from './frame.js';
import { Interruption } from './interruptions.js';
import { continueFrom } from './run-states.js';
import { isPromiseLike, type StateNode } from './state.js';

/** Where an execution's result goes: the machine's race of completion, deadline and abort. */
export interface ResultPort {
  complete(output: unknown): void;
  fail(thrown: unknown): void;
  /** The execution is parked in `suspension` (a durable store records it here). */
  suspended?(suspension: Suspension): void;
  /** A parked execution runs on (its durable record no longer holds). */
  resumed?(): void;
}

/** What drops an answered activity task from its queue (the integrations' withdrawActivity). */
export interface ActivityWithdrawal {
  withdrawActivity?(activityArn: string, taskToken: string): void;
}

/**
 * A Task's result step, compiled once per Task state: with the suspension's answer it runs
 * what the attempt would have run after its handler (ResultSelector, ResultPath, Output,
 * Assign; Retry and Catch on a failure) and returns the state's output, or a promise of it.
 */
export type TaskResume = (suspension: Suspension) => unknown;

/**
 * An execution waiting for a task token on its main line (`.waitForTaskToken`, an activity),
 * as plain data: no promise chain and no closure stack is left of it. Thrown by the Task's
 * call (an Interruption: no Retry or Catch handles it), it collects on its way out what
 * resuming needs: the Task's state node and raw input and its Retry counters; the frame
 * holds the rest (state name, entered time, retry count, variables, history ids), and the
 * execution the context object. The machine then parks it with the port its result goes to;
 * SendTaskSuccess/Failure, a timeout or the execution's end answers it (TaskTokens), and the
 * execution runs on from the Task's result step.
 */
export class Suspension extends Interruption {
  readonly frame: Frame;
  readonly token: string;
  /** The waiting Task's state node, its input, and its result step. */
  node: StateNode | null;
  rawInput: unknown;
  resume: TaskResume | null;
  /** The Task's Retry counters so far (null: no retry yet). */
  retries: number[] | null;
  /** An activity task's ARN and the integrations whose queue drops it once answered. */
  activityArn: string | null;
  activities: ActivityWithdrawal | null;
  /** Set once the machine parked it; null while the run is still unwinding. */
  port: ResultPort | null;
  /** The answer: a success's output, else the error that ends the wait. */
  answered: boolean;
  answerOk: boolean;
  answer: unknown;
  constructor(frame: Frame, token: string) {
    super();
    this.frame = frame;
    this.token = token;
    this.node = null;
    this.rawInput = undefined;
    this.resume = null;
    this.retries = null;
    this.activityArn = null;
    this.activities = null;
    this.port = null;
    this.answered = false;
    this.answerOk = false;
    this.answer = undefined;
  }

  /** The machine hands over where the result goes; an answer that came while the run unwound is taken now. */
  park(port: ResultPort): void {
    this.port = port;
    if (this.answered) queueMicrotask(() => resumeExecution(this));
    else port.suspended?.(this);
  }

  /** The token was answered (ok: SendTaskSuccess's output) or the wait ended (the error). */
  settle(ok: boolean, value: unknown): void {
    if (this.answered) return;
    this.answered = true;
    this.answerOk = ok;
    this.answer = value;
    if (this.activities !== null) this.activities.withdrawActivity?.(this.activityArn!, this.token);
    if (this.port === null) return;
    // The execution's end answers from inside the machine's settling: the run goes on (and
    // sees it ended) once that is done, as a promise would have.
    if (!ok && value instanceof Interruption) queueMicrotask(() => resumeExecution(this));
    else resumeExecution(this);
  }
}

/** Runs a parked execution on from its Task's result step, to its end or its next suspension. */
function resumeExecution(suspension: Suspension): void {
  const port = suspension.port!;
  suspension.port = null;
  port.resumed?.();
  const frame = suspension.frame;
  // Time passed while the task waited.
  frame.exec.clockStale = true;
  let out: unknown;
  try {
    out = continueFrom(suspension.node!, suspension.resume!(suspension), frame);
  } catch (thrown) {
    if (thrown instanceof Suspension) thrown.park(port);
    else port.fail(thrown);
    return;
  }
  follow(out, port);
}

/** Sends a run's output (or the promise of it) to `port`; a suspension on the way is parked there. */
export function follow(out: unknown, port: ResultPort): void {
  if (!isPromiseLike(out)) {
    port.complete(out);
    return;
  }
  Promise.resolve(out).then(
    (output) => port.complete(output),
    (thrown) => {
      if (thrown instanceof Suspension) thrown.park(port);
      else port.fail(thrown);
    },
  );
}
