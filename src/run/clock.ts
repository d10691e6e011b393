/**
 * Time is injected: Wait states, retry intervals, timeouts and the timestamps of the
 * context object all read a Clock, so tests and benchmarks can make time pass instantly.
 */
import { OptionError } from './option-error.js';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `callback` after `ms` milliseconds of this clock's time; the returned function cancels it. */
  schedule(ms: number, callback: () => void): () => void;
  /**
   * Like schedule(), for a time limit (an execution's or a task's timeout, a heartbeat)
   * rather than a wait. Optional: a clock without it times limits with schedule().
   */
  scheduleLimit?(ms: number, callback: () => void): () => void;
  /**
   * Like scheduleLimit(), telling `target` when the limit passes rather than calling a
   * function: the limit is then one small object, with no closure (a waiting execution keeps
   * its deadline for as long as it waits). Optional: see setLimit().
   */
  limit?(ms: number, target: LimitTarget): Limit;
  /** Resolves after `ms` milliseconds of this clock's time, or rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal | null): Promise<void>;
  /** True when time passes only as sleeps end (no real waiting). */
  readonly virtual: boolean;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
}

/** What a time limit set with setLimit() tells when it passes. */
export interface LimitTarget {
  limitReached(): void;
}

/** A time limit set with setLimit(): cancel() takes it back. */
export interface Limit {
  cancel(): void;
}

/** A limit timed through a clock's scheduleLimit() or schedule(), for clocks without limit(). */
class ScheduledLimit implements Limit {
  constructor(readonly cancel: () => void) {}
}

/** Sets a limit on `clock` for `target`: with its limit() when it has one. */
export function setLimit(clock: Clock, ms: number, target: LimitTarget): Limit {
  if (clock.limit !== undefined) return clock.limit(ms, target);
  return new ScheduledLimit(scheduleLimit(clock, ms, () => target.limitReached()));
}

/** Times a limit on `clock`: with its scheduleLimit() when it has one. */
export function scheduleLimit(clock: Clock, ms: number, callback: () => void): () => void {
  return clock.scheduleLimit !== undefined ? clock.scheduleLimit(ms, callback) : clock.schedule(ms, callback);
}

/** sleep() on top of schedule(): the one way both clocks wait. */
function sleepOn(clock: Pick<Clock, 'schedule'>, ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const cancel = clock.schedule(ms, done);
    function onAbort() {
      cancel();
      reject(abortReason(signal!));
    }
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The longest delay setTimeout honours; a longer one (AWS allows Waits and timeouts of
 * 99,999,999 seconds, and a retry's backoff can grow without bound) fires after 1 ms.
 */
const MAX_TIMER_MS = 2_147_483_647;

/** One pending limit of the real clock: what it tells (a function or a target), null once it fired or was cancelled. */
class LimitEntry implements Limit {
  readonly due: number;
  callback: (() => void) | LimitTarget | null;
  private readonly queue: LimitQueue;
  constructor(due: number, callback: (() => void) | LimitTarget, queue: LimitQueue) {
    this.due = due;
    this.callback = callback;
    this.queue = queue;
  }
  cancel(): void {
    this.queue.cancel(this);
  }
}

/**
 * Time limits of the real clock (execution deadlines, task timeouts, heartbeats) share one
 * setTimeout, armed for the earliest: most limits are cancelled long before they expire,
 * and a Node timer per suspended execution would cost more than the execution itself.
 * Cancelled entries leave the heap lazily, or all at once when they are the majority.
 */
class LimitQueue {
  private heap: LimitEntry[] = [];
  private live = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerDue = Infinity;

  add(ms: number, callback: (() => void) | LimitTarget): LimitEntry {
    const entry = new LimitEntry(performance.now() + (ms > 0 ? ms : 0), callback, this);
    this.push(entry);
    this.live++;
    if (entry.due < this.timerDue) this.arm();
    return entry;
  }

  cancel(entry: LimitEntry): void {
    if (entry.callback === null) return;
    entry.callback = null;
    this.retired();
  }

  private retired(): void {
    this.live--;
    if (this.live === 0) {
      this.heap = [];
      this.disarm();
    } else if (this.heap.length > 1024 && this.live * 2 < this.heap.length) {
      this.heap = this.heap.filter((e) => e.callback !== null);
      for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
    }
  }

  private fire = (): void => {
    this.timer = null;
    this.timerDue = Infinity;
    const now = performance.now();
    while (this.heap.length > 0 && this.heap[0]!.due <= now) {
      const entry = this.pop();
      const callback = entry.callback;
      if (callback === null) continue;
      entry.callback = null;
      this.live--;
      if (typeof callback === 'function') callback();
      else callback.limitReached();
    }
    if (this.live === 0) this.heap = [];
    else this.arm();
  };

  private arm(): void {
    while (this.heap.length > 0 && this.heap[0]!.callback === null) this.pop();
    const first = this.heap[0];
    if (first === undefined) return this.disarm();
    if (this.timer !== null && this.timerDue <= first.due) return;
    this.disarm();
    this.timerDue = first.due;
    this.timer = setTimeout(this.fire, Math.min(Math.max(0, first.due - performance.now()), MAX_TIMER_MS));
  }

  private disarm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerDue = Infinity;
  }

  private push(entry: LimitEntry): void {
    const heap = this.heap;
    let i = heap.push(entry) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.due <= entry.due) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): LimitEntry {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private down(from: number): void {
    const heap = this.heap;
    const entry = heap[from]!;
    let i = from;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= heap.length) break;
      if (child + 1 < heap.length && heap[child + 1]!.due < heap[child]!.due) child++;
      if (heap[child]!.due >= entry.due) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = entry;
  }
}

