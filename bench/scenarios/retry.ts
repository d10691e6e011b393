/**
 * Retry overhead: what one retry costs beyond the handler's own time, under the virtual
 * clock, for statemill and for the same retry loop written by hand (sleeping on the same
 * kind of clock). Each side: time(one retry) − time(no retry) − one failing handler call.
 *
 * The failing handler throws an Error made once, up front. A fresh Error captures the
 * stack, which costs more the deeper its caller's stack is (an engine calls handlers from
 * deeper than a loop does, and on this machine the capture alone can outweigh the whole
 * retry); that cost is the handler's, and with it out of the way what is left to compare is
 * the retry itself: matching the error, the backoff, the sleep and the second attempt.
 */
import { compile, virtualClock, type Clock } from '../../src/index.js';
import { workflowError } from '../../workloads/support/errors.js';
import type { HandlerContext } from '../../workloads/types.js';
import { closedLoop } from '../load/closed-loop.js';
import { differenceBetween, outcomeOf, type Outcome } from '../outcome.js';
import type { Subject } from '../engines/subject.js';
import type { Progress } from '../progress.js';
import { formatLatency } from '../units.js';
import type { RetryRecord } from '../report/types.js';
import type { Timing } from './throughput.js';

interface FlakyInput {
  failures: number;
  value: number;
}

const MAX_ATTEMPTS = 3;
const INTERVAL_SECONDS = 1;
const BACKOFF_RATE = 2;

/** What every failing attempt throws. */
const BUSY = workflowError('Flaky.Busy', 'the encoder is busy');

function flaky(input: FlakyInput, ctx: HandlerContext): { value: number } {
  if (ctx.attempt <= input.failures) throw BUSY;
  return { value: input.value * 2 };
}

const definition = {
  Comment: 'One Task with a Retry',
  StartAt: 'Call',
  States: {
    Call: {
      Type: 'Task',
      Resource: 'flaky',
      Retry: [{ ErrorEquals: ['Flaky.Busy'], IntervalSeconds: INTERVAL_SECONDS, MaxAttempts: MAX_ATTEMPTS, BackoffRate: BACKOFF_RATE }],
      End: true,
    },
  },
};

/** The Retry field written by hand, sleeping on a virtual clock as the engine does. */
async function handWrittenRetry(input: FlakyInput, clock: Clock): Promise<{ value: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return flaky(input, { attempt });
    } catch (error) {
      if ((error as Error).name !== 'Flaky.Busy' || attempt > MAX_ATTEMPTS) throw error;
      await clock.sleep(INTERVAL_SECONDS * 1000 * BACKOFF_RATE ** (attempt - 1));
    }
  }
}

function engineSubject(): Subject {
  const machine = compile(definition, { handlers: { flaky }, clock: virtualClock() });
  return {
    engine: 'statemill',
    note: 'virtual clock',
    run: (input) => machine.execute(input),
    outcome: async (input) => outcomeOf(await machine.execute(input)),
    close: () => Promise.resolve(),
  };
}

function handWrittenSubject(): Subject {
  const clock = virtualClock();
  return {
    engine: 'baseline',
    note: 'hand-written retry loop on a virtual clock',
    run: (input) => handWrittenRetry(input as FlakyInput, clock),
    outcome: (input) =>
      handWrittenRetry(input as FlakyInput, clock).then(
        (output): Outcome => ({ status: 'SUCCEEDED', output }),
        (error: Error): Outcome => ({ status: 'FAILED', error: error.name, cause: error.message }),
      ),
    close: () => Promise.resolve(),
  };
}

/** Time of one failing handler call (the throw included), alone. */
function failingCallUs(): number {
  const input = { failures: 1, value: 1 };
  const ctx = { attempt: 1 };
  let calls = 0;
  const started = performance.now();
  while (performance.now() - started < 200) {
    for (let i = 0; i < 100; i++) {
      try {
        flaky(input, ctx);
      } catch {
        calls++;
      }
    }
  }
  return ((performance.now() - started) * 1000) / calls;
}

export async function measureRetryOverhead(timing: Timing, progress: Progress): Promise<RetryRecord> {
  const noRetry = [{ failures: 0, value: 21 }];
  const oneRetry = [{ failures: 1, value: 21 }];
  const engine = engineSubject();
  const hand = handWrittenSubject();
  for (const inputs of [noRetry, oneRetry]) {
    const expected = await hand.outcome(inputs[0]);
    const difference = differenceBetween(expected, await engine.outcome(inputs[0]));
    if (difference !== null) throw new Error(`retry scenario: statemill's answer differs from the hand-written loop's: ${difference}`);
  }
  const cases = [
    { label: 'retry overhead · statemill · no retry', subject: engine, inputs: noRetry, rates: [] as number[] },
    { label: 'retry overhead · statemill · one retry', subject: engine, inputs: oneRetry, rates: [] as number[] },
    { label: 'retry overhead · hand-written · no retry', subject: hand, inputs: noRetry, rates: [] as number[] },
    { label: 'retry overhead · hand-written · one retry', subject: hand, inputs: oneRetry, rates: [] as number[] },
  ];
  const roundMs = timing.durationMs / timing.rounds;
  for (let round = 0; round < timing.rounds; round++) {
    for (const entry of cases) {
      progress.start(entry.label);
      const result = await closedLoop(entry.subject, entry.inputs, {
        concurrency: 1,
        durationMs: roundMs,
        warmupMs: timing.warmupMs,
        onProgress: (executions, elapsedMs) => progress.update(executions, elapsedMs),
      });
      entry.rates.push(result.perSecond);
      progress.done(`${formatLatency(1e6 / result.perSecond)} per execution`);
    }
  }
  const us = (rates: number[]) => 1e6 / [...rates].sort((a, b) => a - b)[rates.length >> 1]!;
  const [engineNo, engineOne, handNo, handOne] = cases.map((entry) => us(entry.rates)) as [number, number, number, number];
  const failing = failingCallUs();
  const engineOverheadUs = engineOne - engineNo - failing;
  const handWrittenOverheadUs = handOne - handNo - failing;
  const round2 = (value: number) => Math.round(value * 100) / 100;
  return {
    failingCallUs: round2(failing),
    engineNoRetryUs: round2(engineNo),
    engineOneRetryUs: round2(engineOne),
    engineOverheadUs: round2(engineOverheadUs),
    handWrittenNoRetryUs: round2(handNo),
    handWrittenOneRetryUs: round2(handOne),
    handWrittenOverheadUs: round2(handWrittenOverheadUs),
    ratio: round2(engineOverheadUs / handWrittenOverheadUs),
  };
}
