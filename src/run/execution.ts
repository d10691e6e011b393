import type { MachineArns } from './arns.js';
import { setLimit, type Clock, type Limit, type LimitTarget } from './clock.js';
import { AslError, StatesErrors, toAslError } from './errors.js';
import { Execution, ExecutionSettings, Frame, type ExecutionInitWithSettings } from './frame.js';
import { VariableLayout, VariableScope, scopeOf } from './variables.js';
import { HistorySettings } from './history-details.js';
import { HistoryRecorder, STANDARD_HISTORY_EVENTS, historyLimitCause, type HistoryEvent, type HistoryLevel, type RecordedHistory } from './history.js';
import { UuidSequence } from './ids.js';
import { ExecutionTimeout, executionEnded } from './interruptions.js';
import { MapIterations, type IterationParent, type MapProcessor } from './iterations.js';
import { cyclePointer, cycleProblem } from './cycles.js';
import { payloadBound, textBound, type Limits } from './limits.js';
import { checkExecuteOptions } from './execute-options.js';
import { checkExecutionName } from './names.js';
import { ExecutionResult, type ExecutionResultInit, type ExecutionStatus } from './result.js';
import { runStates } from './run-states.js';
import { isPromiseLike, type StateNode } from './state.js';
import { SignalStop, StopHandle, stopCause, type StopTarget } from './stop.js';
import { Suspension, follow, type ResultPort } from './suspension.js';
import type { TaskTokens } from './tokens.js';
import { restorePoint, type DurableSuspension, type RestoreContext } from './durable.js';
import { RedriveTap, redriveRun, type RedriveOptions, type RedrivePoint } from './redrive.js';
import './hidden-classes.js';

/** What compile() builds: the compiled states, and the settings every execution of them shares. */
export interface CompiledMachine {
  readonly start: StateNode;
  /** The top-level states by name: where a suspended execution resumes (resume()). */
  readonly states: ReadonlyMap<string, StateNode>;
  /** Each Map state's processor by the Map's JSON pointer, for machine.iterations(). */
  readonly processors: ReadonlyMap<string, MapProcessor>;
  readonly arns: MachineArns;
  /** A Standard workflow's context object and ARNs (statemill runs every workflow with Express semantics). */
  readonly standard: boolean;
  readonly clock: Clock;
  readonly limits: Limits;
  /** How long an execution may run, in milliseconds of `clock` (run/arns.ts executionTimeLimit). */
  readonly timeoutMs: number;
  readonly history: HistoryLevel;
  /** Whether some state assigns variables (an Assign field anywhere): only then does an execution's main line get a variable scope. */
  readonly assigns: boolean;
  /** The slots of the top-level block's variables. */
  readonly layout: VariableLayout;
}

export interface ExecuteOptions {
  /**
   * Execution name (`$$.Execution.Name`); a UUID by default. AWS's rules apply (1–80
   * characters; no white space, brackets, wildcards, control characters or `"#%\^|~`$&,;:/`):
   * an invalid name throws (run()) or rejects (execute()) an ExecutionNameError.
   */
  name?: string;
  /**
   * The UUID that ends an Express execution's ARN (`…:express:<machine>:<name>:<uuid>`, also
   * `$$.Execution.Id`); a fresh one by default. The pool passes the one its results show.
   */
  executionId?: string;
  /**
   * The JSON text `input` was parsed from, when the caller has it (createService() does).
   * Its length bounds the input's size (`textBound`), so an input whose text is well within
   * the payload limit is not walked to prove that it fits.
   */
  inputText?: string;
  /** Aborting it stops the execution: it settles as ABORTED. */
  signal?: AbortSignal;
  /**
   * Stopping it stops the execution, as aborting `signal` does, without an AbortSignal and
   * its listener (a host of many waiting executions holds one each). Used when `signal` is absent.
   */
  stop?: StopHandle;
  /**
   * Receives the execution's history as the execution starts: its `events()` are the events
   * recorded so far, each time it is called, while the execution runs. Called only when the
   * machine records history.
   */
  onHistory?: (history: RecordedHistory) => void;
  /**
   * Called when the execution parks on a task token on its main line (see run/suspension.ts),
   * with the Suspension: durableRecord() makes it plain data for a store.
   */
  onSuspend?: (suspension: Suspension) => void;
  /** Called when a parked execution runs on (its token was answered, or its wait ended). */
  onResume?: () => void;
  /** A host that may redrive the execution passes one (run/redrive.ts): it keeps where an unsuccessful run stood. */
  redrive?: RedriveTap;
}