const realLimits = new LimitQueue();

export const realClock: Clock = {
  virtual: false,
  now: Date.now,
  scheduleLimit(ms, callback) {
    const entry = realLimits.add(ms, callback);
    // A bound method holds no closure context.
    return entry.cancel.bind(entry);
  },
  limit(ms, target) {
    return realLimits.add(ms, target);
  },
  schedule(ms, callback) {
    // NaN and negative delays fire at once; delays longer than a timer holds pass in steps.
    let left = ms > 0 ? ms : 0;
    let timer = nextTimer();
    function nextTimer(): ReturnType<typeof setTimeout> {
      if (left <= MAX_TIMER_MS) return setTimeout(callback, left);
      left -= MAX_TIMER_MS;
      return setTimeout(waitOn, MAX_TIMER_MS);
    }
    function waitOn() {
      timer = nextTimer();
    }
    return () => clearTimeout(timer);
  },
  sleep(ms, signal) {
    return sleepOn(realClock, ms, signal);
  },
};

interface PendingTimer {
  due: number;
  seq: number;
  callback: (() => void) | null;
  /** True for a time limit (scheduleLimit), false for a sleep. */
  isLimit: boolean;
  /** A limit's expiry in real time (performance.now()); Infinity for a sleep. */
  realDue: number;
}

