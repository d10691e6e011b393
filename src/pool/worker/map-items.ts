/** A Map fan-out's task on a worker thread: claims blocks of the fan-out's items and runs their iterations. */
import type { IterationEnd } from '../../run/iterations.js';
import type { ProgressBoard } from '../board.js';
import { BatchWriter, encodeFailure, type DecoderEntry } from '../codec.js';
import { PoolFaults } from '../errors.js';
import { Outcome, type IterationOutcome, type MapItemsReply, type MapItemsTask } from '../protocol.js';
import { SharedItems } from '../shared-items.js';
import type { CompiledWorkflow } from './workflows.js';

/**
 * Runs a Map fan-out's items: claims a block of them from the fan-out's shared items,
 * runs its iterations (at most `concurrency` at once; 0: no limit), claims the next, and
 * so on until none are left or the fan-out stops (too many failures). Replies with the
 * blocks it claimed and one outcome per item of them, in claim order. Outcomes are encoded
 * as they come, so the reply is ready as soon as the last iteration ends.
 */
export function runMapItems(workflow: CompiledWorkflow, task: MapItemsTask, board: ProgressBoard, decoder: DecoderEntry): Promise<unknown> {
  const items = new SharedItems(task.items);
  const iterations = workflow.iterations(task.state, items.context(decoder));
  const limit = task.concurrency > 0 ? task.concurrency : Infinity;
  const slot = task.slot;
  const blocks: number[] = [];
  /** Per item claimed, its outcome; undefined while it runs or waits to. */
  const outcomes: (IterationOutcome | undefined)[] = [];
  const writer = new BatchWriter();
  /** Outcomes written so far, from the first; -1 once one could not be encoded. */
  let written = 0;
  /** The inputs of the block claimed last, the index of its first item, and where its outcomes start. */
  let inputs: unknown[] = [];
  let first = 0;
  let base = 0;
  let next = 0;
  let inFlight = 0;
  let failures = 0;
  let exhausted = false;
  let replied = false;
  return new Promise((resolve) => {
    function settle(at: number, outcome: IterationEnd): void {
      if ('output' in outcome) outcomes[at] = [Outcome.Succeeded, outcome.output];
      else {
        outcomes[at] = [Outcome.Failed, outcome.error, outcome.cause];
        failures++;
        if (items.addFailures(1) > task.tolerated) items.stop();
      }
      write();
    }
    function write(): void {
      if (written < 0) return;
      try {
        for (let outcome = outcomes[written]; outcome !== undefined; outcome = outcomes[++written]) writer.add(outcome);
      } catch {
        written = -1;
      }
    }
    function claimBlock(): boolean {
      const block = items.claim(task.task);
      if (block < 0) return false;
      blocks.push(block);
      inputs = items.read(block, decoder);
      first = items.firstOf(block);
      base = outcomes.length;
      next = 0;
      outcomes.length += inputs.length;
      return true;
    }
    function finish(): void {
      // Only the block claimed last can hold items never started: the fan-out stopped first.
      for (let at = base + next; at < outcomes.length; at++) outcomes[at] = NOT_RUN;
      write();
      const all = outcomes as IterationOutcome[];
      resolve(
        written < 0 ? itemsReplyOneByOne(blocks, all, failures, iterations.events) : { blocks, outcomes: writer.finish(), failures, events: iterations.events },
      );
    }
    function launch(): void {
      const sliceEnds = performance.now() + SLICE_MS;
      while (!exhausted && inFlight < limit) {
        if (next === inputs.length) {
          if (performance.now() > sliceEnds) {
            setImmediate(launch);
            return;
          }
          if (!claimBlock()) {
            exhausted = true;
            break;
          }
        }
        if (items.stopped) {
          exhausted = true;
          break;
        }
        const at = base + next;
        board.touch(slot);
        const outcome = iterations.run(inputs[next], first + next);
        next++;
        if (!(outcome instanceof Promise)) {
          settle(at, outcome);
          continue;
        }
        inFlight++;
        outcome.then((settled) => {
          inFlight--;
          board.touch(slot);
          settle(at, settled);
          launch();
        });
      }
      if (exhausted && inFlight === 0 && !replied) {
        replied = true;
        finish();
      }
    }
    launch();
  });
}

const NOT_RUN: IterationOutcome = [Outcome.NotRun];

/**
 * A fan-out task runs its blocks back to back for at most this long before it lets the
 * thread's other work run (executions waiting on I/O or timers, tasks queued behind it).
 */
const SLICE_MS = 10;

/** The slow path after an output failed to encode: fail just the iterations whose outputs cannot travel. */
function itemsReplyOneByOne(blocks: number[], outcomes: IterationOutcome[], failures: number, events: number): MapItemsReply {
  const writer = new BatchWriter();
  for (const outcome of outcomes) {
    let value: IterationOutcome = outcome;
    try {
      new BatchWriter().add(outcome);
    } catch (thrown) {
      value = [Outcome.Failed, PoolFaults.OutputNotEncodable, `The iteration's output cannot be sent back from the worker thread: ${encodeFailure(thrown)}.`];
      failures++;
    }
    writer.add(value);
  }
  return { blocks, outcomes: writer.finish(), failures, events };
}
