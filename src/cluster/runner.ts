/**
 * A runner thread of a cluster worker: it takes execution batches from the executions queue
 * itself (its own BullMQ worker and Redis connection), runs them in this thread with the
 * compiled workflow, and answers the client directly. The batch's bytes are decoded once,
 * here, and the answer encoded once, here: the host's main thread never touches an
 * execution. (Through the host's pool each execution was decoded and encoded twice more, on
 * the main thread, which was the ceiling on two cores: bench/standalone/cluster.ts.)
 */
import { executionTimeLimit } from '../run/arns.js';
import { parentPort, workerData } from 'node:worker_threads';
import { Worker, type Job } from 'bullmq';
import { lastPointerToken } from '../asl/problems.js';
import type { MapExecutor } from '../run/iterations.js';
import { compile, type Machine } from '../compile/machine.js';
import { BatchNames, type WorkflowOptions } from '../pool/protocol.js';
import { readBatch } from '../pool/codec.js';
import { realClock, virtualClock } from '../run/clock.js';
import { defaultLimits } from '../run/limits.js';
import type { ExecutionResult } from '../run/result.js';
import { answer, AnswerWriter, messageOf } from './answers.js';
import { Cluster } from './client.js';
import { ClusterFaults } from './errors.js';
import { arnsOf, ClusterKeys, limitsFromWire, Queues, type BatchJobData, type WorkflowRecord } from './protocol.js';
import { connect } from './redis.js';
import { BEAT_MS, HeldSlots, RunnerBeat, type RunnerData, type RunnerMessage } from './runner-protocol.js';

type Loaded =
  | { readonly machine: Machine; readonly record: WorkflowRecord; readonly arns: ReturnType<typeof arnsOf>; readonly timeLimitMs: number }
  | { readonly record: WorkflowRecord | null; readonly failure: string };

const data = workerData as RunnerData;
/** This thread's client for fanning Maps out over the cluster, made by the first Map that does. */
let fanOutClient: Cluster | null = null;
const keys = new ClusterKeys(data.prefix);
const redis = connect(data.connection);
const workflows = new Map<string, Promise<Loaded>>();
const beat = new Int32Array(data.beat);
const heldSlots = new HeldSlots(data.held);
let batchSerial = 0;
Atomics.store(beat, RunnerBeat.RUNNING_BATCH, -1);
setInterval(() => Atomics.add(beat, RunnerBeat.BEAT, 1), BEAT_MS).unref();

// A stray asynchronous error of a handler (a promise nobody awaited) must not end the thread and every batch it holds.
process.on('unhandledRejection', (reason) => process.stderr.write(`statemill worker: an unhandled rejection in a handler: ${messageOf(reason)}\n`));
process.on('uncaughtException', (error) => process.stderr.write(`statemill worker: an uncaught error in a handler: ${messageOf(error)}\n`));

const connection = connect(data.connection);
const worker = new Worker(Queues.executions, runBatch, {
  connection,
  prefix: keys.prefix,
  concurrency: data.concurrency,
  lockDuration: data.lockDurationMs,
  stalledInterval: data.stalledIntervalMs,
  maxStalledCount: data.maxStalledCount,
});
worker.on('error', () => {});
await worker.waitUntilReady();
parentPort!.postMessage({ type: 'ready' } satisfies RunnerMessage);
parentPort!.on('message', async (message: RunnerMessage) => {
  if (message.type !== 'close') return;
  // Finishes the batches it holds, takes no more.
  await worker.close();
  await fanOutClient?.close();
  redis.disconnect();
  connection.disconnect();
  parentPort!.postMessage({ type: 'closed' } satisfies RunnerMessage);
  parentPort!.close();
});

async function runBatch(job: Job): Promise<void> {
  const batch = job.data as BatchJobData;
  const jobId = job.id!;
  const [loaded, payload] = await Promise.all([workflow(batch.workflow), redis.getBuffer(keys.payload(jobId))]);
  // Gone only if the batch was answered already (a re-run of a batch whose worker died after answering) or a day passed.
  if (payload === null)
    return answer(redis, keys, batch.client, jobId, 'batch', { fault: ClusterFaults.BatchFailed, message: 'the batch inputs are no longer in Redis' });
  const inputs = readBatch(payload, 'no-eval');
  if ('failure' in loaded) {
    const record = loaded.record;
    if (record === null) return answer(redis, keys, batch.client, jobId, 'batch', { fault: ClusterFaults.WorkflowLoad, message: loaded.failure });
    const refused = new AnswerWriter(null);
    for (let i = 0; i < inputs.length; i++) refused.refused(loaded.failure);
    return answer(redis, keys, batch.client, jobId, 'batch', refused.answer);
  }
  const serial = batchSerial++;
  const slot = heldSlots.hold({ jobId, serial, client: batch.client, count: inputs.length, timeLimitMs: loaded.timeLimitMs });
  const results = new Array<ExecutionResult>(inputs.length);
  const names = new Array<string>(inputs.length);
  const executionIds = new Array<string>(inputs.length);
  const waiting: Promise<void>[] = [];
  const generated = new BatchNames(batch.nameBase);
  const ids = BatchNames.ids(batch.nameBase);
  try {
    Atomics.store(beat, RunnerBeat.RUNNING_BATCH, serial);
    for (let i = 0; i < inputs.length; i++) {
      const name = (names[i] = batch.names?.[i] ?? generated.of(i));
      const executionId = (executionIds[i] = ids.of(i));
      // Each execution that starts is progress: a long batch of executions within their limits is not a hang.
      Atomics.add(beat, RunnerBeat.BEAT, 1);
      Atomics.store(beat, RunnerBeat.RUNNING_INDEX, i);
      const ran = loaded.machine.run(inputs[i], { name, executionId });
      if (ran instanceof Promise) waiting.push(ran.then((result: ExecutionResult) => void (results[i] = result)));
      else results[i] = ran;
    }
    Atomics.store(beat, RunnerBeat.RUNNING_BATCH, -1);
    if (waiting.length > 0) await Promise.all(waiting);
    // Written in batch order once all ended.
    const answered = new AnswerWriter(loaded.arns);
    for (let i = 0; i < results.length; i++) answered.result(results[i]!, names[i]!, executionIds[i]!);
    await answer(redis, keys, batch.client, jobId, 'batch', answered.answer);
  } finally {
    Atomics.store(beat, RunnerBeat.RUNNING_BATCH, -1);
    heldSlots.release(slot);
  }
}

