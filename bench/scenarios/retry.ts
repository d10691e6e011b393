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
import { median } from '../median.js';
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

/** Time of one failing handler call (the throw included), alone, by the wall clock and by this process's CPU time. */
function failingCall(): { wallUs: number; cpuUs: number } {
  const input = { failures: 1, value: 1 };
  const ctx = { attempt: 1 };
  let calls = 0;
  const cpuBefore = process.cpuUsage();
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
  const cpu = process.cpuUsage(cpuBefore);
  return { wallUs: ((performance.now() - started) * 1000) / calls, cpuUs: (cpu.user + cpu.system) / calls };
}

/** One case's time per execution in each round, by the wall clock and by CPU time (µs). */
interface CaseRounds {
  readonly wallUs: number[];
  readonly cpuUs: number[];
}

/** One side's rounds: without a retry and with one. */
export interface SideRounds {
  readonly no: CaseRounds;
  readonly one: CaseRounds;
}

/** What one retry costs a side in each round: one retry − no retry − the failing call. */
function overheads(one: readonly number[], no: readonly number[], failingUs: number): number[] {
  return one.map((us, round) => us - no[round]! - failingUs);
}

/** The engine's overhead over the loop's, round by round (the rounds ran side by side), then the median. */
function roundRatio(engine: readonly number[], hand: readonly number[]): number {
  return median(engine.map((us, round) => us / hand[round]!));
}

/** The record of both sides' rounds: times are medians of the rounds, ratios taken round by round. */
export function retryRecord(ours: SideRounds, theirs: SideRounds, failing: { wallUs: number; cpuUs: number }): RetryRecord {
  const engineWall = overheads(ours.one.wallUs, ours.no.wallUs, failing.wallUs);
  const handWall = overheads(theirs.one.wallUs, theirs.no.wallUs, failing.wallUs);
  const engineCpu = overheads(ours.one.cpuUs, ours.no.cpuUs, failing.cpuUs);
  const handCpu = overheads(theirs.one.cpuUs, theirs.no.cpuUs, failing.cpuUs);
  const round2 = (value: number) => Math.round(value * 100) / 100;
  return {
    rounds: engineWall.length,
    failingCallUs: round2(failing.wallUs),
    engineNoRetryUs: round2(median(ours.no.wallUs)),
    engineOneRetryUs: round2(median(ours.one.wallUs)),
    engineOverheadUs: round2(median(engineWall)),
    handWrittenNoRetryUs: round2(median(theirs.no.wallUs)),
    handWrittenOneRetryUs: round2(median(theirs.one.wallUs)),
    handWrittenOverheadUs: round2(median(handWall)),
    ratio: round2(roundRatio(engineWall, handWall)),
    cpuRatio: round2(roundRatio(engineCpu, handCpu)),
  };
}

/**
 * Each round measures both sides, no retry then one retry, the sides' order alternating
 * from round to round, so that a slow spell of a shared machine touches both sides of a
 * round; the ratio is taken round by round, as the throughput comparison takes its ratios.
 */
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
  const newRounds = (): CaseRounds => ({ wallUs: [], cpuUs: [] });
  const ours = { name: 'statemill', subject: engine, no: newRounds(), one: newRounds() };
  const theirs = { name: 'hand-written', subject: hand, no: newRounds(), one: newRounds() };
  const roundMs = timing.durationMs / timing.rounds;
  for (let round = 0; round < timing.rounds; round++) {
    for (const side of round % 2 === 0 ? [ours, theirs] : [theirs, ours]) {
      for (const [retries, inputs, rounds] of [
        ['no retry', noRetry, side.no],
        ['one retry', oneRetry, side.one],
      ] as const) {
        progress.start(`retry overhead · ${side.name} · ${retries}${timing.rounds > 1 ? ` (round ${round + 1}/${timing.rounds})` : ''}`);
        const result = await closedLoop(side.subject, inputs, {
          concurrency: 1,
          durationMs: roundMs,
          warmupMs: timing.warmupMs,
          onProgress: (executions, elapsedMs) => progress.update(executions, elapsedMs),
        });
        rounds.wallUs.push(1e6 / result.perSecond);
        rounds.cpuUs.push(result.cpuUs / result.executions);
        progress.done(`${formatLatency(1e6 / result.perSecond)} per execution`);
      }
    }
  }
  return retryRecord(ours, theirs, failingCall());
}