export { durableRecord, type DurablePoint, type DurableSuspension } from './durable.js';
export { RedriveTap, type RedriveOptions, type RedrivePoint } from './redrive.js';

/** What Machine.resume() takes besides the durable record; the rest as execute() takes it. */
export interface ResumeOptions extends Pick<ExecuteOptions, 'signal' | 'stop' | 'onHistory' | 'onSuspend' | 'onResume' | 'redrive'> {
  name: string;
  input: unknown;
  /** The history recorded up to the suspension: events after the restart continue its numbering. */
  events: readonly HistoryEvent[];
  /** The registry the token is waited on again (the one SendTask* calls reach). */
  tokens: TaskTokens;
}

/**
 * The main line's variable scope in every execution of a machine where no state assigns
 * (no Assign field anywhere): nothing ever writes to it, so all of them share it, empty.
 * Not null, which for a Map's iterations means "each its own scope".
 */
const NO_VARIABLES = new VariableScope(null);

/**
 * What execution() and settle() fill in and hand to the Execution and ExecutionResult
 * constructors, which copy it and keep nothing of it: one object each for all executions
 * rather than a literal each, which V8 removes only where it inlines the constructor (not
 * in every run: an ExecutionResult init is 112 B). Each is emptied of values afterwards so
 * that it keeps no execution's input or output alive. Their times start as null so that V8
 * keeps those fields tagged: a number field would store each time unboxed and box it again
 * (16 B) when the constructor reads it.
 */
const executionInit: { -readonly [K in keyof ExecutionInitWithSettings]: ExecutionInitWithSettings[K] } = {
  id: '',
  name: '',
  input: undefined,
  startMs: null!,
  settings: null!,
  deadlineMs: null!,
};
const resultInit: { -readonly [K in keyof ExecutionResultInit]: ExecutionResultInit[K] } = {
  executionArn: '',
  stateMachineArn: '',
  name: '',
  status: 'SUCCEEDED',
  startMs: null!,
  stopMs: null!,
  input: undefined,
  output: undefined,
  error: undefined,
  cause: undefined,
  history: undefined,
};

/** Default execution names and Express ARN ids. */
const executionIds = new UuidSequence();

/** The options of a call that gives none: one object for all (read only), not one per execution. */
const NO_OPTIONS: ExecuteOptions = Object.freeze({});

/**
 * A compiled definition (compile() in compile/machine.ts builds it): execute it as often as
 * you like, concurrently. This is the run side: each call starts one execution of the
 * compiled states and settles its result (completion, failure, deadline or abort).
 */
export class Machine {
  readonly stateMachineArn: string;
  private readonly start: StateNode;
  private readonly states: ReadonlyMap<string, StateNode>;
  private readonly clock: Clock;
  private readonly limits: Limits;
  private readonly timeoutMs: number;
  private readonly stateMachineName: string;
  private readonly executionArnPrefix: string;
  private readonly roleArn: string;
  private readonly standard: boolean;
  /** Its history level, and what its executions' recorders share (none are made when the level is OFF). */
  private readonly historySettings: HistorySettings;
  private readonly region: string;
  private readonly processors: ReadonlyMap<string, MapProcessor>;
  private readonly assigns: boolean;
  private readonly layout: VariableLayout;
  /** What all its executions share. */
  private readonly executionSettings: ExecutionSettings;

