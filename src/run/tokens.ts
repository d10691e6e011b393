import { randomFillSync } from 'node:crypto';
import { scheduleLimit } from './clock.js';
import { AslError, StatesErrors, heartbeatLapse } from './errors.js';
import type { EndListener, Execution, Frame } from './frame.js';
import { executionEnded } from './interruptions.js';
import { isPromiseLike } from './state.js';
import { Suspension, type ActivityWait } from './suspension.js';

/** Random bytes per token: 128 bits, so a token cannot be guessed. */
const TOKEN_RANDOM_BYTES = 16;
/** Bytes of the registry's prefix (8 base64url characters), which tells its tokens from others'. */
const PREFIX_BYTES = 6;
/** Random bytes drawn from the system at a time; tokens slice them (one system call per 256 tokens). */
const RANDOM_POOL_BYTES = TOKEN_RANDOM_BYTES * 256;
/** A task's TimeoutSeconds at or beyond this (AWS's default, 99999999 s) arms no timer: the execution's limit comes first. */
const UNBOUNDED_MS = 99_999_999_000;

/** What became of a SendTask* call: the task it settled, or why it settled none. */
export type TokenAnswer = 'settled' | 'invalid' | 'finished' | 'foreign';

/**
 * One task waiting for SendTaskSuccess/SendTaskFailure: plain fields, and either the
 * suspension of its execution (the main line's wait: see suspend()) or a promise's
 * resolve/reject (a wait inside a Parallel branch or a Map iteration, or a nested `.sync`
 * child's end). Heartbeat and timeout timers exist only when the state sets
 * HeartbeatSeconds/TimeoutSeconds.
 */
class PendingTask implements EndListener {
  readonly token: string;
  readonly exec: Execution;
  readonly heartbeatMs: number;
  readonly registry: TaskTokens;
  resolve: ((output: unknown) => void) | null;
  reject: ((error: unknown) => void) | null;
  suspension: Suspension | null;
  cancelTimeout: (() => void) | null;
  cancelHeartbeat: (() => void) | null;
  /** When the armed timers fire, in the clock's milliseconds (Infinity: not armed), for a durable record. */
  timeoutAt: number;
  heartbeatAt: number;
  /** Called once when a worker takes the task (an activity's ActivityStarted). */
  onStart: ((workerName: string | undefined) => void) | null;
  constructor(token: string, exec: Execution, heartbeatMs: number, registry: TaskTokens) {
    this.token = token;
    this.exec = exec;
    this.heartbeatMs = heartbeatMs;
    this.registry = registry;
    this.resolve = null;
    this.reject = null;
    this.suspension = null;
    this.cancelTimeout = null;
    this.cancelHeartbeat = null;
    this.timeoutAt = Infinity;
    this.heartbeatAt = Infinity;
    this.onStart = null;
  }
  executionEnded(): void {
    this.registry.expire(this, executionEnded);
  }
}

/**
 * Task tokens of `.waitForTaskToken` and activity tasks. A token is this registry's random
 * prefix and 128 random bits (base64url); it is single-use: the first SendTaskSuccess or
 * SendTaskFailure settles the task and retires it, and so do the task's timeout, heartbeat
 * timeout and the end of its execution. A retired token is answered as AWS answers it
 * (`finished`: TaskTimedOut, "Provided task does not exist anymore"); text that is not a
 * token at all is `invalid` (InvalidToken); a well-formed token of another registry is
 * `foreign` (TaskDoesNotExist).
 */
export class TaskTokens {
  private readonly pending = new Map<string, PendingTask>();
  private readonly prefix: string;
  private readonly pool = Buffer.allocUnsafe(RANDOM_POOL_BYTES);
  private poolOffset = RANDOM_POOL_BYTES;
  /** Frames of probe attempts (see probeResume()), and how many run now. */
  private readonly probes = new WeakSet<Frame>();
  private probing = 0;
  private readonly shape: RegExp;
  /** A token's bytes: this registry's prefix, then the random part. */
  private readonly scratch = Buffer.alloc(PREFIX_BYTES + TOKEN_RANDOM_BYTES);

  constructor() {
    this.randomBytes(PREFIX_BYTES).copy(this.scratch, 0);
    this.prefix = this.scratch.toString('base64url', 0, PREFIX_BYTES);
    this.shape = /^[A-Za-z0-9_-]{30}$/;
  }

  /** Tasks waiting for their token now. */
  get size(): number {
    return this.pending.size;
  }

  /** A fresh, unguessable token (not yet waited on: see wait()). */
  mint(): string {
    // One toString of prefix and random bytes together gives one flat string (a `+` would keep three).
    this.randomBytes(TOKEN_RANDOM_BYTES).copy(this.scratch, PREFIX_BYTES);
    return this.scratch.toString('base64url');
  }

