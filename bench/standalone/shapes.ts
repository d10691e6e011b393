/**
 * The workflow shapes bench/standalone/engine-shapes.ts and bench/standalone/engine-ab.ts both time — a Map whose
 * iteration is ItemSelector + one Task + ResultSelector, a Parallel of Tasks, a Task that
 * fails once and is retried — and the per-call timer they share.
 */

export interface PriceItem {
  id: number;
  price: number;
  note: string;
}

/** The trivial synchronous handler every shape calls. */
export const price = (x: { id: number; price: number; currency: string }) => ({ total: x.price * 2, currency: x.currency, id: x.id });

export function mapDefinition(maxConcurrency: number) {
  return {
    StartAt: 'Prices',
    States: {
      Prices: {
        Type: 'Map',
        ItemsPath: '$.items',
        MaxConcurrency: maxConcurrency,
        ItemSelector: { 'id.$': '$$.Map.Item.Value.id', 'price.$': '$$.Map.Item.Value.price', 'currency.$': '$.currency' },
        ItemProcessor: { StartAt: 'Price', States: { Price: { Type: 'Task', Resource: 'price', ResultSelector: { 'total.$': '$.total' }, End: true } } },
        End: true,
      },
    },
  };
}

/** 100,000 items take megabytes: the payload checks stay on, with room for them. */
export const MAP_LIMITS = { payloadBytes: 64 * 1024 * 1024 };

export function mapInput(n: number) {
  return { currency: 'EUR', items: Array.from({ length: n }, (_, i): PriceItem => ({ id: i, price: i % 97, note: 'x' })) };
}

export function parallelDefinition(branches: number) {
  return {
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Parallel',
        Branches: Array.from({ length: branches }, (_, i) => ({
          StartAt: `B${i}`,
          States: {
            [`B${i}`]: { Type: 'Task', Resource: 'price', Parameters: { 'id.$': '$.id', 'price.$': '$.price', 'currency.$': '$.currency' }, End: true },
          },
        })),
        End: true,
      },
    },
  };
}

export const parallelInput = { id: 1, price: 5, currency: 'EUR' };

/** Thrown by every failing attempt, made once: a fresh Error's stack capture is the handler's cost, not the retry's. */
const busy = Object.assign(new Error('busy'), { name: 'Service.Busy' });

/** Fails its first attempt with Service.Busy. */
export const flaky = (input: { n: number }, ctx: { attempt: number }) => {
  if (ctx.attempt === 1) throw busy;
  return { n: input.n + 1 };
};

export const retryDefinition = {
  StartAt: 'Call',
  States: {
    Call: { Type: 'Task', Resource: 'flaky', Retry: [{ ErrorEquals: ['Service.Busy'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2 }], End: true },
  },
};

/** Microseconds per call of `fn`, over `ms` milliseconds. */
export async function timePerCall(fn: () => unknown, ms: number): Promise<number> {
  let calls = 0;
  const start = performance.now();
  const end = start + ms;
  do {
    const r = fn();
    if (r instanceof Promise) await r;
    calls++;
  } while (performance.now() < end);
  return ((performance.now() - start) * 1000) / calls;
}
