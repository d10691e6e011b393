import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { measureRetryOverhead, retryRecord, type SideRounds } from '../../bench/scenarios/retry.js';
import { Progress } from '../../bench/progress.js';

/** A side's rounds, the same figures by the wall clock and by CPU time unless given. */
function side(no: number[], one: number[], cpu?: { no: number[]; one: number[] }): SideRounds {
  return { no: { wallUs: no, cpuUs: cpu?.no ?? no }, one: { wallUs: one, cpuUs: cpu?.one ?? one } };
}

test('the retry ratio is taken round by round, then the median', () => {
  // Rounds 2 and 3 were slow for both sides, the loop's round 3 less so: the round ratios
  // are 2, 2 and 4, their median 2; the ratio of the median overheads (40 / 10) would say 4.
  const ours = side([2, 20, 20], [6, 60, 60]);
  const theirs = side([1, 10, 5], [3, 30, 15]);
  const record = retryRecord(ours, theirs, { wallUs: 0, cpuUs: 0 });
  assert.is(record.ratio, 2);
  assert.is(record.engineOverheadUs, 40);
  assert.is(record.handWrittenOverheadUs, 10);
  assert.is(record.rounds, 3);
});

test('each round subtracts one failing call alone from both sides', () => {
  const record = retryRecord(side([1], [5]), side([1], [3]), { wallUs: 1, cpuUs: 1 });
  assert.is(record.failingCallUs, 1);
  assert.is(record.engineOverheadUs, 3);
  assert.is(record.handWrittenOverheadUs, 1);
  assert.is(record.ratio, 3);
});

test('the CPU ratio comes from the CPU-time rounds alone', () => {
  // By the wall clock the engine's round was slowed (descheduled); by CPU time it was not.
  const ours = side([1], [9], { no: [1], one: [4] });
  const theirs = side([1], [3], { no: [1], one: [3] });
  const record = retryRecord(ours, theirs, { wallUs: 0, cpuUs: 0 });
  assert.is(record.ratio, 4);
  assert.is(record.cpuRatio, 1.5);
});

test('the scenario measures every round on both sides and gives finite figures', async () => {
  const sink = new PassThrough();
  sink.resume();
  const labels: string[] = [];
  const progress = new Progress(sink as unknown as NodeJS.WriteStream);
  const start = progress.start.bind(progress);
  progress.start = (label: string) => {
    labels.push(label);
    start(label);
  };
  const record = await measureRetryOverhead({ durationMs: 60, warmupMs: 0, rounds: 3 }, progress);
  assert.is(record.rounds, 3);
  assert.is(labels.length, 12);
  // The sides' order alternates from round to round.
  assert.match(labels[0]!, /statemill · no retry \(round 1\/3\)/);
  assert.match(labels[4]!, /hand-written · no retry \(round 2\/3\)/);
  for (const [name, value] of Object.entries(record)) assert.ok(Number.isFinite(value), `${name} is ${value}`);
  assert.ok(record.engineNoRetryUs > 0 && record.handWrittenNoRetryUs > 0);
});

test.run();
