import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPool, PoolFaults, type Pool } from '../../src/pool/index.js';
import { soakDefinition } from '../../bench/soak/handlers.js';
import { faultSchedule, runSoak, soakHandlersModule, type FaultRates, type SoakOptions, type SoakReport } from '../../bench/soak/run.js';

/**
 * The short soak: 40,000 executions through two threads with every kind of fault injected
 * (about 15 s here), and every invariant of the long run (`npm run soak`) asserted.
 */
const rates: FaultRates = { throw: 0.02, reject: 0.02, taskTimeout: 0.0001, executionTimeout: 0.00005, exit: 0.00005, crash: 0.00005, hang: 0.00005 };

const options: SoakOptions = {
  executions: 40_000,
  threads: 2,
  maxQueue: 1000,
  seed: 8,
  faultRates: rates,
  // Long enough that a thread starved by a busy machine is not taken for a hung one: at 1000 ms,
  // a run starved of CPU (taskset -c 1 beside busy loops) had healthy threads terminated.
  hangTimeoutMs: 3000,
  // A batch runs its executions back to back; on a loaded machine that took over a second, so a
  // rejection due on the next turn of the event loop met its 1 s task limit first (States.Timeout).
  taskTimeoutSeconds: 5,
  overrunEvery: 10_000,
  overrunBy: 10,
  closedProbes: 3,
  sampleEveryMs: 250,
  warmupFraction: 0.3,
  heapToleranceMb: 4,
  rssToleranceMb: 64,
  closeTimeoutMs: 20_000,
};

const soak = suite<{ report: SoakReport }>('soak with injected faults');

soak.before(async (context) => {
  context.report = await runSoak(options);
});

soak('the schedule injects every kind of fault at least twice', () => {
  const faultFor = faultSchedule(options.seed, rates);
  const scheduled: Record<string, number> = {};
  for (let i = 0; i < options.executions!; i++) scheduled[faultFor(i)] = (scheduled[faultFor(i)] ?? 0) + 1;
  for (const kind of ['none', 'throw', 'reject', 'taskTimeout', 'executionTimeout', 'exit', 'crash', 'hang']) {
    assert.ok((scheduled[kind] ?? 0) >= 2, `${kind}: ${scheduled[kind] ?? 0} scheduled`);
  }
});

soak('the same seed gives the same schedule; another seed another', () => {
  const a = faultSchedule(7, rates);
  const b = faultSchedule(7, rates);
  const c = faultSchedule(8, rates);
  const indices = Array.from({ length: 5000 }, (_, i) => i);
  assert.equal(indices.map(a), indices.map(b));
  assert.not.equal(indices.map(a), indices.map(c));
});

soak('every fault kind ran and the run overran the queue and outlived close()', ({ report }) => {
  for (const kind of ['none', 'throw', 'reject', 'taskTimeout', 'executionTimeout', 'exit', 'crash', 'hang'] as const) {
    assert.ok(report.injected[kind] >= 1, `${kind}: ${report.injected[kind]} ran`);
  }
  assert.ok(report.counts.rejectedQueueFull >= options.overrunBy, `${report.counts.rejectedQueueFull} refused with a full queue`);
  assert.is(report.counts.rejectedClosed, options.closedProbes);
  assert.ok(report.workersReplaced >= 1, `${report.workersReplaced} workers replaced`);
});

soak('submitted = succeeded + failed + timed out + rejected, and the pool counts the same', ({ report }) => {
  const c = report.counts;
  assert.is(c.submitted, options.executions! + options.closedProbes);
  assert.is(c.aborted, 0);
  assert.is(c.submitted, c.succeeded + c.failed + c.timedOut + c.rejected);
  assert.is(report.pool.submitted, c.accepted);
  assert.is(report.pool.rejected, c.rejected);
  assert.is(report.pool.succeeded, c.succeeded);
  assert.is(report.pool.failed, c.failed);
  assert.is(report.pool.timedOut, c.timedOut);
});

