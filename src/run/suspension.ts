import type { EndListener, Frame } from './frame.js';
import { Interruption, abandoned, executionEnded } from './interruptions.js';
import { continueFrom, stateFailed } from './run-states.js';
import { isPromiseLike, type StateNode } from './state.js';

/** Where an execution's result goes: the machine's race of completion, deadline and abort. */
export interface ResultPort {
  complete(output: unknown): void;
  fail(thrown: unknown): void;
  /** The execution is parked in `suspension`, or its parked wait changed (a worker took its activity task): a durable store records it here. */
  suspended?(suspension: Suspension): void;
  /** A parked execution runs on (its durable record no longer holds). */
  resumed?(): void;
}

/** What hands an activity task to workers and drops it once answered (the integrations' scheduleActivity/withdrawActivity). */
export interface ActivityQueues {
  scheduleActivity?(activityArn: string, taskToken: string, input: unknown): void;
  withdrawActivity?(activityArn: string, taskToken: string): void;
}

/** The activity task a suspension waits on: its activity, the input workers get, and whether one took it. */
export interface ActivityWait {
  readonly arn: string;
  readonly input: unknown;
  readonly queues: ActivityQueues;
  taken: boolean;
}

/**
 * The nested execution a `states:startExecution.sync` Task waits on: its ARN once its start
 * was answered ('' until then), whether it ended, and how to follow it (again, after a
 * restart) and stop it.
 */
export interface ChildWait {
  executionArn: string;
  ended: boolean;
  /** Follows the child to its end, which settles the wait on `token`. */
  follow(token: string): void;
  /** Stops the child: the wait ended first (the Task's timeout, the parent's end) with `reason`. */
  stop(reason: unknown): void;
}

/**
 * What runs a suspended state on once its wait is over, compiled once per state: a Task's
 * result step (ResultSelector, ResultPath, Output, Assign; Retry and Catch on a failure)
 * with the token's answer, a Wait's end (OutputPath, Assign), a retry's next attempt. It
 * returns the state's output, or a promise of it.
 */
export type ResumeStep = (suspension: Suspension) => unknown;

/**
 * An execution waiting on its main line, as plain data: no promise chain and no closure
 * stack is left of it. It waits for a task token (`.waitForTaskToken`, an activity) or on a
 * timer (`token` empty: a Wait state, a retry interval, until `wakeAt`). Thrown by the
 * state (an Interruption: no Retry or Catch handles it), it collects on its way out what
 * resuming needs: the state's node and raw input and its Retry counters; the frame holds
 * the rest (state name, entered time, retry count, variables, history ids), and the
 * execution the context object. The machine then parks it with the port its result goes to;
 * SendTaskSuccess/Failure, a timeout, the timer or the execution's end answers it, and the
 * execution runs on from the state's resume step.
 */
export class Suspension extends Interruption implements EndListener {
  readonly frame: Frame;
  /** The task token it waits for; empty for a timed wait. */
  readonly token: string;
  /** When a timed wait ends, in milliseconds of the clock (Infinity: never); Infinity for a token's wait. */
  wakeAt: number;
  /** The waiting state's node, its input, and its resume step. */
  node: StateNode | null;
  rawInput: unknown;
  resume: ResumeStep | null;
  /** The state's Retry counters so far (null: no retry yet). */
  retries: number[] | null;
  /** The activity task it waits on (null: none). */
  activity: ActivityWait | null;
  /** The nested execution it waits on (null: none). */
  child: ChildWait | null;
  /** Set once the machine parked it; null while the run is still unwinding. */
  port: ResultPort | null;
  /** The answer: a success's output, else the error that ends the wait. */
  answered: boolean;
  answerOk: boolean;
  answer: unknown;
  /** Cancels a timed wait's timer. */
  private cancelWake: (() => void) | null;
  constructor(frame: Frame, token: string) {
    super();
    this.frame = frame;
    this.token = token;
    this.wakeAt = Infinity;
    this.node = null;
    this.rawInput = undefined;
    this.resume = null;
    this.retries = null;
    this.activity = null;
    this.child = null;
    this.port = null;
    this.answered = false;
    this.answerOk = false;
    this.answer = undefined;
    this.cancelWake = null;
  }

  /**
   * Parks `frame`'s execution until `wakeAt` of its clock (at once when that has passed, as
   * after a restart): `node`'s wait or retry interval, run on by `node.wake` with `rawInput`
   * and the Retry counters `retries`. The execution's end ends it early.
   */
  static timed(frame: Frame, node: StateNode, rawInput: unknown, wakeAt: number, retries: number[] | null = null): Suspension {
    const exec = frame.exec;
    if (exec.aborted) throw executionEnded;
    const suspension = new Suspension(frame, '');
    suspension.node = node;
    suspension.rawInput = rawInput;
    suspension.resume = node.wake;
    suspension.retries = retries;
    suspension.wakeAt = wakeAt;
    const clock = exec.clock;
    suspension.cancelWake = clock.schedule(Math.max(0, wakeAt - clock.now()), suspension.woke.bind(suspension));
    exec.listenForEnd(suspension);
    return suspension;
  }

  private woke(): void {
    this.settle(true, undefined);
  }

  /** A timed wait ends with its execution. */
  executionEnded(): void {
    this.settle(false, executionEnded);
  }

