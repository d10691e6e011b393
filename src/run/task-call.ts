import { types } from 'node:util';
import { scheduleLimit } from './clock.js';
import { AslError, StatesErrors, heartbeatLapse, textOf } from './errors.js';
import { childExecutionOf, contextObject, type EndListener, type Execution, type Frame } from './frame.js';
import { isPromiseLike } from './state.js';

/**
 * A Task's handler call at run time: the context the handler sees, its throws as ASL
 * errors, and TimeoutSeconds/HeartbeatSeconds as a race against the clock. The Task's
 * compiler (compile/states/task.ts) decides when to call; this is what a call does.
 */

export interface TaskContext {
  /** The context object (`$$`) as the task sees it. */
  readonly context: Record<string, unknown>;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
  /** Aborts when the task times out, misses its heartbeat, or the execution ends. */
  readonly signal: AbortSignal;
  /** Resets the HeartbeatSeconds timer. */
  heartbeat(): void;
}

/**
 * The execution a task context belongs to, as an opaque object: the same object for every
 * task of one execution, and a different one for each execution, even two with the same
 * name; a distributed Map's child execution is one of its own. Mocks count invocations per
 * execution with it (in a WeakMap, so nothing outlives the execution). Absent from contexts
 * made outside the engine.
 */
export const EXECUTION_IDENTITY = Symbol.for('statemill.executionIdentity');

export type Handler = (input: any, ctx: TaskContext) => unknown;
export type Handlers = Readonly<Record<string, Handler>>;

/**
 * TimeoutSeconds / HeartbeatSeconds of one attempt. With a `…Path`, the compiled Timing
 * reads them from the state's input after InputPath (`fromPaths`); the Task resolves them
 * before calling, so a call always gets the attempt's own values.
 */
export interface Timing {
  timeoutSeconds(input: unknown, frame: Frame): number;
  heartbeatSeconds(input: unknown, frame: Frame): number;
  readonly bounded: boolean;
  readonly fromPaths: boolean;
}

/**
 * The context of one handler call without TimeoutSeconds, HeartbeatSeconds or a task token,
 * which is most calls: two fields (40 bytes; one is made per call, and allocation per
 * execution decides how often a young-generation collection meets one). It is not shared
 * between calls: a handler may keep it, and then reads its own call's attempt and signal.
 * `context` is built from the frame when read, as in every context.
 */
class HandlerContext implements TaskContext {
  readonly attempt: number;
  protected readonly frame: Frame;
  constructor(frame: Frame) {
    this.attempt = frame.retryCount + 1;
    this.frame = frame;
  }
  get context(): Record<string, unknown> {
    return contextObject(this.frame);
  }
  get [EXECUTION_IDENTITY](): object {
    return childExecutionOf(this.frame.stop) ?? this.frame.exec;
  }
  /** The execution's signal (made on demand): nothing else ends an unlimited call. */
  get signal(): AbortSignal {
    return this.frame.exec.signal;
  }
  heartbeat(): void {}
}

/** The context of a call with a deadline (TimeoutSeconds, HeartbeatSeconds) or a task token. */
class LimitedHandlerContext extends HandlerContext {
  private readonly deadline: TaskDeadline | null;
  /** A callback's token, kept for reads after the frame has handed it out (after an await). */
  private readonly taskToken: string | null;
  constructor(frame: Frame, deadline: TaskDeadline | null) {
    super(frame);
    this.deadline = deadline;
    this.taskToken = frame.taskToken;
  }
  override get context(): Record<string, unknown> {
    const context = contextObject(this.frame);
    if (this.taskToken !== null && context.Task === undefined) context.Task = { Token: this.taskToken };
    return context;
  }
  /** The task's own signal when it has a timeout or heartbeat, else the execution's (made on demand). */
  override get signal(): AbortSignal {
    return this.deadline !== null ? this.deadline.signal : this.frame.exec.signal;
  }
  override heartbeat(): void {
    if (this.deadline !== null) this.deadline.heartbeat();
  }
}

/** The context of a call without TimeoutSeconds or HeartbeatSeconds: the two-field one unless it has a token. */
export function handlerContext(frame: Frame): TaskContext {
  return frame.taskToken === null ? new HandlerContext(frame) : new LimitedHandlerContext(frame, null);
}