  constructor(compiled: CompiledMachine) {
    const arns = compiled.arns;
    this.stateMachineArn = arns.stateMachineArn;
    this.stateMachineName = arns.stateMachineName;
    this.executionArnPrefix = arns.executionArnPrefix;
    this.roleArn = arns.roleArn;
    this.region = arns.region;
    this.standard = compiled.standard;
    this.start = compiled.start;
    this.states = compiled.states;
    this.processors = compiled.processors;
    this.clock = compiled.clock;
    this.limits = compiled.limits;
    this.timeoutMs = compiled.timeoutMs;
    this.assigns = compiled.assigns;
    this.layout = compiled.layout;
    this.executionSettings = new ExecutionSettings({
      stateMachineId: this.stateMachineArn,
      stateMachineName: this.stateMachineName,
      roleArn: this.roleArn,
      standard: this.standard,
      clock: this.clock,
      limits: this.limits,
    });
    this.historySettings = new HistorySettings(compiled.history, this.clock, this.region, this.standard ? STANDARD_HISTORY_EVENTS : Infinity);
  }

  /** Runs one execution. Never rejects for a workflow failure: the result says what happened. */
  execute(input: unknown = {}, options: ExecuteOptions = NO_OPTIONS): Promise<ExecutionResult> {
    let result: ExecutionResult | Promise<ExecutionResult>;
    try {
      result = this.run(input, options);
    } catch (thrown) {
      return Promise.reject(thrown);
    }
    return result instanceof Promise ? result : Promise.resolve(result);
  }

  /**
   * Like execute(), but an execution that ends without waiting for anything (no
   * asynchronous handler, Wait or retry interval) returns its result itself, not a
   * promise: a loop running many executions saves a promise and a turn of the microtask
   * queue on each.
   */
  run(input: unknown = {}, options: ExecuteOptions = NO_OPTIONS): ExecutionResult | Promise<ExecutionResult> {
    if (options !== NO_OPTIONS) checkExecuteOptions(options);
    let name = options.name;
    if (name === undefined) name = executionIds.next();
    else checkExecutionName(name);
    const startMs = this.clock.now();
    const exec = this.execution(name, input, startMs, startMs + this.timeoutMs, options.executionId);
    exec.readClock(startMs);
    exec.suspendable = true;
    if (this.historySettings.level !== 'OFF') {
      exec.history = new HistoryRecorder(this.historySettings);
      exec.history.executionStarted(input, this.roleArn, options.inputText);
      options.onHistory?.(exec.history);
    }
    const inputBound = this.measureInput(exec, input, options.inputText);
    if (typeof inputBound !== 'number') return inputBound;
    const stop = stopOf(options);
    if (stop?.stopped) return this.stopped(exec, stop);
    const frame = new Frame(exec, this.assigns ? new VariableScope(null, this.layout) : NO_VARIABLES, -1, null);
    frame.valueBound = inputBound;
    // AWS links the first state's entered event to no event (previousEventId 0), not to ExecutionStarted.
    frame.historyEventId = 0;
    const tap = options.redrive;
    if (tap !== undefined) {
      exec.redrive = tap;
      tap.frame = frame;
    }
    // A stop while the run is still synchronous (a handler aborting, say) ends it at the next transition.
    stop?.attach(exec);
    let out: unknown;
    try {
      out = runStates(this.start, input, frame);
    } catch (thrown) {
      if (thrown instanceof Suspension) return this.race(exec, thrown, stop, options);
      stop?.attach(null);
      return this.failed(exec, thrown, stop);
    }
    if (!isPromiseLike(out)) {
      stop?.attach(null);
      return this.completed(exec, out, stop);
    }
    return this.race(exec, out, stop, options);
  }

  /**
   * Iterations of the Map state at `pointer` (e.g. /States/Transcode) for an execution that
   * reached it elsewhere: the pool's Map fan-out runs them in other threads. Throws when
   * there is no Map state at `pointer`.
   */
  iterations(pointer: string, parent: IterationParent): MapIterations {
    const processor = this.processors.get(pointer);
    if (processor === undefined) throw new RangeError(`no Map state at ${pointer} in this state machine`);
    const exec = this.execution(
      parent.executionName,
      parent.executionInput,
      parent.executionStartMs,
      this.clock.now() + parent.remainingMs,
      parent.executionId,
    );
    const outer = processor.isolated
      ? null
      : scopeOf(null, parent.variables, new VariableLayout(parent.variables.map(([name]) => name)), exec.limits.payloadBytes);
    return new MapIterations(processor.start, exec, outer, processor.layout);
  }