/** The registration `key`, compiled in this thread on first use. */
function workflow(key: string): Promise<Loaded> {
  let found = workflows.get(key);
  if (found === undefined) {
    found = load(key);
    workflows.set(key, found);
    // Not registered (yet): look again next time.
    found.then(
      (loaded) => loaded.record === null && workflows.delete(key),
      () => workflows.delete(key),
    );
  }
  return found;
}

async function load(key: string): Promise<Loaded> {
  const text = await redis.hget(keys.workflows, key);
  if (text === null) return { record: null, failure: `workflow '${key}' is not registered in this cluster's Redis` };
  const record = JSON.parse(text) as WorkflowRecord;
  const handlersUrl = data.handlers ?? record.handlers;
  // A workflow registered without handlers calls none (register() checked it).
  let handlers: unknown = {};
  if (handlersUrl !== null) {
    try {
      handlers = ((await import(handlersUrl)) as Record<string, unknown>).handlers;
    } catch (thrown) {
      return { record, failure: `workflow '${record.id}': cannot import handlers module ${handlersUrl}: ${messageOf(thrown)}` };
    }
    if (handlers === null || typeof handlers !== 'object')
      return { record, failure: `workflow '${record.id}': module ${handlersUrl} does not export an object named 'handlers'` };
  }
  const options = record.options;
  try {
    const mapExecutor = record.mapFanOut === undefined || record.mapFanOut === false ? undefined : mapHook(key, record);
    const machine = compile(record.definition, {
      ...(mapExecutor === undefined ? {} : { mapExecutor }),
      handlers: handlers as never,
      clock: options.clock === 'virtual' ? virtualClock() : realClock,
      limits: limitsFromWire(options.limits),
      ...stringOption('stateMachineName', options.stateMachineName),
      ...stringOption('region', options.region),
      ...stringOption('accountId', options.accountId),
      ...stringOption('roleArn', options.roleArn),
    });
    return { machine, record, arns: arnsOf(options), timeLimitMs: timeLimitOf(record) };
  } catch (thrown) {
    return {
      record,
      failure: `workflow '${record.id}' does not compile ${handlersUrl === null ? 'without handlers' : `with the handlers of ${handlersUrl}`}: ${messageOf(thrown)}`,
    };
  }
}

/**
 * The Map hook of a workflow registered with mapFanOut: Maps it names (or all) with at least
 * mapFanOutMinItems items go out as block jobs, which hosts run on their pools — never on the
 * runner threads, so an execution waiting for its blocks never holds a slot they need. Items
 * of a block that reach a Map run it in their own thread (a fanned-out item does not fan out again).
 */
function mapHook(key: string, record: WorkflowRecord): MapExecutor {
  const names = record.mapFanOut === true ? null : new Set(record.mapFanOut as readonly string[]);
  const minItems = record.mapFanOutMinItems ?? 16;
  return (request) => {
    const stateName = lastPointerToken(request.state);
    if (names !== null && !names.has(stateName)) return null;
    if (request.inputs.length < minItems) return null;
    if (fanOutClient === null) fanOutClient = new Cluster({ connection: data.connection, prefix: data.prefix });
    fanOutClient.adopt(key, key, record.options as WorkflowOptions);
    return fanOutClient.runMap(key, request);
  };
}

/** The execution time limit the engine enforces (compile/machine.ts): TimeoutSeconds or limits.executionMs, whichever is less. */
function timeLimitOf(record: WorkflowRecord): number {
  const executionMs = limitsFromWire(record.options.limits)?.executionMs ?? defaultLimits.executionMs;
  return executionTimeLimit(record.definition, { executionMs });
}

function stringOption(name: string, value: unknown): Record<string, string> {
  return typeof value === 'string' ? { [name]: value } : {};
}