/**
 * A handler's throw, as an ASL error, whose error and cause are always strings (or null).
 * An Error gives its `name` as the error and its `message` as the cause, as a Lambda
 * function's errorType and errorMessage; a name or message that is not a string is written
 * as text (see textOf). Anything else thrown is States.TaskFailed with the value as the
 * cause. Reading the thrown value never crashes the engine: a getter or Proxy that throws
 * leaves States.TaskFailed with a cause that says so.
 */
export function handlerError(thrown: unknown): AslError {
  let error: boolean;
  try {
    if (thrown instanceof AslError) return thrown;
    error = isError(thrown);
  } catch {
    return new AslError(StatesErrors.TaskFailed, 'The task handler threw a value that could not be read.');
  }
  if (!error) {
    if (typeof thrown === 'string') return new AslError(StatesErrors.TaskFailed, thrown);
    const shown = thrown === undefined ? 'undefined' : thrown === null ? 'null' : (textOf(thrown) ?? 'a value that could not be read');
    return new AslError(StatesErrors.TaskFailed, `The task handler threw a non-Error value: ${shown}`);
  }
  try {
    const { name, message } = thrown as { name: unknown; message: unknown };
    return new AslError((typeof name === 'string' ? name : textOf(name)) || 'Error', (typeof message === 'string' ? message : textOf(message)) ?? '');
  } catch {
    return new AslError(StatesErrors.TaskFailed, 'The task handler threw an Error whose name or message could not be read.');
  }
}

/** An Error of this realm or another (a worker's, a vm context's). */
function isError(value: unknown): boolean {
  return value instanceof Error || types.isNativeError(value);
}

/**
 * A handler's synchronous failure, returned by callHandler instead of thrown. The Task's
 * Retry and Catch sit about ten frames above the handler, and a throw costs by the frames
 * it unwinds: handing the failure up as a value saves a rethrow per failed attempt. Every
 * layer between the call and the state's recovery passes it on as it is (`instanceof
 * TaskFailure`); a state with neither Retry nor Catch throws it at the top of its attempt.
 * None resolves a promise with it, so it exists only synchronously. A failure that comes
 * later (a rejected promise) stays a rejection.
 */
export class TaskFailure {
  readonly error: AslError;
  constructor(error: AslError) {
    this.error = error;
  }
}

/** A value that may be a TaskFailure, as the throw that code outside the Task's call chain expects. */
export function throwIfFailed(value: unknown): unknown {
  if (value instanceof TaskFailure) throw value.error;
  return value;
}

/**
 * Calls a Task's handler: its result, a promise of it (rejected with an AslError), or a
 * TaskFailure when the handler threw or its result came too late. A result whose `then`
 * getter throws fails as if the handler had thrown that, as awaiting it in a Lambda runtime does.
 */
export function callHandler(handler: Handler, input: unknown, frame: Frame, timing: Timing): unknown {
  // Handler code takes time: the next transition reads the clock again.
  frame.exec.clockStale = true;
  if (!timing.bounded) {
    let result: unknown;
    let later: boolean;
    try {
      result = handler(input, handlerContext(frame));
      later = isPromiseLike(result);
    } catch (thrown) {
      return new TaskFailure(handlerError(thrown));
    }
    if (later) return Promise.resolve(result).then(answerOf, rejectAsAslError);
    return result === undefined ? null : result;
  }
  return callWithDeadlines(handler, input, frame, timing);
}

function rejectAsAslError(thrown: unknown): never {
  throw handlerError(thrown);
}

/** A handler that returns nothing answers null, as a Lambda function does (its runtime sends `null`). */
function answerOf(result: unknown): unknown {
  return result === undefined ? null : result;
}

/**
 * TimeoutSeconds and HeartbeatSeconds of one task attempt: clock timers that fail the
 * attempt when they fire, and the AbortSignal the handler sees, created only if it asks.
 * A handler that holds the thread can keep a timer from firing, so its result is also
 * checked against the limits when it arrives: a late result is a timeout all the same.
 * The execution ending (stopped, timed out) ends the timers too, answered or not.
 */