  /**
   * An execution of this machine, ending at `deadlineMs` of its clock. Express ARNs end in a
   * UUID of their own (`executionId`, or a fresh one): AWS lets Express executions share a name.
   */
  private execution(name: string, input: unknown, startMs: number, deadlineMs: number, executionId?: string): Execution {
    const init = executionInit;
    init.id = this.standard ? this.executionArnPrefix + name : `${this.executionArnPrefix}${name}:${executionId ?? executionIds.next()}`;
    init.name = name;
    init.input = input;
    init.startMs = startMs;
    init.settings = this.executionSettings;
    init.deadlineMs = deadlineMs;
    const exec = new Execution(init);
    init.input = undefined;
    return exec;
  }

  /**
   * An execution that went asynchronous (`pending`: its run's promise, or the suspension it
   * waits in): whichever comes first of completion, the deadline, or abort.
   */
  private race(
    exec: Execution,
    pending: PromiseLike<unknown> | Suspension,
    stop: StopHandle | null,
    hooks: ExecuteOptions,
    resumed = false,
  ): Promise<ExecutionResult> {
    // A default name is built from many string pieces; an execution that waits keeps one flat copy instead (about 450 bytes less), and its history packed (as at each later wait: suspended()).
    exec.name.charCodeAt(0);
    exec.history?.compact();
    return new Promise<ExecutionResult>((resolve) => {
      const race = new ExecutionRace(this, exec, stop, resolve);
      race.onResume = hooks.onResume ?? null;
      // A resumed execution's record is already durable: it is not written again as it parks.
      if (!resumed) race.onSuspend = hooks.onSuspend ?? null;
      if (pending instanceof Suspension) pending.park(race);
      else follow(pending, race);
      race.onSuspend = hooks.onSuspend ?? null;
    });
  }

  /**
   * Re-creates an execution that was suspended on a task token in another process (its
   * durable record, see durableRecord()): same ARN, context, variables and history; it waits
   * on the same token again, its timers firing at the recorded times. Throws a RangeError
   * (or rejects, when the Task's attempt went asynchronous first) when the record does not
   * fit this machine (no top-level Task of that name, or one that does not wait for a token).
   */
  resume(record: DurableSuspension, options: ResumeOptions): Promise<ExecutionResult> {
    const node = this.topLevelState(record.stateName);
    const vars = scopeOf(null, record.variables, this.layout, this.limits.payloadBytes);
    const exec = this.reopened(options.name, options.input, record.startMs, record.deadlineMs ?? Infinity, record, options.events, record.historyLastId);
    const context: RestoreContext = {
      tokens: options.tokens,
      probeExecution: () => {
        const probe = this.execution(options.name, options.input, record.startMs, Infinity);
        probe.suspendable = true;
        return probe;
      },
    };
    const frame = new Frame(exec, vars, -1, null);
    if (options.redrive !== undefined) {
      exec.redrive = options.redrive;
      options.redrive.frame = frame;
    }
    const parked = restorePoint(node, frame, record, context);
    if (parked instanceof Promise) return parked.then((suspension) => this.resumeAt(suspension, options));
    return this.resumeAt(parked, options);
  }

  /**
   * An execution that goes on from recorded work (resume(), redrive()): its counters as
   * recorded, and, when this machine records history, the events so far up to `historyLastId`.
   */
  private reopened(
    name: string,
    input: unknown,
    startMs: number,
    deadlineMs: number,
    counters: { readonly eventId: number; readonly transitions: number; readonly variableBytes: number },
    events: readonly HistoryEvent[],
    historyLastId: number,
  ): Execution {
    const exec = this.execution(name, input, startMs, deadlineMs);
    exec.suspendable = true;
    exec.eventId = counters.eventId;
    exec.transitions = counters.transitions;
    exec.variableBytes = counters.variableBytes;
    if (this.historySettings.level !== 'OFF') {
      exec.history = new HistoryRecorder(this.historySettings);
      exec.history.restore(events, historyLastId);
    }
    return exec;
  }

  /** resume() once the execution waits again (restorePoint): it is parked in `suspension`, unless it was stopped meanwhile. */
  private resumeAt(suspension: Suspension, options: ResumeOptions): Promise<ExecutionResult> {
    const exec = suspension.frame.exec;
    if (exec.history !== null) options.onHistory?.(exec.history);
    const stop = stopOf(options);
    if (stop?.stopped) {
      options.tokens.withdraw(suspension.token);
      return Promise.resolve(this.stopped(exec, stop));
    }
    return this.race(exec, suspension, stop, options, true);
  }

