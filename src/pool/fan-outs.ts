/**
 * The pool's Map fan-outs, main side: starts one when a worker asks (worker/fan-out-client.ts) or
 * `runMap` is called, hands their tasks to free task slots ahead of execution batches, and
 * answers each with its tasks' outcome bytes (fan-out.ts follows a single fan-out).
 */
import { encodeFailure, type DecoderEntry } from './codec.js';
import type { Dispatcher, LostTask } from './dispatcher.js';
import { PoolError, PoolErrorCodes } from './errors.js';
import { collectOutcomes, planFanOut, type MapFanOutRequest, type MapFanOutResult } from './fan-out-plan.js';
import { FanOut } from './fan-out.js';
import { invalid } from './checks.js';
import { MAP_FAN_OUT, TaskKinds, type MapFanOutMessage, type MapFanOutReply, type MapItemsReply } from './protocol.js';
import type { Workflow } from './registry.js';
import { isSetupFailure, setupPoolError } from './replies.js';
import { SharedItems } from './shared-items.js';

export class FanOuts {
  private readonly threads: number;
  private readonly decoder: DecoderEntry;
  private readonly dispatcher: Dispatcher;
  private readonly workflowsByKey: ReadonlyMap<number, Workflow>;
  /** Hands work to free task slots (the pool's pump). */
  private readonly pump: () => void;
  /** The fan-outs not yet finished. */
  private readonly running: FanOut[];

  constructor(threads: number, decoder: DecoderEntry, dispatcher: Dispatcher, workflowsByKey: ReadonlyMap<number, Workflow>, pump: () => void) {
    this.threads = threads;
    this.decoder = decoder;
    this.dispatcher = dispatcher;
    this.workflowsByKey = workflowsByKey;
    this.pump = pump;
    this.running = [];
  }

  /** Fan-outs not yet finished. */
  get count(): number {
    return this.running.length;
  }

  /** The pool's `runMap` past its own checks: the Map state at `request.state` of `workflow`, its iterations spread over the pool. */
  run(workflow: Workflow, request: MapFanOutRequest): Promise<MapFanOutResult> {
    if (!workflow.mapStates.has(request.state)) return Promise.reject(invalid(`no Map state at ${request.state}`));
    const plan = planFanOut(request.inputs.length, this.threads, request.maxConcurrency);
    let items: SharedItems;
    try {
      items = SharedItems.pack(request.inputs, plan.blockSize, request.parent);
    } catch (thrown) {
      return Promise.reject(
        new PoolError(PoolErrorCodes.INPUT_NOT_ENCODABLE, `a Map item cannot be sent to a worker thread: ${encodeFailure(thrown)}`, { cause: thrown }),
      );
    }
    return new Promise((resolve) => {
      this.start(workflow, request.state, items, plan.concurrencies, request.toleratedFailures, (replies, stopped) =>
        resolve(collectOutcomes(items.count, items.blockSize, replies, stopped, this.decoder)),
      );
    });
  }

  /** A worker asks to fan a Map out (worker/fan-out-client.ts); the answer goes back on the port it sent. Other messages are not ours. */
  fromWorker(message: unknown): void {
    const request = message as MapFanOutMessage;
    if (request === null || typeof request !== 'object' || request.type !== MAP_FAN_OUT) return;
    const port = request.port;
    const workflow = this.workflowsByKey.get(request.workflowKey);
    if (workflow === undefined) {
      port.postMessage({ error: { name: 'PoolError', message: `no workflow is registered under key ${request.workflowKey}` } } satisfies MapFanOutReply);
      port.close();
      return;
    }
    const items = new SharedItems(request.items);
    const fanOut = this.start(workflow, request.state, items, request.concurrencies, request.tolerated, (replies, stopped) => {
      port.postMessage(
        { replies, stopped } satisfies MapFanOutReply,
        replies.map((reply) => reply.outcomes.buffer as ArrayBuffer),
      );
      port.close();
    });
    // The asking thread died: its execution has failed already, so stop its tasks.
    port.once('close', () => fanOut.cancel());
  }

  /** Sends a task of the first fan-out that has one to a free slot (call only when one is free); false when none has. */
  sendNext(): boolean {
    const fanOut = this.running.find((f) => f.wantsSlot);
    if (fanOut === undefined) return false;
    this.sendMapItems(fanOut);
    return true;
  }

  private start(
    workflow: Workflow,
    state: string,
    items: SharedItems,
    concurrencies: readonly number[],
    tolerated: number,
    done: (replies: MapItemsReply[], stopped: boolean) => void,
  ): FanOut {
    const fanOut = new FanOut(workflow, state, items, concurrencies, tolerated, (replies, stopped) => {
      const at = this.running.indexOf(fanOut);
      if (at >= 0) this.running.splice(at, 1);
      done(replies, stopped);
      this.pump();
    });
    if (!fanOut.isFinished) this.running.push(fanOut);
    this.pump();
    return fanOut;
  }

  private sendMapItems(fanOut: FanOut): void {
    const workflow = fanOut.workflow;
    const { task, concurrency } = fanOut.take();
    this.dispatcher
      .send(
        (slot) => ({
          kind: TaskKinds.MapItems,
          workflow: workflow.ref,
          slot,
          state: fanOut.state,
          items: fanOut.items.buffer,
          task,
          concurrency,
          tolerated: fanOut.tolerated,
        }),
        workflow.hangTimeoutMs,
      )
      .then(
        (reply: unknown) => {
          if (isSetupFailure(reply)) {
            const error = setupPoolError(reply.setupError);
            fanOut.taskRefused(task, error.code, error.message);
          } else {
            fanOut.taskDone(task, reply as MapItemsReply);
          }
          this.pump();
        },
        (lost: LostTask) => {
          fanOut.taskLost(task, lost.fault);
          this.pump();
        },
      );
  }
}
