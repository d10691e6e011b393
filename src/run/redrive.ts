import type { ExecutionResult, ExecutionStatus } from './result.js';
import { Frame, type Execution } from './frame.js';
import { VariableScope, scopeOf } from './variables.js';
import type { HistoryEvent } from './history.js';
import { runStates } from './run-states.js';
import { redriveGroup, threadStarts } from './redrive-threads.js';
import { isPromiseLike } from './state.js';
import { Suspension } from './suspension.js';
import { ParkedBranches } from './parked-branches.js';
import { ParkedIterations } from './parked-iterations.js';
import type { ParkedThreads } from './parked-threads.js';
import type { ExecuteOptions, Machine } from './execution.js';

/** Where one thread stood: the state to run again, its raw input, and the variables of its own scope (the main line: all). */
export interface RedriveThreadPoint {
  readonly stateName: string;
  readonly rawInput: unknown;
  readonly variables: Array<[string, unknown, number]>;
}

/** A Parallel branch or Map iteration of a redrive point: finished (its output, kept), or to run again from its point (null: from its start). */
export type RedriveThread = { readonly finished: true; readonly output: unknown } | { readonly finished: false; readonly point: RedriveThreadPoint | null };

/**
 * Where an execution's main line stood when it ended unsuccessfully, as JSON-ready data: the
 * top-level state to run again, that state's raw input, every variable, and the counters the
 * execution goes on from. When that state is a Parallel or an inline Map whose threads had
 * started, their records too: a redrive (Machine.redrive) runs only those that did not finish.
 */
export interface RedrivePoint extends RedriveThreadPoint {
  readonly transitions: number;
  readonly variableBytes: number;
  /** A Parallel: its branches, and the input they all got (an unstarted branch starts from it). */
  readonly branches?: RedriveThread[];
  readonly branchInput?: unknown;
  /** A Map: its iterations' inputs, MaxConcurrency (0: none), tolerated failures (-1: none), and the iterations started, in item order. */
  readonly inputs?: unknown[];
  readonly limit?: number;
  readonly allowed?: number;
  readonly iterations?: RedriveThread[];
  /** A Distributed Map: its map run, which the redrive runs again (its unsuccessful children anew). */
  readonly mapRunArn?: string;
}

/**
 * A host's hold on one run of a redrivable execution (createService() makes one per Standard
 * run): the run's redrive count and time for the context object, and, once the run ended
 * unsuccessfully, where its main line stood. Only runs given one pay for it.
 */
export class RedriveTap {
  /** How many times the execution was redriven before this run (0: its first run). */
  readonly count: number;
  /** When this run's redrive started, in milliseconds of the clock (NaN: not a redrive). */
  readonly redriveMs: number;
  /** The run's main line while it runs. */
  frame: Frame | null;
  /** The branches or iterations of the main line's latest Parallel or Map, the Parallel's branch input, and which of them failed. */
  private group: ParkedThreads | null;
  private groupInput: unknown;
  /** The main line's StateEntered id when the group started: a later visit to the same state is another. */
  private groupEntered: number;
  private failed: Set<number> | null;
  /** Set when the run ended FAILED, TIMED_OUT or ABORTED with a state to continue from. */
  point: RedrivePoint | null;
  constructor(count = 0, redriveMs = NaN) {
    this.count = count;
    this.redriveMs = redriveMs;
    this.frame = null;
    this.group = null;
    this.groupInput = undefined;
    this.groupEntered = 0;
    this.failed = null;
    this.point = null;
  }

  /** A Parallel's branches (their input `input`) or a Map's iterations start as a group: kept when they are the main line's. */
  watch(group: ParkedThreads, input: unknown): void {
    if (group.frame !== this.frame) return;
    this.group = group;
    this.groupInput = input;
    this.groupEntered = group.frame.enteredEventId;
    this.failed = null;
  }

  /** A thread of `group` failed: it runs again on a redrive even when its Map tolerated it. */
  threadFailed(group: ParkedThreads, index: number): void {
    if (group === this.group) (this.failed ??= new Set()).add(index);
  }

  /**
   * Called as the run settles: an unsuccessful end keeps where the main line stood. Nothing
   * is kept when no state was reached, when the history reached its quota (AWS does not
   * redrive such an execution) or when the run kept no history (the state's input is unknown).
   */
  ended(exec: Execution, status: ExecutionStatus): void {
    const frame = this.frame;
    const group = this.group;
    this.frame = null;
    this.group = null;
    const history = exec.history;
    if (status === 'SUCCEEDED' || frame === null || frame.stateName === '' || history === null || history.full) return;
    const point = {
      stateName: frame.stateName,
      rawInput: frame.stateInput,
      variables: variablesOf(frame.vars, 'visible'),
      transitions: exec.transitions,
      variableBytes: exec.variableBytes,
    };
    // The group of this visit to the state (a Retry's next attempt makes another; a run stopped before entering the state again has none).
    const own = group !== null && group.node !== null && group.node.name === frame.stateName && this.groupEntered === frame.enteredEventId;
    this.point = own ? { ...point, ...threadsOf(group, this.groupInput, this.failed ?? noneFailed) } : point;
  }
}