  /** Runs an execution that ended unsuccessfully again from where its main line stood (run/redrive.ts). */
  redrive(point: RedrivePoint, options: RedriveOptions): ExecutionResult | Promise<ExecutionResult> {
    return redriveRun(this, point, options);
  }

  /** The top-level state named `name`: a resumed record names the Task it parked in. */
  private topLevelState(name: string): StateNode {
    const node = this.states.get(name);
    if (node === undefined) throw new RangeError(`no state '${name}' at the top level of this state machine`);
    return node;
  }

  /**
   * The result of a run that reached its end. The deadline and the abort are checked at
   * every transition; this checks them once more after the last state, whose handler may
   * have returned late.
   */
  private completed(exec: Execution, output: unknown, stop: StopHandle | null): ExecutionResult {
    const stopMs = this.clock.now();
    if (exec.aborted || stopMs > exec.deadlineMs) return this.interrupted(exec, stop);
    return this.settle(exec, 'SUCCEEDED', output, undefined, undefined, stopMs);
  }

  /** ABORTED when the caller aborted, else TIMED_OUT: the two ways an execution is interrupted. */
  private interrupted(exec: Execution, stop: StopHandle | null): ExecutionResult {
    if (exec.history !== null && exec.history.full) return this.settle(exec, 'FAILED', undefined, StatesErrors.Runtime, historyLimitCause);
    if (stop !== null && stop.stopped) return this.stopped(exec, stop);
    return this.settle(exec, 'TIMED_OUT', undefined, StatesErrors.Timeout, timeoutCause(this.timeoutMs));
  }

  /**
   * The execution's result. Once it has failed, timed out or been aborted, whatever still
   * runs in it (a sibling branch's pending handler, a retry interval, a Wait) is ended: no
   * handler is called for a settled execution.
   */
  private settle(
    exec: Execution,
    status: ExecutionStatus,
    output: unknown,
    error: string | null | undefined,
    cause: string | null | undefined,
    stopMs: number = this.clock.now(),
  ) {
    // Before the end stops what still runs: the tap sees each thread where it stood.
    if (exec.redrive !== null) exec.redrive.ended(exec, status);
    if (status !== 'SUCCEEDED' && !exec.aborted) exec.abort(executionEnded);
    const history = exec.history;
    if (history !== null) recordEnd(history, status, output, error, cause);
    const init = resultInit;
    init.executionArn = exec.id;
    init.stateMachineArn = this.stateMachineArn;
    init.name = exec.name;
    init.status = status;
    init.startMs = exec.startMs;
    init.stopMs = stopMs;
    init.input = exec.input;
    init.output = output;
    init.error = error;
    init.cause = cause;
    init.history = history ?? undefined;
    const result = new ExecutionResult(init);
    init.input = init.output = init.history = undefined;
    return result;
  }

  /**
   * The input's size bound, or the FAILED result for an input over the payload limit or
   * one that cannot be read (only values built in code can throw when read: a getter, a
   * Proxy). Never throws: execute() must settle whatever it is given.
   */
  private measureInput(exec: Execution, input: unknown, inputText: string | undefined): number | ExecutionResult {
    const limit = this.limits.payloadBytes;
    if (limit === Infinity) return Infinity;
    if (inputText !== undefined) {
      const fromText = textBound(inputText);
      if (fromText <= limit) return fromText;
    }
    let bound: number;
    try {
      bound = payloadBound(input, limit);
    } catch (thrown) {
      const detail = thrown instanceof Error ? thrown.message : String(thrown);
      return this.settle(exec, 'FAILED', undefined, StatesErrors.Runtime, `The execution input could not be read as JSON: ${detail}`);
    }
    if (bound <= limit) return bound;
    // A cycle measures as endless: say what it is rather than call it too large.
    const cycle = cyclePointer(input);
    if (cycle !== null) return this.settle(exec, 'FAILED', undefined, StatesErrors.Runtime, `The execution input is not JSON: ${cycleProblem(cycle)}.`);
    return this.settle(exec, 'FAILED', undefined, StatesErrors.DataLimitExceeded, `The execution input exceeds the maximum of ${limit} bytes.`);
  }