/** Due-time order; timers due together fire in the order they were scheduled. */
function before(a: PendingTimer, b: PendingTimer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

/**
 * A clock whose sleeps end as soon as nothing else is runnable, in due-time order, with
 * `now()` jumping to each due time: a discrete-event simulation of real time. Concurrent
 * sleeps (Parallel branches, Map iterations) overlap as they would in real time.
 *
 * Time limits (scheduleLimit) expire when the clock passes them on its way to a sleep's
 * end, or once their duration has passed in real time, whichever is first. A handler busy
 * with real I/O therefore takes no virtual time and is not timed out just because nothing
 * else is runnable, while one that never answers still times out, after its limit in real
 * time.
 */
export function virtualClock(start: number = Date.now()): Clock {
  if (typeof start !== 'number' || !Number.isFinite(start))
    throw new OptionError('virtualClock()', 'start', 'must be a finite number of milliseconds since the epoch');
  let current = start;
  let seq = 0;
  let liveSleeps = 0;
  let liveLimits = 0;
  const pending: PendingTimer[] = [];
  let nextTick: ReturnType<typeof setImmediate> | null = null;
  let cancelRealTimer: (() => void) | null = null;
  let realTimerDue = Infinity;

  function tick() {
    nextTick = null;
    // The earliest live sleep, and the earliest live limit, in one pass.
    let sleep: PendingTimer | null = null;
    let limit: PendingTimer | null = null;
    for (let i = 0; i < pending.length; i++) {
      const t = pending[i]!;
      if (t.callback === null) continue;
      if (t.isLimit) {
        if (limit === null || before(t, limit)) limit = t;
      } else if (sleep === null || before(t, sleep)) sleep = t;
    }
    if (sleep === null) {
      if (liveLimits > 0) armRealTimer();
      else pending.length = 0;
      return;
    }
    const next = limit !== null && before(limit, sleep) ? limit : sleep;
    // A timer due at Infinity (a retry backoff grown without bound) never fires.
    if (next.due === Infinity) return;
    fire(next);
    arm();
  }
  function fire(timer: PendingTimer) {
    const callback = timer.callback!;
    retire(timer);
    if (timer.due > current) current = timer.due;
    callback();
  }
  /** Takes a timer out of the live ones, fired or cancelled. */
  function retire(timer: PendingTimer) {
    timer.callback = null;
    if (timer.isLimit) liveLimits--;
    else liveSleeps--;
    compact();
    disarmRealTimer();
  }
  /** Expires, in due-time order, the limits whose time has passed in real time. */
  function expireInRealTime() {
    cancelRealTimer = null;
    realTimerDue = Infinity;
    const now = performance.now();
    const expired = pending.filter((t) => t.callback !== null && t.realDue <= now);
    expired.sort((a, b) => a.due - b.due || a.seq - b.seq);
    // Firing one limit may cancel another (the execution's deadline ends its task's).
    for (const limit of expired) if (limit.callback !== null) fire(limit);
    arm();
  }
  /** A real-time timer for the limit that expires first in real time. */
  function armRealTimer() {
    let due = Infinity;
    for (let i = 0; i < pending.length; i++) {
      const t = pending[i]!;
      if (t.callback !== null && t.realDue < due) due = t.realDue;
    }
    if (due >= realTimerDue) return;
    cancelRealTimer?.();
    realTimerDue = due;
    cancelRealTimer = realClock.schedule(due - performance.now(), expireInRealTime);
  }
  /** With no limit left, the real-time timer would only keep the process alive. */
  function disarmRealTimer() {
    if (liveLimits > 0 || cancelRealTimer === null) return;
    cancelRealTimer();
    cancelRealTimer = null;
    realTimerDue = Infinity;
  }
  /** Drops cancelled and fired timers once they are the majority. */
  function compact() {
    const live = liveSleeps + liveLimits;
    if (pending.length > 32 && live * 2 < pending.length) {
      let j = 0;
      for (let i = 0; i < pending.length; i++) if (pending[i]!.callback !== null) pending[j++] = pending[i]!;
      pending.length = j;
    }
  }
  function arm() {
    if (nextTick === null && liveSleeps + liveLimits > 0) nextTick = setImmediate(tick);
  }
  function add(ms: number, callback: () => void, isLimit: boolean): () => void {
    const wait = Math.max(0, ms);
    const timer: PendingTimer = { due: current + wait, seq: seq++, callback, isLimit, realDue: isLimit ? performance.now() + wait : Infinity };
    pending.push(timer);
    if (isLimit) liveLimits++;
    else liveSleeps++;
    arm();
    return function cancelTimer() {
      if (timer.callback !== null) retire(timer);
    };
  }

  const clock: Clock = {
    virtual: true,
    now: () => current,
    schedule(ms, callback) {
      return add(ms, callback, false);
    },
    scheduleLimit(ms, callback) {
      return add(ms, callback, true);
    },
    sleep(ms, signal) {
      return sleepOn(clock, ms, signal);
    },
  };
  return clock;
}