class TaskDeadline implements EndListener {
  private readonly exec: Execution;
  private readonly timeoutMs: number;
  private readonly heartbeatMs: number;
  private readonly startMs: number;
  private lastBeatMs: number;
  private controller: AbortController | null = null;
  private cancelTimeout: (() => void) | null = null;
  private cancelHeartbeat: (() => void) | null = null;
  private fail: ((error: AslError) => void) | null = null;
  private settled = false;
  constructor(exec: Execution, timeoutMs: number, heartbeatMs: number) {
    this.exec = exec;
    this.timeoutMs = timeoutMs;
    this.heartbeatMs = heartbeatMs;
    this.startMs = exec.clock.now();
    this.lastBeatMs = this.startMs;
  }
  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      const own = this.controller;
      // The execution ending also ends the task.
      const execSignal = this.exec.signal;
      if (execSignal.aborted) own.abort(execSignal.reason);
      else execSignal.addEventListener('abort', () => own.abort(execSignal.reason), { once: true });
    }
    return this.controller.signal;
  }
  /** The limit the attempt has passed by now (States.Timeout first), or null. */
  passed(): AslError | null {
    const now = this.exec.clock.now();
    if (now - this.startMs > this.timeoutMs) return new AslError(StatesErrors.Timeout, null);
    if (this.heartbeatMs > 0 && now - this.lastBeatMs > this.heartbeatMs) return heartbeatLapse;
    return null;
  }
  /** Arms the timers for what is left of the limits; `fail` settles the attempt when one fires. */
  start(fail: (error: AslError) => void): void {
    // Ended while the handler ran: nothing to time.
    if (this.exec.aborted) return;
    this.fail = fail;
    this.exec.listenForEnd(this);
    const left = this.timeoutMs - (this.exec.clock.now() - this.startMs);
    this.cancelTimeout = scheduleLimit(this.exec.clock, Math.max(0, left), () => this.expire(new AslError(StatesErrors.Timeout, null)));
    this.armHeartbeat(this.heartbeatMs - (this.exec.clock.now() - this.lastBeatMs));
  }
  heartbeat(): void {
    if (this.heartbeatMs <= 0 || this.settled) return;
    this.lastBeatMs = this.exec.clock.now();
    if (this.fail !== null) this.armHeartbeat(this.heartbeatMs);
  }
  private armHeartbeat(ms: number): void {
    if (this.heartbeatMs <= 0) return;
    this.cancelHeartbeat?.();
    this.cancelHeartbeat = scheduleLimit(this.exec.clock, Math.max(0, ms), () => this.expire(heartbeatLapse));
  }
  private expire(error: AslError): void {
    if (this.settled) return;
    this.fail!(error);
    // The handler lost the race: tell it to stop.
    this.controller?.abort(error);
  }
  stop(): void {
    this.settled = true;
    this.cancelTimeout?.();
    this.cancelHeartbeat?.();
    if (this.fail !== null) this.exec.forgetEndListener(this);
  }
  executionEnded(): void {
    this.stop();
  }
}

/** A handler run under TimeoutSeconds/HeartbeatSeconds: a race against the clock. */
function callWithDeadlines(handler: Handler, input: unknown, frame: Frame, timing: Timing): unknown {
  const timeoutMs = timing.timeoutSeconds(input, frame) * 1000;
  const deadline = new TaskDeadline(frame.exec, timeoutMs, timing.heartbeatSeconds(input, frame) * 1000);
  let result: unknown;
  let later: boolean;
  try {
    result = handler(input, new LimitedHandlerContext(frame, deadline));
    later = isPromiseLike(result);
  } catch (thrown) {
    return new TaskFailure(deadline.passed() ?? handlerError(thrown));
  }
  if (!later) {
    const late = deadline.passed();
    return late !== null ? new TaskFailure(late) : answerOf(result);
  }
  return new Promise((resolve, reject) => {
    deadline.start((error) => {
      deadline.stop();
      reject(error);
    });
    Promise.resolve(result).then(
      (value) => {
        const late = deadline.passed();
        deadline.stop();
        if (late !== null) reject(late);
        else resolve(answerOf(value));
      },
      (thrown) => {
        const late = deadline.passed();
        deadline.stop();
        reject(late ?? handlerError(thrown));
      },
    );
  });
}
