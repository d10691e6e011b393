import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BatchWriter } from '../../src/pool/codec.js';
import { PoolFaults } from '../../src/pool/errors.js';
import { collectOutcomes } from '../../src/pool/fan-out-plan.js';
import { FanOut } from '../../src/pool/fan-out.js';
import { Outcome, type MapItemsReply } from '../../src/pool/protocol.js';
import type { Workflow } from '../../src/pool/registry.js';
import { SharedItems } from '../../src/pool/shared-items.js';

const context = { executionName: 'run', executionInput: {}, executionStartMs: 0, remainingMs: Infinity, variables: [] };
const crashed = { error: PoolFaults.WorkerCrashed, cause: 'The worker thread running this execution crashed: boom' };

/** A fan-out of ten items in blocks of two (five blocks), its result once done. */
function tenItems(tolerated: number, concurrencies = [0, 0]) {
  const items = SharedItems.pack(
    Array.from({ length: 10 }, (_, n) => n),
    2,
    context,
  );
  const finished: { replies: MapItemsReply[]; stopped: boolean }[] = [];
  const fanOut = new FanOut({} as Workflow, '/States/Each', items, concurrencies, tolerated, (replies, stopped) => finished.push({ replies, stopped }));
  const result = () => {
    assert.is(finished.length, 1, 'done once');
    return collectOutcomes(10, 2, finished[0]!.replies, finished[0]!.stopped, 'no-eval');
  };
  return { items, fanOut, finished, result };
}

/** What a task that ran `blocks` replies: each item's output is its input times ten. */
function ran(items: SharedItems, blocks: number[]): MapItemsReply {
  const writer = new BatchWriter();
  for (const block of blocks) for (let i = 0; i < items.sizeOf(block); i++) writer.add([Outcome.Succeeded, (items.firstOf(block) + i) * 10]);
  return { blocks, outcomes: writer.finish(), failures: 0, events: 0 };
}

test('tasks are handed out once each, with their own concurrency', () => {
  const { fanOut } = tenItems(-1, [2, 1]);
  assert.ok(fanOut.wantsSlot);
  const taken = [fanOut.take(), fanOut.take()];
  assert.equal(
    taken.map((t) => t.task),
    [1, 2],
  );
  assert.equal(taken.map((t) => t.concurrency).sort(), [1, 2]);
  assert.not.ok(fanOut.wantsSlot);
});

test('a task lost before it started is replaced; one lost after claiming fails just the blocks it claimed, and another carries on', () => {
  const { items, fanOut, result } = tenItems(10);
  const first = fanOut.take().task;
  const second = fanOut.take().task;
  fanOut.taskLost(first, null);
  assert.ok(fanOut.wantsSlot, 'a replacement is due');
  const third = fanOut.take().task;
  assert.equal([items.claim(second), items.claim(second)], [0, 1]);
  fanOut.taskLost(second, crashed);
  const fourth = fanOut.take().task;
  assert.equal([items.claim(third), items.claim(fourth), items.claim(third), items.claim(fourth)], [2, 3, 4, -1]);
  fanOut.taskDone(fourth, ran(items, [3]));
  assert.not.ok(fanOut.isFinished, 'waits for the task still running');
  fanOut.taskDone(third, ran(items, [2, 4]));
  const { outputs, failures, stopped } = result();
  assert.is(stopped, false);
  assert.equal(outputs, [undefined, undefined, undefined, undefined, 40, 50, 60, 70, 80, 90]);
  assert.equal(
    failures.map((f) => [f.index, f.error, f.cause]),
    [0, 1, 2, 3].map((index) => [index, crashed.error, crashed.cause]),
  );
});

