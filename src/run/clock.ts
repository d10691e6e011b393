/**
 * Time is injected: Wait states, retry intervals, timeouts and the timestamps of the
 * context object all read a Clock, so tests and benchmarks can make time pass instantly.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `callback` after `ms` milliseconds of this clock's time; the returned function cancels it. */
  schedule(ms: number, callback: () => void): () => void;
  /** Resolves after `ms` milliseconds of this clock's time, or rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal | null): Promise<void>;
  /** True when time passes only as sleeps end (no real waiting). */
  readonly virtual: boolean;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
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

export const realClock: Clock = {
  virtual: false,
  now: Date.now,
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
}

/**
 * A clock whose timers fire as soon as nothing else is runnable, in due-time order, with
 * `now()` jumping to each due time: a discrete-event simulation of real time. Concurrent
 * sleeps (Parallel branches, Map iterations) overlap as they would in real time.
 */
export function virtualClock(start: number = Date.now()): Clock {
  let current = start;
  let seq = 0;
  let live = 0;
  const pending: PendingTimer[] = [];
  let tickScheduled = false;

  function tick() {
    tickScheduled = false;
    let earliest = -1;
    for (let i = 0; i < pending.length; i++) {
      const t = pending[i]!;
      if (t.callback === null) continue;
      const e = earliest < 0 ? null : pending[earliest]!;
      if (e === null || t.due < e.due || (t.due === e.due && t.seq < e.seq)) earliest = i;
    }
    if (earliest < 0) {
      pending.length = 0;
      return;
    }
    const next = pending[earliest]!;
    // A timer due at Infinity (a retry backoff grown without bound) never fires.
    if (next.due === Infinity) return;
    const callback = next.callback!;
    next.callback = null;
    live--;
    compact();
    if (next.due > current) current = next.due;
    callback();
    arm();
  }
  /** Drops cancelled and fired timers once they are the majority. */
  function compact() {
    if (pending.length > 32 && live * 2 < pending.length) {
      let j = 0;
      for (let i = 0; i < pending.length; i++) if (pending[i]!.callback !== null) pending[j++] = pending[i]!;
      pending.length = j;
    }
  }
  function arm() {
    if (!tickScheduled && live > 0) {
      tickScheduled = true;
      setImmediate(tick);
    }
  }

  const clock: Clock = {
    virtual: true,
    now: () => current,
    schedule(ms, callback) {
      const timer: PendingTimer = { due: current + Math.max(0, ms), seq: seq++, callback };
      pending.push(timer);
      live++;
      arm();
      return function cancelTimer() {
        if (timer.callback !== null) {
          timer.callback = null;
          live--;
          compact();
        }
      };
    },
    sleep(ms, signal) {
      return sleepOn(clock, ms, signal);
    },
  };
  return clock;
}
