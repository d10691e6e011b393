/**
 * Worker side of Map fan-out: a Map running in this worker asks the main thread to spread
 * its iterations over the whole pool. The items go out packed in shared memory
 * (shared-items.ts) with a private MessagePort for the answer; the main thread sends tasks
 * that claim them to the workers (this one included) and sends the tasks' outcome bytes
 * back without decoding anything.
 */
import { MessageChannel, parentPort } from 'node:worker_threads';
import { lastPointerToken } from '../../asl/problems.js';
import type { MapExecutor } from '../../run/iterations.js';
import type { DecoderEntry } from '../codec.js';
import { collectOutcomes, planFanOut, type MapFanOutRequest, type MapFanOutResult } from '../fan-out-plan.js';
import { MAP_FAN_OUT, type MapFanOutMessage, type MapFanOutReply, type WorkflowSpec } from '../protocol.js';
import { SharedItems } from '../shared-items.js';

/**
 * The Map hook a worker compiles workflow `key` with: Map states the registration opted in
 * (all, or by name) with at least `mapFanOutMinItems` items fan out; the others, and Maps
 * too small to be worth a message, run in the worker as usual.
 */
export function mapHookFor(key: number, spec: WorkflowSpec, threads: number, decoder: DecoderEntry): MapExecutor {
  const names = spec.mapFanOut === true ? null : new Set(spec.mapFanOut === false ? [] : spec.mapFanOut);
  return function fanOutMap(request) {
    const stateName = lastPointerToken(request.state);
    if (names !== null && !names.has(stateName)) return null;
    if (request.inputs.length < spec.mapFanOutMinItems) return null;
    return fanOutFromWorker(key, request, threads, decoder);
  };
}

export function fanOutFromWorker(workflowKey: number, request: MapFanOutRequest, threads: number, decoder: DecoderEntry): Promise<MapFanOutResult> {
  if (parentPort === null) return Promise.reject(new Error('fanOutFromWorker runs only inside a pool worker'));
  const plan = planFanOut(request.inputs.length, threads, request.maxConcurrency);
  let items: SharedItems;
  try {
    items = SharedItems.pack(request.inputs, plan.blockSize, request.parent);
  } catch (thrown) {
    return Promise.reject(thrown);
  }
  const { port1, port2 } = new MessageChannel();
  const message: MapFanOutMessage = {
    type: MAP_FAN_OUT,
    workflowKey,
    state: request.state,
    items: items.buffer,
    concurrencies: plan.concurrencies,
    tolerated: request.toleratedFailures,
    port: port2,
  };
  parentPort.postMessage(message, [port2]);
  return new Promise((resolve, reject) => {
    port1.once('message', function fanOutAnswered(reply: MapFanOutReply) {
      port1.close();
      if ('error' in reply) reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
      else resolve(collectOutcomes(items.count, items.blockSize, reply.replies, reply.stopped, decoder));
    });
  });
}