/** One turn of the event loop: what piscina does for a thread that died (fail each of its tasks) is done by then. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

test('with no failures tolerated, a lost task stops the fan-out at once; it settles after the turn', async () => {
  const { items, fanOut, finished, result } = tenItems(-1);
  const first = fanOut.take().task;
  fanOut.take();
  items.claim(first);
  fanOut.taskLost(first, crashed);
  assert.ok(items.stopped, 'running tasks see the stop');
  assert.not.ok(fanOut.wantsSlot);
  await nextTurn();
  assert.is(finished[0]!.stopped, true);
  assert.equal(
    result().failures.map((f) => f.index),
    [0, 1],
  );
});

// Regression: the first loss settled the fan-out at once, so the blocks of a second task on the
// same thread, the item that ended the thread among them, were in no reply (test/pool/fan-out's
// "a thread lost during a fan-out stops it" failed when both tasks had gone to one thread).
test('tasks lost together with their thread all report the blocks they claimed, when the first loss stops the fan-out', async () => {
  const { items, fanOut, result } = tenItems(-1);
  const first = fanOut.take().task;
  const second = fanOut.take().task;
  assert.equal([items.claim(first), items.claim(second), items.claim(second)], [0, 1, 2]);
  const exited = {
    error: PoolFaults.WorkerExited,
    cause: 'The worker thread running this execution exited with code 3 (process.exit was called) before it finished.',
  };
  fanOut.taskLost(first, exited);
  fanOut.taskLost(second, exited);
  await nextTurn();
  const { failures, stopped } = result();
  assert.is(stopped, true);
  assert.equal(
    failures.map((f) => [f.index, f.error]),
    [0, 1, 2, 3, 4, 5].map((index) => [index, PoolFaults.WorkerExited]),
  );
});

test('a live task that answers while a stop waits for the turn still has its outputs kept; a task ending after it settled is ignored', async () => {
  const { items, fanOut, finished, result } = tenItems(-1, [0, 0, 0]);
  const [lost, live, late] = [fanOut.take().task, fanOut.take().task, fanOut.take().task];
  assert.equal([items.claim(lost), items.claim(live), items.claim(late)], [0, 1, 2]);
  fanOut.taskLost(lost, crashed);
  fanOut.taskDone(live, ran(items, [1]));
  await nextTurn();
  fanOut.taskDone(late, ran(items, [2]));
  await nextTurn();
  assert.is(finished.length, 1);
  const { outputs, failures } = result();
  assert.equal(outputs, [undefined, undefined, 20, 30, undefined, undefined, undefined, undefined, undefined, undefined]);
  assert.equal(
    failures.map((f) => f.index),
    [0, 1],
  );
});

test('tasks lost again and again without claiming anything fail the items nobody took', () => {
  const { fanOut, result } = tenItems(100, [0]);
  for (let lost = 0; lost < 4; lost++) fanOut.taskLost(fanOut.take().task, null);
  const { outputs, failures, stopped } = result();
  assert.is(stopped, false);
  assert.equal(outputs, new Array(10).fill(undefined));
  assert.is(failures.length, 10);
  assert.ok(failures.every((f) => f.error === PoolFaults.WorkerCrashed && /before any of them took one/.test(f.cause ?? '')));
});

test('a block claimed but never marked or reported (its thread died in between) fails with the fault that thread died of', () => {
  const { items, fanOut, result } = tenItems(10);
  const first = fanOut.take().task;
  const second = fanOut.take().task;
  // The first task's thread takes block 0 and dies before writing down whose it is.
  Atomics.add(new Int32Array(items.buffer, 0, 1), 0, 1);
  assert.equal(
    [1, 2, 3, 4].map(() => items.claim(second)),
    [1, 2, 3, 4],
  );
  fanOut.taskDone(second, ran(items, [1, 2, 3, 4]));
  fanOut.taskLost(first, crashed);
  const { outputs, failures } = result();
  assert.equal(outputs.slice(2), [20, 30, 40, 50, 60, 70, 80, 90]);
  assert.equal(
    failures.map((f) => [f.index, f.error]),
    [
      [0, crashed.error],
      [1, crashed.error],
    ],
  );
});

test('a task whose workflow does not load fails every item not yet taken', () => {
  const { items, fanOut, result } = tenItems(-1);
  const first = fanOut.take().task;
  const second = fanOut.take().task;
  assert.is(items.claim(second), 0);
  fanOut.taskRefused(first, 'ERR_POOL_WORKFLOW_LOAD', 'cannot import handlers module');
  const { failures, stopped } = result();
  assert.is(stopped, true);
  assert.equal(
    failures.map((f) => f.index),
    [2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.ok(failures.every((f) => f.error === 'ERR_POOL_WORKFLOW_LOAD'));
});

test('cancel stops the tasks through shared memory and settles once', () => {
  const { items, fanOut, finished } = tenItems(-1);
  const task = fanOut.take().task;
  fanOut.cancel();
  fanOut.cancel();
  fanOut.taskDone(task, ran(items, []));
  assert.ok(items.stopped);
  assert.is(items.claim(task), -1);
  assert.equal(
    finished.map((f) => f.stopped),
    [true],
  );
});

test('an empty fan-out settles without tasks', async () => {
  const items = SharedItems.pack([], 1, context);
  const done: boolean[] = [];
  const fanOut = new FanOut({} as Workflow, '/States/Each', items, [0], -1, (_, stopped) => done.push(stopped));
  assert.not.ok(fanOut.wantsSlot);
  await Promise.resolve();
  assert.equal(done, [false]);
});

test.run();
