/**
 * Time is injected: Wait states, retry intervals, timeouts and the timestamps of the
 * context object all read a Clock, so tests and benchmarks can make time pass instantly.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock's time, or rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal | null): Promise<void>;
  /** True when sleeping costs no real time (timeouts are then measured in this clock's time too). */
  readonly virtual: boolean;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
}

/**
 * The longest delay setTimeout honours; a longer one (AWS allows Waits and timeouts of
 * 99,999,999 seconds, and a retry's backoff can grow without bound) fires after 1 ms.
 */
const MAX_TIMER_MS = 2_147_483_647;

export const realClock: Clock = {
  virtual: false,
  now: Date.now,
  sleep(ms, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      // NaN and negative delays end at once; longer ones are slept in timer-sized steps.
      let left = ms > 0 ? ms : 0;
      let timer = nextTimer();
      function nextTimer() {
        if (left <= MAX_TIMER_MS) return setTimeout(done, left);
        left -= MAX_TIMER_MS;
        return setTimeout(sleepOn, MAX_TIMER_MS);
      }
      function sleepOn() {
        timer = nextTimer();
      }
      function onAbort() {
        clearTimeout(timer);
        reject(abortReason(signal!));
      }
      function done() {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

interface PendingSleep {
  due: number;
  seq: number;
  resolve: () => void;
}

/**
 * A clock whose sleeps end as soon as nothing else is runnable, in due-time order, with
 * `now()` jumping to each due time: a discrete-event simulation of real time. Concurrent
 * sleeps (Parallel branches, Map iterations) overlap as they would in real time.
 */
export function virtualClock(start: number = Date.now()): Clock {
  let current = start;
  let seq = 0;
  const pending: PendingSleep[] = [];
  let tickScheduled = false;

  function tick() {
    tickScheduled = false;
    if (pending.length === 0) return;
    let earliest = 0;
    for (let i = 1; i < pending.length; i++) {
      const a = pending[i]!;
      const b = pending[earliest]!;
      if (a.due < b.due || (a.due === b.due && a.seq < b.seq)) earliest = i;
    }
    // An endless sleep (a retry backoff grown to Infinity) is never due: only an abort ends it.
    if (pending[earliest]!.due === Infinity) return;
    const next = pending.splice(earliest, 1)[0]!;
    if (next.due > current) current = next.due;
    next.resolve();
    schedule();
  }
  function schedule() {
    if (!tickScheduled && pending.length > 0) {
      tickScheduled = true;
      setImmediate(tick);
    }
  }

  return {
    virtual: true,
    now: () => current,
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(abortReason(signal));
        const entry: PendingSleep = { due: current + (ms > 0 ? ms : 0), seq: seq++, resolve: done };
        function onAbort() {
          const i = pending.indexOf(entry);
          if (i >= 0) pending.splice(i, 1);
          reject(abortReason(signal!));
        }
        function done() {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }
        signal?.addEventListener('abort', onAbort, { once: true });
        pending.push(entry);
        schedule();
      });
    },
  };
}