soak('every execution ended as its fault says, or as a casualty traced to the fault that killed its thread', ({ report }) => {
  assert.equal(report.mismatches, []);
  assert.is(report.counts.mismatches, 0);
  assert.is(report.counts.asInjected + report.counts.collateral + report.counts.rejected, report.counts.submitted);
  assert.is(report.counts.timedOut, report.asInjectedBy.executionTimeout);
  for (const error of Object.keys(report.collateralBy))
    assert.ok([PoolFaults.WorkerExited, PoolFaults.WorkerCrashed, PoolFaults.WorkerHung].includes(error as never), error);
});

soak('a thread that dies fails only the executions it was running: a few per death, not its batches', ({ report }) => {
  const deaths = report.exitAndCrashDeaths + report.hangKillers;
  assert.ok(deaths >= 2, `${deaths} threads killed`);
  // Before, each death failed every execution of its thread's batches: about 600 at batch 64.
  assert.ok(report.casualtiesPerDeath <= 16, `${report.casualtiesPerDeath} casualties per death`);
  assert.ok(report.pool.requeued > 0, 'executions that had not started ran again');
});

soak('no promise is left pending or settles twice; close() and a second close() behave', ({ report }) => {
  assert.is(report.closeTimedOut, false);
  assert.is(report.pendingAfterClose, 0);
  assert.is(report.counts.strays, 0);
  assert.ok(report.secondCloseSamePromise);
});

soak('no handle is left open after close()', ({ report }) => {
  assert.equal(report.leakedResources, {}, `before ${JSON.stringify(report.resourcesBefore)}, at close ${JSON.stringify(report.resourcesAfterClose)}`);
});

soak('workers replaced: at least one per exit or crash death, at most one per killer', ({ report }) => {
  assert.ok(report.workersReplaced >= report.exitAndCrashDeaths, `${report.workersReplaced} replaced, ${report.exitAndCrashDeaths} exit/crash deaths`);
  assert.ok(
    report.workersReplaced <= report.exitAndCrashDeaths + report.hangKillers,
    `${report.workersReplaced} replaced, ${report.exitAndCrashDeaths + report.hangKillers} killers`,
  );
});

soak('the main heap and RSS are flat after warm-up', ({ report }) => {
  const judged = report.samples.filter((s) => s.seconds >= report.seconds * options.warmupFraction && s.settled > 0);
  assert.ok(judged.length >= 6, `${judged.length} samples after warm-up`);
  assert.ok(report.heap.growthMb <= options.heapToleranceMb, `heap grew ${report.heap.growthMb} MB`);
  assert.ok(report.rss.growthMb <= options.rssToleranceMb, `RSS grew ${report.rss.growthMb} MB`);
});

soak('the report agrees with its own invariants', ({ report }) => {
  for (const invariant of report.invariants) assert.ok(invariant.ok, `${invariant.name}: ${invariant.detail}`);
  assert.ok(report.ok);
});

soak.run();

/**
 * Found by the soak: when one task on a thread hangs, every task on that thread stops making
 * progress at once, and the watchdog blames the task whose last progress is oldest. A batch
 * that was only waiting (here for a 1 s Task timeout) was last stamped by the heartbeat
 * before the hanging batch started, so it is blamed, and the execution that hung is told
 * that other work on its thread hung.
 */
const blame = suite<{ pool: Pool }>('hang blame');

blame.before(async (context) => {
  context.pool = createPool({ threads: 1, batch: 1 });
  context.pool.register('soak', { definition: soakDefinition, handlers: soakHandlersModule, hangTimeoutMs: 300 });
  await context.pool.execute('soak', { index: 0, fault: 'none', note: '' });
});

blame.after(async (context) => {
  await context.pool.close();
});

blame('a hang is blamed on the execution that hung, not on one waiting beside it on the same thread', async ({ pool }) => {
  const waiting = pool.execute('soak', { index: 1, fault: 'taskTimeout', note: '' });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const hung = pool.execute('soak', { index: 2, fault: 'hang', note: '' });
  const [bystander, culprit] = await Promise.all([waiting, hung]);
  assert.is(culprit!.error, PoolFaults.WorkerHung);
  assert.is(bystander!.error, PoolFaults.WorkerHung);
  assert.match(culprit!.cause ?? '', /^The worker thread running this execution made no progress/);
  assert.match(bystander!.cause ?? '', /because other work on it made no progress/);
});

blame.run();