  /** The ABORTED result of a stopped execution. */
  private stopped(exec: Execution, stop: StopHandle): ExecutionResult {
    return this.settle(exec, 'ABORTED', undefined, 'States.Aborted', stopCause(stop));
  }

  private failed(exec: Execution, thrown: unknown, stop: StopHandle | null): ExecutionResult {
    if (thrown instanceof ExecutionTimeout) return this.interrupted(exec, stop);
    const error: AslError = toAslError(thrown);
    return this.settle(exec, 'FAILED', undefined, error.error, error.cause);
  }
}

/**
 * The race of one asynchronous execution, as plain fields and methods rather than closures,
 * so that an execution waiting for a task token holds little: the port its run's output or
 * failure goes to (ResultPort), its stop handle's target and its deadline. It settles
 * through the Machine's private completed/failed/settle (read by name: the Machine's API
 * stays as it was).
 */
class ExecutionRace implements ResultPort, StopTarget, LimitTarget {
  private readonly machine: Machine;
  private readonly exec: Execution;
  private readonly stop: StopHandle | null;
  private readonly resolve: (result: ExecutionResult) => void;
  private done: boolean;
  private deadline: Limit | null;
  /** The caller's durable-store hooks (ExecuteOptions.onSuspend / onResume). */
  onSuspend: ((suspension: Suspension) => void) | null;
  onResume: (() => void) | null;
  constructor(machine: Machine, exec: Execution, stop: StopHandle | null, resolve: (result: ExecutionResult) => void) {
    this.machine = machine;
    this.exec = exec;
    this.stop = stop;
    this.resolve = resolve;
    this.done = false;
    this.deadline = null;
    this.onSuspend = null;
    this.onResume = null;
    // A stop from now on settles the race at once (a suspended execution has no run to notice it); one that came while the run was synchronous already ended the execution.
    if (stop !== null && !stop.stopped) stop.attach(this);
    const remaining = exec.deadlineMs - exec.clock.now();
    // The race is the limit's target: a waiting execution keeps no closure for its deadline.
    if (remaining !== Infinity) this.deadline = setLimit(exec.clock, Math.max(0, remaining), this);
  }
  suspended(suspension: Suspension): void {
    this.exec.history?.compact();
    if (!this.done) this.onSuspend?.(suspension);
  }
  resumed(): void {
    if (!this.done) this.onResume?.();
  }
  complete(output: unknown): void {
    if (!this.done) this.finish(this.machine['completed'](this.exec, output, this.stop));
  }
  fail(thrown: unknown): void {
    if (!this.done) this.finish(this.machine['failed'](this.exec, thrown, this.stop));
  }
  stopRequested(): void {
    if (!this.done) this.finish(this.machine['stopped'](this.exec, this.stop!));
  }
  limitReached(): void {
    if (!this.done) this.finish(this.machine['settle'](this.exec, 'TIMED_OUT', undefined, StatesErrors.Timeout, timeoutCause(this.machine['timeoutMs'])));
  }
  private finish(result: ExecutionResult): void {
    if (this.done) return;
    this.done = true;
    this.deadline?.cancel();
    this.stop?.attach(null);
    this.resolve(result);
  }
}

/** Where a stop request comes from: the caller's signal, else its stop handle; null with neither. */
function stopOf(options: { signal?: AbortSignal; stop?: StopHandle }): StopHandle | null {
  const signal = options.signal ?? null;
  return signal !== null ? new SignalStop(signal) : (options.stop ?? null);
}

function recordEnd(
  history: HistoryRecorder,
  status: ExecutionStatus,
  output: unknown,
  error: string | null | undefined,
  cause: string | null | undefined,
): void {
  if (status === 'SUCCEEDED') history.executionSucceeded(output);
  else history.executionEnded(status === 'FAILED' ? 'ExecutionFailed' : status === 'TIMED_OUT' ? 'ExecutionTimedOut' : 'ExecutionAborted', error, cause);
}

function timeoutCause(ms: number): string {
  return `The execution ran longer than its limit of ${ms / 1000} seconds.`;
}
