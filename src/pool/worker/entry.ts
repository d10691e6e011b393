/**
 * The code each pool thread runs: piscina calls the default export once per task, which
 * finds the task's compiled workflow (workflows.ts) and hands the task to its runner
 * (run-batch.ts, map-items.ts, shard.ts). A task stamps the progress board when it starts,
 * whenever one of its executions starts, and on every heartbeat of the thread's event loop:
 * that is how the main thread tells a busy worker from a hung one.
 *
 * Faults are left to crash the thread on purpose: an uncaught exception, an unhandled
 * rejection or `process.exit()` ends the thread, piscina fails every task in flight on it,
 * and the main thread settles their executions as FAILED and gets a fresh thread.
 */
import { threadId, workerData } from 'node:worker_threads';
import { ProgressBoard } from '../board.js';
import { describeError, errorData } from '../errors.js';
import { TaskKinds, type PoolWorkerData, type SetupFailure, type ShardReply, type WorkerTask } from '../protocol.js';
import { runMapItems } from './map-items.js';
import { runBatch } from './run-batch.js';
import { runShard } from './shard.js';
import { workflowFor, type CompiledWorkflow } from './workflows.js';

const data = workerData as PoolWorkerData;
const board = new ProgressBoard(data.board, data.replyAreas);

/** Board slots of the tasks running on this thread, stamped by the heartbeat. */
const active = new Set<number>();
let heartbeat: NodeJS.Timeout | null = null;

/**
 * While tasks run, the event loop stamps their slots every HEARTBEAT_MS: a task waiting on
 * I/O (or on its Map's fan-out) stays alive, and only a thread whose event loop is blocked
 * (and which starts or ends no execution) goes stale.
 */
const HEARTBEAT_MS = 50;

/** Stamps the active tasks' slots; stops once none are left (not at each task's end: a steady stream of tasks would start and stop it every time). */
function beat(): void {
  if (active.size === 0 && heartbeat !== null) {
    clearInterval(heartbeat);
    heartbeat = null;
  }
  for (const slot of active) board.touch(slot);
}

export default function runTask(task: WorkerTask): Promise<unknown> {
  board.start(task.slot, threadId);
  active.add(task.slot);
  if (heartbeat === null) heartbeat = setInterval(beat, HEARTBEAT_MS);
  let run: Promise<unknown>;
  try {
    const workflow = workflowFor(task.workflow);
    run = workflow instanceof Promise ? workflow.then((w) => runOn(w, task), setupFailure) : runOn(workflow, task);
  } catch (thrown) {
    run = Promise.reject(thrown);
  }
  return run.finally(function taskEnded() {
    active.delete(task.slot);
  });
}

function runOn(workflow: CompiledWorkflow, task: WorkerTask): Promise<unknown> {
  if (task.kind === TaskKinds.Run) return runBatch(workflow, task, board, data);
  if (task.kind === TaskKinds.MapItems) return runMapItems(workflow, task, board, data.decoder);
  // A generator that cannot be imported or throws is the caller's setup error: sent as data.
  return runShard(workflow, task, board).then((reply): ShardReply => reply, setupFailure);
}

function setupFailure(thrown: unknown): SetupFailure {
  const data = errorData(thrown);
  const cause = thrown instanceof Error ? thrown.cause : undefined;
  // The compile error underneath says what is wrong (its problems list, or the import error).
  return { setupError: cause === undefined ? data : { ...errorData(cause), code: data.code, message: `${data.message}: ${describeError(cause)}` } };
}
