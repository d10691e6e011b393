import type { ExecutionResult, ExecutionStatus } from './result.js';
import { Frame, VariableScope, type Execution } from './frame.js';
import { HistoryRecorder, type HistoryEvent, type RecordedHistory } from './history.js';
import { runStates } from './run-states.js';
import { isPromiseLike } from './state.js';
import type { StopHandle } from './stop.js';
import { Suspension } from './suspension.js';
import type { Machine } from './execution.js';

/**
 * Where an execution's main line stood when it ended unsuccessfully, as JSON-ready data: the
 * top-level state to run again, that state's raw input, every variable, and the counters the
 * execution goes on from. A redrive (Machine.redrive) continues there.
 */
export interface RedrivePoint {
  readonly stateName: string;
  readonly rawInput: unknown;
  readonly variables: Array<[string, unknown, number]>;
  readonly transitions: number;
  readonly variableBytes: number;
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
  /** Set when the run ended FAILED, TIMED_OUT or ABORTED with a state to continue from. */
  point: RedrivePoint | null;
  constructor(count = 0, redriveMs = NaN) {
    this.count = count;
    this.redriveMs = redriveMs;
    this.frame = null;
    this.point = null;
  }

  /**
   * Called as the run settles: an unsuccessful end keeps where the main line stood. Nothing
   * is kept when no state was reached, when the history reached its quota (AWS does not
   * redrive such an execution) or when the run kept no history (the state's input is unknown).
   */
  ended(exec: Execution, status: ExecutionStatus): void {
    const frame = this.frame;
    this.frame = null;
    const history = exec.history;
    if (status === 'SUCCEEDED' || frame === null || frame.stateName === '' || history === null || history.full) return;
    const vars = frame.vars;
    this.point = {
      stateName: frame.stateName,
      rawInput: frame.stateInput,
      variables: vars === null ? [] : vars.visible().map(([name, value]): [string, unknown, number] => [name, value, vars.sizeOf(name)]),
      transitions: exec.transitions,
      variableBytes: exec.variableBytes,
    };
  }
}

/** What Machine.redrive() takes besides the point. */
export interface RedriveOptions {
  name: string;
  input: unknown;
  /** The execution's first start, in milliseconds of the clock (`$$.Execution.StartTime` stays). */
  startMs: number;
  /** The history so far, its last event the ExecutionRedriven that this run follows. */
  events: readonly HistoryEvent[];
  /** This run's tap: its count is the redrive count. */
  tap: RedriveTap;
  stop?: StopHandle;
  onHistory?: (history: RecordedHistory) => void;
  onSuspend?: (suspension: Suspension) => void;
  onResume?: () => void;
}

/**
 * Runs `machine` again from `point` (Machine.redrive): same name, input and start time, the
 * recorded variables, history ids going on after `options.events`, and the execution's whole
 * TimeoutSeconds from now. Throws a RangeError when the machine has no such top-level state.
 */
export function redriveRun(machine: Machine, point: RedrivePoint, options: RedriveOptions): ExecutionResult | Promise<ExecutionResult> {
  const node = machine['topLevelState'](point.stateName);
  const now: number = machine['clock'].now();
  const exec: Execution = machine['execution'](options.name, options.input, options.startMs, now + machine['timeoutMs']);
  exec.readClock(now);
  exec.suspendable = true;
  exec.transitions = point.transitions;
  exec.variableBytes = point.variableBytes;
  exec.redrive = options.tap;
  const events = options.events;
  const lastId = events.length === 0 ? 0 : events[events.length - 1]!.id;
  exec.eventId = lastId;
  const settings = machine['historySettings'];
  if (settings.level !== 'OFF') {
    exec.history = new HistoryRecorder(settings);
    exec.history.restore(events, lastId);
    options.onHistory?.(exec.history);
  }
  const vars = new VariableScope(null);
  for (const [name, value, size] of point.variables) vars.set(name, value, size);
  const frame = new Frame(exec, vars, -1, null);
  // The state run again follows the ExecutionRedriven event.
  frame.historyEventId = lastId;
  options.tap.frame = frame;
  const stop = options.stop ?? null;
  if (stop?.stopped) return machine['stopped'](exec, stop);
  stop?.attach(exec);
  let out: unknown;
  try {
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