const noneFailed: ReadonlySet<number> = new Set();

/** The records of a main-line group's threads: a Parallel's branches, a Map's iterations (a Distributed Map's with its map run; one without is run again whole). */
function threadsOf(group: ParkedThreads, branchInput: unknown, failed: ReadonlySet<number>): Partial<RedrivePoint> {
  if (group instanceof ParkedBranches) return { branches: threadRecords(group, group.frames.length, group.plan.assigns, failed), branchInput };
  if (!(group instanceof ParkedIterations) || (group.processor.isolated && group.run === null)) return {};
  const assigns = group.processor.assigns;
  return {
    inputs: group.inputs,
    limit: group.limit,
    allowed: group.allowed,
    iterations: threadRecords(group, group.next, () => assigns, failed),
    ...(group.run !== null ? { mapRunArn: group.run.arn } : {}),
  };
}

function threadRecords(group: ParkedThreads, count: number, assigns: readonly boolean[] | (() => boolean), failed: ReadonlySet<number>): RedriveThread[] {
  const records: RedriveThread[] = [];
  for (let i = 0; i < count; i++) {
    const frame = group.frames[i];
    if (group.finished[i] && !failed.has(i)) records.push({ finished: true, output: group.outputs[i] });
    else if (frame === undefined || frame.stateName === '') records.push({ finished: false, point: null });
    else {
      const own = typeof assigns === 'function' ? assigns() : assigns[i]!;
      records.push({
        finished: false,
        point: { stateName: frame.stateName, rawInput: frame.stateInput, variables: variablesOf(frame.vars, own ? 'own' : 'none') },
      });
    }
  }
  return records;
}

/** A frame's variables as a record holds them: all it sees (the main line), its own scope's, or none (a thread sharing its parent's scope). */
function variablesOf(vars: VariableScope | null, which: 'visible' | 'own' | 'none'): Array<[string, unknown, number]> {
  if (vars === null || which === 'none') return [];
  if (which === 'own') return vars.own();
  return vars.visibleWithSizes();
}

/** What Machine.redrive() takes besides the point; stop and the hooks as execute() takes them. */
export interface RedriveOptions extends Pick<ExecuteOptions, 'stop' | 'onHistory' | 'onSuspend' | 'onResume'> {
  name: string;
  input: unknown;
  /** The execution's first start, in milliseconds of the clock (`$$.Execution.StartTime` stays). */
  startMs: number;
  /** The history so far, its last event the ExecutionRedriven that this run follows. */
  events: readonly HistoryEvent[];
  /** This run's tap: its count is the redrive count. */
  tap: RedriveTap;
}

/**
 * Runs `machine` again from `point` (Machine.redrive): same name, input and start time, the
 * recorded variables, history ids going on after `options.events`, and the execution's whole
 * TimeoutSeconds from now. Throws a RangeError when the machine has no such top-level state.
 */
export function redriveRun(machine: Machine, point: RedrivePoint, options: RedriveOptions): ExecutionResult | Promise<ExecutionResult> {
  const node = machine['topLevelState'](point.stateName);
  const now: number = machine['clock'].now();
  const events = options.events;
  const lastId = events.length === 0 ? 0 : events[events.length - 1]!.id;
  const counters = { eventId: lastId, transitions: point.transitions, variableBytes: point.variableBytes };
  const exec: Execution = machine['reopened'](options.name, options.input, options.startMs, now + machine['timeoutMs'], counters, events, lastId);
  exec.readClock(now);
  exec.redrive = options.tap;
  if (exec.history !== null) options.onHistory?.(exec.history);
  const frame = new Frame(exec, scopeOf(null, point.variables, machine['layout'], exec.limits.payloadBytes), -1, null);
  // The state run again follows the ExecutionRedriven event.
  frame.historyEventId = lastId;
  options.tap.frame = frame;
  // A Parallel's or Map's threads that finished keep their outputs; the others run again (checked before anything runs).
  const starts = threadStarts(node, point);
  const stop = options.stop ?? null;
  if (stop?.stopped) return machine['stopped'](exec, stop);
  stop?.attach(exec);
  let out: unknown;
  try {
    if (starts !== null) throw redriveGroup(node, frame, point, starts);
    out = runStates(node, point.rawInput, frame);
  } catch (thrown) {
    if (thrown instanceof Suspension) return machine['race'](exec, thrown, stop, options);
    stop?.attach(null);
    return machine['failed'](exec, thrown, stop);
  }
  if (!isPromiseLike(out)) {
    stop?.attach(null);
    return machine['completed'](exec, out, stop);
  }
  return machine['race'](exec, out, stop, options);
}
