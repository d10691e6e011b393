import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Outcome } from '../../bench/outcome.js';
import type { Subject } from '../../bench/engines/subject.js';
import { closedLoop } from '../../bench/load/closed-loop.js';
import { measureThroughput } from '../../bench/scenarios/throughput.js';
import { Progress } from '../../bench/progress.js';
import { openLoop } from '../../bench/load/open-loop.js';

function busyWait(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** A synchronous subject that stalls for `stallMs` on its `stallAt`-th call. */
function stallingSubject(stallAt: number, stallMs: number): Subject & { calls: number } {
  const subject = {
    engine: 'baseline' as const,
    note: null,
    calls: 0,
    run(): unknown {
      subject.calls++;
      if (subject.calls === stallAt) busyWait(stallMs);
      return null;
    },
    outcome: (): Promise<Outcome> => Promise.resolve({ status: 'SUCCEEDED', output: null }),
    close: () => Promise.resolve(),
  };
  return subject;
}

test('the closed loop counts every execution, sync or async, across lanes', async () => {
  const sync = stallingSubject(-1, 0);
  const result = await closedLoop(sync, [1, 2, 3], { concurrency: 1, durationMs: 40, warmupMs: 0 });
  assert.is(result.executions, sync.calls);
  assert.is(result.latency.count, sync.calls);
  let asyncCalls = 0;
  const asynchronous: Subject = { ...sync, run: () => Promise.resolve(asyncCalls++) };
  const parallel = await closedLoop(asynchronous, [1], { concurrency: 8, durationMs: 40, warmupMs: 0 });
  assert.is(parallel.executions, asyncCalls);
  assert.ok(parallel.perSecond > 0);
});

test('the open loop counts latency from when each execution was due (coordinated omission corrected)', async () => {
  const stallMs = 40;
  const open = await openLoop(stallingSubject(20, stallMs), [1], { ratePerSecond: 1000, durationMs: 250, maxInFlight: 1000 });
  assert.ok(open.executions > 150, `ran ${open.executions}`);
  // The stall delayed the executions due during it: many of them, not one, show it.
  assert.ok(open.latency.p90Us >= 5_000, `p90 ${open.latency.p90Us} µs`);
  assert.ok(open.latency.maxUs >= stallMs * 1000 * 0.9, `max ${open.latency.maxUs} µs`);
  const closed = await closedLoop(stallingSubject(20, stallMs), [1], { concurrency: 1, durationMs: 250, warmupMs: 0 });
  // A closed loop records the same stall once: it hides it from every percentile but the max.
  assert.ok(closed.latency.p99Us < 5_000, `closed p99 ${closed.latency.p99Us} µs`);
});

test('every round of interleaved measurements warms up first, not only the first round', async () => {
  // Each round collects garbage before it measures, which can throw away optimised code:
  // a later round that measured at once would charge its recompilation to the contender.
  // Every call's time is noted, and when each round ends: from its first call (warm-up or
  // not) to its end a round spans its warm-up and its measured time, as each loop runs until
  // its deadline. A busy machine only lengthens that span; the span to the round's last call
  // is no bound, as the process may be descheduled between that call and the deadline.
  const calls: number[] = [];
  const roundStarts: number[] = [];
  const roundEnds: number[] = [];
  const subject = { ...stallingSubject(0, 0), run: () => (calls.push(performance.now()), null) };
  class RoundMarks extends Progress {
    override start(label: string): void {
      roundStarts.push(calls.length);
      super.start(label);
    }
    override done(summary: string): void {
      roundEnds.push(performance.now());
      super.done(summary);
    }
  }
  const silent = new RoundMarks({ isTTY: false, write: () => true } as unknown as NodeJS.WriteStream);
  const contender = { subject, mode: 'inproc' as const, concurrency: 1, threads: null, batch: null };
  const timing = { durationMs: 60, warmupMs: 15, rounds: 3 };
  const [record] = await measureThroughput('w', [contender], [1], timing, silent);
  assert.is(roundStarts.length, 3);
  const roundMs = timing.durationMs / timing.rounds;
  for (let round = 0; round < 3; round++) {
    const first = calls[roundStarts[round]!]!;
    // Warm-up and measured time: 35 ms; a round without its warm-up would span about 20.
    assert.ok(
      roundEnds[round]! - first >= timing.warmupMs + roundMs - 1,
      `round ${round + 1}: ${(roundEnds[round]! - first).toFixed(1)} ms from its first call`,
    );
  }
  assert.ok(calls.length > record!.executions, `ran ${calls.length}, measured ${record!.executions}`);
  assert.is(record!.roundsCpuUsPerExecution.length, 3);
});

test.run();