  /**
   * Waits for `token`'s answer: resolves with SendTaskSuccess's output, rejects with the
   * failure's AslError, States.Timeout after `timeoutMs`, `heartbeatLapse` (States.Timeout too) when
   * no heartbeat comes for `heartbeatMs` (0: none), or the execution's end. With
   * `deferHeartbeat` the heartbeat timer starts at the first heartbeat() (an activity's
   * starts when a worker takes the task).
   */
  wait(token: string, exec: Execution, timeoutMs: number, heartbeatMs: number, deferHeartbeat = false): Promise<unknown> {
    if (exec.aborted) return Promise.reject(executionEnded);
    const task = new PendingTask(token, exec, heartbeatMs, this);
    this.pending.set(token, task);
    const promise = new Promise<unknown>((resolve, reject) => {
      task.resolve = resolve;
      task.reject = reject;
    });
    this.arm(task, timeoutMs, deferHeartbeat);
    return promise;
  }

  /** Starts a waiting task's timers, and has its execution's end end it. */
  private arm(task: PendingTask, timeoutMs: number, deferHeartbeat: boolean, firstHeartbeatMs = task.heartbeatMs): void {
    if (timeoutMs < UNBOUNDED_MS) {
      task.timeoutAt = task.exec.clock.now() + timeoutMs;
      task.cancelTimeout = scheduleLimit(task.exec.clock, Math.max(0, timeoutMs), () => this.expire(task, new AslError(StatesErrors.Timeout, null)));
    }
    if (task.heartbeatMs > 0 && !deferHeartbeat) this.armHeartbeat(task, firstHeartbeatMs);
    task.exec.listenForEnd(task);
  }

  /**
   * Suspends the execution on `token` (its main line waits): as wait(), but the answer goes
   * to the returned Suspension, which the caller throws, instead of a promise. An activity
   * task's (`activity`) heartbeat timer starts when a worker takes it.
   */
  suspend(token: string, frame: Frame, timeoutMs: number, heartbeatMs: number, activity: ActivityWait | null = null): Suspension {
    const exec = frame.exec;
    if (exec.aborted) throw executionEnded;
    const suspension = new Suspension(frame, token);
    suspension.activity = activity;
    // A probe (see probeResume()) stops at the suspension point: nothing is registered, no resource called.
    if (this.isProbing(frame)) throw suspension;
    const task = new PendingTask(token, exec, heartbeatMs, this);
    task.suspension = suspension;
    this.pending.set(token, task);
    this.arm(task, timeoutMs, activity !== null);
    return suspension;
  }

  /**
   * Suspends `frame`'s execution again on `token` after a restart (a durable record's wait):
   * its timers fire at the recorded times, at once when these passed while the host was down.
   */
  resuspend(token: string, frame: Frame, timeoutAt: number, heartbeatMs: number, heartbeatAt: number): Suspension {
    const task = new PendingTask(token, frame.exec, heartbeatMs, this);
    const suspension = new Suspension(frame, token);
    task.suspension = suspension;
    this.pending.set(token, task);
    const now = frame.exec.clock.now();
    this.arm(task, timeoutAt === Infinity ? UNBOUNDED_MS : timeoutAt - now, heartbeatAt === Infinity, heartbeatAt - now);
    return suspension;
  }

  /**
   * Runs `attempt` (a Task's attempt on `frame`) with suspend() stopping at the suspension
   * point for that frame alone: the Suspension it throws carries the Task's result step (the
   * compiled closure a restart needs) and an activity's queues, nothing waits and no resource is called. Null when the
   * attempt does not suspend; a promise when it went asynchronous first (JSONata's library).
   */
  probeResume(frame: Frame, attempt: () => unknown): Suspension | null | Promise<Suspension | null> {
    this.probing++;
    this.probes.add(frame);
    const done = (thrown: unknown): Suspension | null => {
      this.probing--;
      this.probes.delete(frame);
      return thrown instanceof Suspension ? thrown : null;
    };
    let out: unknown;
    try {
      out = attempt();
    } catch (thrown) {
      return done(thrown);
    }
    if (!isPromiseLike(out)) return done(null);
    return Promise.resolve(out).then(() => done(null), done);
  }

  /** True while `frame` runs a probe attempt (probeResume()): checks of the world as it is now, such as an activity's existence, do not apply to a wait restored from the record. */
  isProbing(frame: Frame): boolean {
    return this.probing > 0 && this.probes.has(frame);
  }

