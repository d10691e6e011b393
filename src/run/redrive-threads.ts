import { scopeOf } from './variables.js';
import { Frame, StopSignal } from './frame.js';
import { ParkedBranches } from './parked-branches.js';
import { childExecution, type MapProcessor } from './iterations.js';
import type { MapRun } from './map-runs.js';
import { ParkedIterations } from './parked-iterations.js';
import type { ParkedThreads } from './parked-threads.js';
import type { RedrivePoint, RedriveThread, RedriveThreadPoint } from './redrive.js';
import { runStates } from './run-states.js';
import type { StateNode } from './state.js';

/**
 * A redrive of a Parallel or Map on the main line: the state is entered again with its raw
 * input, the threads that finished keep their outputs, and only the others run, each from the
 * state it stood in (with its input and its own variables) or, never started, from its start;
 * a Distributed Map's map run runs again, its unsuccessful children started anew. The group they make is a Suspension of the state's frame: the machine parks it, and
 * the state's join step (Retry, Catch, ResultSelector…) runs the main line on once they end.
 */

/** Where each thread of a redrive point starts again (null: it finished); null when the point has no threads. Throws a RangeError when the point does not fit the machine. */
export function threadStarts(node: StateNode, point: RedrivePoint): (StateNode | null)[] | null {
  if (point.branches !== undefined) {
    const plan = node.branches;
    const records = point.branches;
    if (plan === null || plan.starts.length !== records.length)
      throw new RangeError(`state '${node.name}' is not a Parallel state with the ${records.length} branches the redrive point names`);
    return records.map((r, i) =>
      r.finished ? null : r.point === null ? plan.starts[i]! : stateIn(plan.states[i]!, r.point, `branch ${i} of Parallel state '${node.name}'`),
    );
  }
  if (point.iterations === undefined) return null;
  const processor = node.iterations;
  if (processor === null) throw new RangeError(`state '${node.name}' is not a Map state`);
  if (processor.isolated !== (point.mapRunArn !== undefined))
    throw new RangeError(`Map state '${node.name}' is not ${processor.isolated ? 'an inline' : 'a distributed'} Map as the redrive point says`);
  // A map run the host no longer keeps: the Distributed Map runs again whole.
  if (processor.isolated && mapRunOf(processor, point) === null) return null;
  if (point.iterations.length > (point.inputs ?? []).length)
    throw new RangeError(`the redrive point of Map state '${node.name}' names more iterations than items`);
  // A map run's unsuccessful children start anew (their histories too).
  return point.iterations.map((r) =>
    r.finished
      ? null
      : r.point === null || processor.isolated
        ? processor.start
        : stateIn(processor.states, r.point, `the iterations of Map state '${node.name}'`),
  );
}

function mapRunOf(processor: MapProcessor, point: RedrivePoint): MapRun | null {
  return point.mapRunArn === undefined ? null : (processor.mapRuns?.mapRunRestored?.(point.mapRunArn) ?? null);
}

/** The state's threads run again from `starts` (threadStarts()), in the group it returns. */
export function redriveGroup(node: StateNode, frame: Frame, point: RedrivePoint, starts: readonly (StateNode | null)[]): ParkedThreads {
  enter(node, frame, point.rawInput);
  const group =
    point.branches !== undefined
      ? redriveBranches(node, frame, point, point.branches, starts)
      : redriveIterations(node, frame, point, point.iterations!, starts);
  group.relaunched();
  return group;
}

function redriveBranches(
  node: StateNode,
  frame: Frame,
  point: RedrivePoint,
  records: readonly RedriveThread[],
  starts: readonly (StateNode | null)[],
): ParkedBranches {
  const plan = node.branches!;
  const exec = frame.exec;
  exec.eventId++;
  exec.history?.stateEvent(frame, 'ParallelStateStarted');
  const group = new ParkedBranches(frame, plan, point.rawInput, new StopSignal(frame.stop, true));
  exec.redrive?.watch(group, point.branchInput);
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    if (record.finished) {
      group.restoredOutput(i, record.output);
      continue;
    }
    const at = record.point;
    const vars = plan.assigns[i] ? scopeOf(frame.vars, at?.variables ?? [], plan.layouts[i]!, exec.limits.payloadBytes) : frame.vars;
    const branch = new Frame(exec, vars, frame.mapIndex, frame.mapValue, group.stop);
    branch.historyEventId = frame.historyEventId;
    if (!group.failed) runThread(group, i, branch, starts[i]!, at === null ? point.branchInput : at.rawInput);
  }
  return group;
}

function redriveIterations(
  node: StateNode,
  frame: Frame,
  point: RedrivePoint,
  records: readonly RedriveThread[],
  starts: readonly (StateNode | null)[],
): ParkedIterations {
  const processor = node.iterations!;
  const inputs = point.inputs ?? [];
  const exec = frame.exec;
  exec.eventId++;
  exec.history?.mapStarted(frame, inputs.length);
  const stop = new StopSignal(frame.stop, true);
  const run = mapRunOf(processor, point);
  run?.redriven(exec.clock.now());
  const group = new ParkedIterations(frame, processor, point.rawInput, inputs, Infinity, point.limit ?? 0, point.allowed ?? -1, stop, run, exec.eventId);
  exec.redrive?.watch(group, null);
  // Iterations past the recorded ones start as there is room (startMore), as they would have.
  group.next = records.length;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    if (record.finished) {
      group.restoredOutput(i, record.output);
      continue;
    }
    if (group.failed) continue;
    if (run !== null) {
      // A child of the map run: started anew, in a history of its own.
      exec.eventId++;
      runThread(group, i, group.iterationFrame(i, undefined, childExecution(run, group.stop, i, frame)), starts[i]!, inputs[i]);
      continue;
    }
    const at = record.point;
    const iteration = group.iterationFrame(
      i,
      processor.assigns ? scopeOf(frame.vars, at?.variables ?? [], processor.layout, frame.exec.limits.payloadBytes) : undefined,
    );
    exec.eventId++;
    exec.history?.mapIterationStarted(frame, iteration, i);
    runThread(group, i, iteration, starts[i]!, at === null ? inputs[i] : at.rawInput);
  }
  return group;
}

/** The main line enters the group's state again, as the run loop enters a state. */
function enter(node: StateNode, frame: Frame, rawInput: unknown): void {
  const exec = frame.exec;
  exec.transitions++;
  frame.stateName = node.name;
  frame.stateType = node.type;
  frame.enteredEventId = ++exec.eventId;
  frame.enteredMs = exec.now();
  frame.retryCount = 0;
  frame.next = node.next;
  frame.resultBound = Infinity;
  frame.stateInput = rawInput;
  exec.history?.stateEntered(frame, rawInput);
}

function stateIn(states: ReadonlyMap<string, StateNode>, at: RedriveThreadPoint, where: string): StateNode {
  const node = states.get(at.stateName);
  if (node === undefined) throw new RangeError(`no state '${at.stateName}' in ${where}`);
  return node;
}

/** Thread `index` of `group` runs from `start` in `frame`: its output, failure or wait goes to the group. */
function runThread(group: ParkedThreads, index: number, frame: Frame, start: StateNode, input: unknown): void {
  group.started(index, frame);
  let out: unknown;
  try {
    out = runStates(start, input, frame);
  } catch (thrown) {
    group.threw(index, thrown);
    return;
  }
  group.gave(index, out);
}