  /** The machine hands over where the result goes; an answer that came while the run unwound is taken now. */
  park(port: ResultPort): void {
    this.port = port;
    if (this.answered) queueMicrotask(() => resumeExecution(this));
    // A `.sync` child not started yet leaves nothing to record: its start's answer records the wait (childStarted).
    else if (this.child === null || this.child.executionArn !== '') port.suspended?.(this);
  }

  /** A worker took the activity task: its history says so, and a durable record learns it is not to be handed out again. */
  activityTaken(workerName: string | undefined): void {
    this.activity!.taken = true;
    activityStarted(this.frame, workerName);
    this.waitChanged();
  }

  /** What a parked wait's durable record holds changed (a worker took its activity task, an event was recorded): a store records it again. */
  waitChanged(): void {
    if (this.port !== null && !this.answered) this.port.suspended?.(this);
  }

  /** The nested execution's start was answered: a durable record learns which execution it waits on. */
  childStarted(executionArn: string): void {
    const child = this.child!;
    child.executionArn = executionArn;
    // A wait that ended before the start was answered (a timeout, the parent stopped) stops the child now.
    if (this.answered) {
      if (!this.answerOk && !child.ended) child.stop(this.answer);
    } else if (this.port !== null) this.port.suspended?.(this);
  }

  /**
   * After a restart: whether the record (`executionArn`: the child it names) fits the Task, whose
   * probe gave `child` (null: not a `.sync` child's wait); a fitting child is followed again.
   */
  followsChild(child: ChildWait | null, executionArn: string | undefined): boolean {
    if (child === null || executionArn === undefined) return child === null && executionArn === undefined;
    this.child = child;
    child.executionArn = executionArn;
    child.follow(this.token);
    return true;
  }

  /**
   * Ends the wait unanswered and runs nothing on: its thread of control was abandoned (a
   * sibling branch failed). Its timer, activity task and `.sync` child go with it; a token's
   * registry entry is the caller's to withdraw.
   */
  withdraw(): void {
    this.port = null;
    this.settle(false, abandoned);
  }

  /** The token was answered (ok: SendTaskSuccess's output), the timer fired (ok), or the wait ended (the error). */
  settle(ok: boolean, value: unknown): void {
    if (this.answered) return;
    this.answered = true;
    this.answerOk = ok;
    this.answer = value;
    if (this.cancelWake !== null) {
      this.cancelWake();
      this.cancelWake = null;
      this.frame.exec.forgetEndListener(this);
    }
    if (this.activity !== null) this.activity.queues.withdrawActivity?.(this.activity.arn, this.token);
    const child = this.child;
    if (!ok && child !== null && !child.ended && child.executionArn !== '') child.stop(value);
    if (this.port === null) return;
    // The execution's end answers from inside the machine's settling: the run goes on (and
    // sees it ended) once that is done, as a promise would have.
    if (!ok && value instanceof Interruption) queueMicrotask(() => resumeExecution(this));
    else resumeExecution(this);
  }
}

/** ActivityStarted: a worker took the activity task of the Task running in `frame`; counted with or without a history. */
export function activityStarted(frame: Frame, workerName: string | undefined): void {
  frame.exec.eventId++;
  frame.exec.history?.activityStarted(frame, workerName);
}

/**
 * Whether a wait at `frame` parks its execution as plain data (a Suspension) rather than in
 * a promise: on the main line of an execution that Machine.run() started, and in the
 * branches of a Parallel or the iterations of a Map (inline or distributed) that parks (a
 * Standard execution's, itself where it may park: see run/parked-branches.ts and
 * parked-iterations.ts). Iterations that run in the pool wait in promises.
 */
export function mayPark(frame: Frame): boolean {
  const stop = frame.stop;
  return frame.exec.suspendable && (stop === null ? frame.mapIndex < 0 : stop.parks);
}

/**
 * Whether a timed wait here (a Wait state, a retry interval) parks the execution as plain
 * data (Suspension.timed) rather than sleeping in a promise: where mayPark() says, in a
 * Standard execution, on a clock that really waits (a virtual clock's waits pass at once).
 */
export function parksOnTimer(frame: Frame): boolean {
  const exec = frame.exec;
  return exec.standard && !exec.clock.virtual && mayPark(frame);
}

/** Runs a parked execution on from its state's resume step, to its end or its next suspension. */
function resumeExecution(suspension: Suspension): void {
  const port = suspension.port;
  // Withdrawn since the answer came (its Parallel branch was abandoned): nothing runs on.
  if (port === null) return;
  suspension.port = null;
  port.resumed?.();
  const frame = suspension.frame;
  // Time passed while the task waited.
  frame.exec.clockStale = true;
  // A timer (or a Parallel's parked branches) ends early with nothing but the execution's end: there is no state to run on.
  if (!suspension.answerOk && suspension.token === '' && suspension.answer instanceof Interruption) {
    port.fail(suspension.answer);
    return;
  }
  let out: unknown;
  try {
    out = suspension.resume!(suspension);
  } catch (thrown) {
    // The waiting state's own failure leaves it here, as a failure in the run loop leaves its state.
    if (!(thrown instanceof Suspension)) stateFailed(frame, thrown);
    runOnFailed(thrown, port);
    return;
  }
  try {
    out = continueFrom(suspension.node!, out, frame);
  } catch (thrown) {
    runOnFailed(thrown, port);
    return;
  }
  follow(out, port);
}

/** What a resumed run threw: its next suspension, parked at `port`, or its failure. */
function runOnFailed(thrown: unknown, port: ResultPort): void {
  if (thrown instanceof Suspension) thrown.park(port);
  else port.fail(thrown);
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