  /** A waiting task's timers for a durable record: when its timeout and heartbeat timeout fire (Infinity: not armed). */
  timers(token: string): { timeoutAt: number; heartbeatMs: number; heartbeatAt: number } | null {
    const task = this.pending.get(token);
    return task === undefined ? null : { timeoutAt: task.timeoutAt, heartbeatMs: task.heartbeatMs, heartbeatAt: task.heartbeatAt };
  }

  /** The execution (its id) a waiting task with HeartbeatSeconds belongs to, and when its heartbeat timer fires; null otherwise. */
  heartbeatOf(token: string): { executionId: string; heartbeatAt: number } | null {
    const task = this.pending.get(token);
    return task === undefined || task.heartbeatMs <= 0 ? null : { executionId: task.exec.id, heartbeatAt: task.heartbeatAt };
  }

  /** True while `token`'s task waits for an answer. */
  isPending(token: string): boolean {
    return this.pending.has(token);
  }

  succeed(token: string, output: unknown): TokenAnswer {
    const task = this.take(token);
    if (typeof task === 'string') return task;
    if (task.suspension !== null) task.suspension.settle(true, output);
    else task.resolve!(output);
    return 'settled';
  }

  fail(token: string, error: string | null, cause: string | null): TokenAnswer {
    const task = this.take(token);
    if (typeof task === 'string') return task;
    settleFailed(task, new AslError(error, cause));
    return 'settled';
  }

  /** Resets the task's HeartbeatSeconds timer. */
  heartbeat(token: string): TokenAnswer {
    const task = this.pending.get(token);
    if (task === undefined) return this.whyMissing(token);
    if (task.heartbeatMs > 0) this.armHeartbeat(task);
    return 'settled';
  }

  /** Calls `listener` when a worker takes the waiting task (see started()). */
  whenStarted(token: string, listener: (workerName: string | undefined) => void): void {
    const task = this.pending.get(token);
    if (task !== undefined) task.onStart = listener;
  }

  /** A worker took the task: tells its listener once, and starts its HeartbeatSeconds. */
  started(token: string, workerName: string | undefined): TokenAnswer {
    const task = this.pending.get(token);
    if (task === undefined) return this.whyMissing(token);
    // The heartbeat timer first: the listener may record the task's timers (a durable record).
    if (task.heartbeatMs > 0) this.armHeartbeat(task);
    const listener = task.onStart;
    task.onStart = null;
    listener?.(workerName);
    return 'settled';
  }

  /** Fails a waiting task with `reason` (the call that handed its token out failed later). */
  failWith(token: string, reason: unknown): void {
    const task = this.pending.get(token);
    if (task !== undefined) this.expire(task, reason);
  }

  /** Ends a task without an answer (its attempt failed before anyone could answer). */
  withdraw(token: string): void {
    const task = this.pending.get(token);
    if (task !== undefined) this.retire(task);
  }

  /** Why a token settles nothing. */
  whyMissing(token: string): Exclude<TokenAnswer, 'settled'> {
    if (typeof token !== 'string' || !this.shape.test(token)) return 'invalid';
    return token.startsWith(this.prefix) ? 'finished' : 'foreign';
  }

  private take(token: string): PendingTask | Exclude<TokenAnswer, 'settled'> {
    const task = this.pending.get(token);
    if (task === undefined) return this.whyMissing(token);
    this.retire(task);
    return task;
  }

  /** Ends a waiting task with `reason` (its timer fired, or its execution ended). */
  expire(task: PendingTask, reason: unknown): void {
    if (this.pending.get(task.token) !== task) return;
    this.retire(task);
    settleFailed(task, reason);
  }

  private retire(task: PendingTask): void {
    this.pending.delete(task.token);
    task.cancelTimeout?.();
    task.cancelHeartbeat?.();
    task.cancelTimeout = task.cancelHeartbeat = null;
    task.timeoutAt = task.heartbeatAt = Infinity;
    task.exec.forgetEndListener(task);
  }

  private armHeartbeat(task: PendingTask, ms = task.heartbeatMs): void {
    task.cancelHeartbeat?.();
    task.heartbeatAt = task.exec.clock.now() + ms;
    task.cancelHeartbeat = scheduleLimit(task.exec.clock, Math.max(0, ms), () => this.expire(task, heartbeatLapse));
  }

  private randomBytes(bytes: number): Buffer {
    if (this.poolOffset + bytes > RANDOM_POOL_BYTES) {
      randomFillSync(this.pool);
      this.poolOffset = 0;
    }
    const slice = this.pool.subarray(this.poolOffset, this.poolOffset + bytes);
    this.poolOffset += bytes;
    return slice;
  }
}

function settleFailed(task: PendingTask, reason: unknown): void {
  if (task.suspension !== null) task.suspension.settle(false, reason);
  else task.reject!(reason);
}
