import type { Clock } from './clock.js';
import type { HistoryRecorder } from './history.js';
import { abandoned, executionEnded } from './interruptions.js';
import type { Limits } from './limits.js';
import type { ChildExecution } from './map-runs.js';
import type { RedriveTap } from './redrive.js';
import type { VariableScope } from './variables.js';

/** Something waiting that must end when its execution ends (plain data with a method, no closure). */
export interface EndListener {
  executionEnded(): void;
}

/** Who an execution is and until when it may run. */
interface ExecutionIdentity {
  /** The execution's ARN (`$$.Execution.Id`). */
  readonly id: string;
  readonly name: string;
  readonly input: unknown;
  /** When it started, in milliseconds of `clock`. */
  readonly startMs: number;
  /** When it times out, in milliseconds of `clock`; default Infinity (never). */
  readonly deadlineMs?: number;
}

/** What every execution of one machine shares. */
export interface ExecutionSettingsInit {
  /** `$$.StateMachine.Id`: the state machine's ARN. */
  readonly stateMachineId: string;
  readonly stateMachineName: string;
  readonly roleArn: string;
  /** Standard workflows show `$$.Execution.RedriveCount`; Express ones do not. */
  readonly standard: boolean;
  readonly clock: Clock;
  readonly limits: Limits;
}

/**
 * The settings of a machine's executions, made once per machine: an execution holds this one
 * reference instead of six fields (40 bytes less per execution).
 */
export class ExecutionSettings {
  readonly stateMachineId: string;
  readonly stateMachineName: string;
  readonly roleArn: string;
  readonly standard: boolean;
  readonly clock: Clock;
  readonly limits: Limits;
  constructor(init: ExecutionSettingsInit) {
    this.stateMachineId = init.stateMachineId;
    this.stateMachineName = init.stateMachineName;
    this.roleArn = init.roleArn;
    this.standard = init.standard;
    this.clock = init.clock;
    this.limits = init.limits;
  }
}

/** An ExecutionInit that gives the machine's shared settings (a Machine's own executions). */
export type ExecutionInitWithSettings = ExecutionIdentity & { readonly settings: ExecutionSettings };

/** What an Execution is made from: who it is, and what it runs with (the machine's shared settings, or their fields). */
export type ExecutionInit = ExecutionInitWithSettings | (ExecutionIdentity & ExecutionSettingsInit);

/** What one execute() call knows about itself: the source of `$$.Execution` and `$$.StateMachine`. */
export class Execution {
  readonly id: string;
  readonly name: string;
  readonly input: unknown;
  readonly startMs: number;
  /** `$$.StateMachine`, the role, the clock and the limits: the getters below read them. */
  readonly settings: ExecutionSettings;
  /** True once the execution was stopped or timed out. */
  aborted: boolean;
  private controller: AbortController | null;
  /**
   * The execution's pending sleeps, so ending it ends them all: the one there mostly is (a
   * retry interval, a Wait), then an array once a second one comes.
   */
  private sleeping: Sleep | Sleep[] | null;
  /**
   * Waits other than sleeps that end with the execution: the one there mostly is (a task
   * waiting for its token), then an array once a second one comes.
   */
  private endListeners: EndListener | EndListener[] | null;
  /** When the execution times out, in milliseconds of its clock. */
  readonly deadlineMs: number;
  /** Number of the last history event, as AWS numbers them (causes cite "event id #N"). */
  eventId: number;
  /** State transitions so far; long synchronous runs yield to the event loop every so often. */
  transitions: number;
  /**
   * The clock's time as last read (see now()). Reading a clock costs more than a whole
   * state transition on some machines, so transitions reuse it while it is fresh.
   */
  private nowMs: number;
  /** Set when time may have passed since nowMs: a handler returned, a promise resolved. */
  clockStale: boolean;
  /** Total bytes of variables assigned so far (AWS caps it per execution). */
  variableBytes: number;
  /** Records the execution history; null (the default) records nothing and costs nothing. */
  history: HistoryRecorder | null;
  /**
   * A context object given whole (TestState's `context`): `$$` is then exactly this value.
   * Null (always, outside TestState): the context object is built from the execution and frame.
   */
  suppliedContext: Record<string, unknown> | null;
  /** Set by Machine.run(): a task waiting for its token on the main line may suspend the execution (run/suspension.ts). */
  suspendable: boolean;
  /** Set when a host may redrive the execution (a service's Standard run): its redrive count and where it stood when it ended. */
  redrive: RedriveTap | null;
  constructor(init: ExecutionInit) {
    this.id = init.id;
    this.name = init.name;
    this.input = init.input;
    this.startMs = init.startMs;
    this.settings = 'settings' in init ? init.settings : new ExecutionSettings(init);
    this.aborted = false;
    this.controller = null;
    this.sleeping = null;
    this.endListeners = null;
    this.deadlineMs = init.deadlineMs ?? Infinity;
    this.eventId = 1;
    this.transitions = 0;
    this.nowMs = init.startMs;
    this.clockStale = true;
    this.variableBytes = 0;
    this.history = null;
    this.suppliedContext = null;
    this.suspendable = false;
    this.redrive = null;
  }

  /** `$$.StateMachine.Id`: the state machine's ARN. */
  get stateMachineId(): string {
    return this.settings.stateMachineId;
  }
  get stateMachineName(): string {
    return this.settings.stateMachineName;
  }
  get roleArn(): string {
    return this.settings.roleArn;
  }
  /** Standard workflows show `$$.Execution.RedriveCount`; Express ones (the default) do not. */
  get standard(): boolean {
    return this.settings.standard;
  }
  get clock(): Clock {
    return this.settings.clock;
  }
  get limits(): Limits {
    return this.settings.limits;
  }

  /**
   * The time a state transition uses (`$$.State.EnteredTime`, the deadline check): the clock
   * is read again after anything that can take time (a handler returning, a promise
   * resolving: handler, Wait, retry interval) and every CLOCK_READ_INTERVAL transitions in
   * between, so a run of quick states (Pass, Choice, a Map's iterations) shares one reading.
   */
  now(): number {
    if (this.clockStale || (this.transitions & (CLOCK_READ_INTERVAL - 1)) === 0) {
      this.nowMs = this.clock.now();
      this.clockStale = false;
    }
    return this.nowMs;
  }

  /** Records a clock reading just taken (the execution's start), so the first transition reuses it. */
  readClock(ms: number): void {
    this.nowMs = ms;
    this.clockStale = false;
  }

  /**
   * Aborts when the execution is stopped or times out; handlers and sleeps listen to it.
   * Created on first use: most executions never need one, and creating it is not free.
   */
  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.aborted && !this.controller.signal.aborted) this.controller.abort();
    return this.controller.signal;
  }

  /** Ends the execution: handlers' signals abort, and every pending sleep ends at once. */
  abort(reason: unknown): void {
    this.aborted = true;
    this.controller?.abort(reason);
    const sleeping = this.sleeping;
    if (sleeping !== null) {
      this.sleeping = null;
      if (Array.isArray(sleeping)) for (const sleep of sleeping) sleep.wake(executionEnded);
      else sleeping.wake(executionEnded);
    }
    const listeners = this.endListeners;
    if (listeners !== null) {
      this.endListeners = null;
      if (Array.isArray(listeners)) for (const listener of listeners) listener.executionEnded();
      else listeners.executionEnded();
    }
  }

  /** A stop handle's request while the run is synchronous (run/stop.ts): the run ends at its next transition. */
  stopRequested(): void {
    this.abort(executionEnded);
  }

  /** Tells `listener` when the execution is stopped or times out (a task waiting for its token). */
  listenForEnd(listener: EndListener): void {
    const listeners = this.endListeners;
    if (listeners === null) this.endListeners = listener;
    else if (Array.isArray(listeners)) listeners.push(listener);
    else this.endListeners = [listeners, listener];
  }

  forgetEndListener(listener: EndListener): void {
    const listeners = this.endListeners;
    if (listeners === listener) this.endListeners = null;
    else if (Array.isArray(listeners)) {
      const at = listeners.indexOf(listener);
      if (at >= 0) listeners.splice(at, 1);
    }
  }

  /**
   * Waits `ms` of the execution's clock (Wait states, retry intervals) in a thread of control
   * of the sibling group `stop` (null on the main line). Needs no AbortSignal: ending the
   * execution, or stopping the group or an enclosing one, cancels the timer and rejects with
   * an interruption, so a stopped thread never wakes up to run another state or attempt.
   */
  sleep(ms: number, stop: StopSignal | null = null): Promise<void> {
    return this.sleepThen(ms, stop, null) as Promise<void>;
  }

  /**
   * sleep(), then `then` once the time has passed, settling with what it returns or throws:
   * one promise for the wait and what follows it (a retry attempt) instead of two.
   */
  sleepThen(ms: number, stop: StopSignal | null, then: (() => unknown) | null): Promise<unknown> {
    if (this.aborted) return Promise.reject(executionEnded);
    if (stop !== null && stop.isStopped()) return Promise.reject(abandoned);
    return new Promise((resolve, reject) => {
      const sleep = new Sleep(this, stop, then, resolve, reject);
      const sleeping = this.sleeping;
      if (sleeping === null) this.sleeping = sleep;
      else if (Array.isArray(sleeping)) sleeping.push(sleep);
      else this.sleeping = [sleeping, sleep];
      for (let s = stop; s !== null; s = s.parent) s.watch(sleep);
      sleep.cancel = this.clock.schedule(ms, () => sleep.end());
    });
  }

  /** Forgets a sleep that ended or was woken. */
  forgetSleep(sleep: Sleep): void {
    const sleeping = this.sleeping;
    if (sleeping === sleep) this.sleeping = null;
    else if (Array.isArray(sleeping)) removeFrom(sleeping, sleep);
  }
}

/**
 * One pending sleep of an execution (sleep()): one object with its promise's ends, rather than
 * a closure per way it can end, so a retry interval or a Wait allocates little.
 */
class Sleep {
  private readonly exec: Execution;
  private readonly stop: StopSignal | null;
  /** What runs once the time has passed (null: nothing, the sleep resolves empty). */
  private readonly then: (() => unknown) | null;
  private readonly resolve: (value: unknown) => void;
  private readonly reject: (reason: unknown) => void;
  /** Cancels the clock's timer; set once the timer is scheduled. */
  cancel: (() => void) | null;
  constructor(exec: Execution, stop: StopSignal | null, then: (() => unknown) | null, resolve: (value: unknown) => void, reject: (reason: unknown) => void) {
    this.exec = exec;
    this.stop = stop;
    this.then = then;
    this.resolve = resolve;
    this.reject = reject;
    this.cancel = null;
  }
  /** The clock's timer fired: the sleep is over, and what follows it runs. */
  end(): void {
    this.forget();
    if (this.then === null) {
      this.resolve(undefined);
      return;
    }
    let value: unknown;
    try {
      value = this.then();
    } catch (thrown) {
      this.reject(thrown);
      return;
    }
    this.resolve(value);
  }
  /** Ends the sleep early, rejecting it with `reason` (an Interruption). */
  wake(reason: unknown): void {
    this.cancel?.();
    this.forget();
    this.reject(reason);
  }
  private forget(): void {
    this.exec.forgetSleep(this);
    for (let s = this.stop; s !== null; s = s.parent) s.forget(this);
  }
}

/** Takes `item` out of `list` (order does not matter: sleeps are woken all together). */
function removeFrom<T>(list: T[] | null, item: T): void {
  if (list === null) return;
  const at = list.indexOf(item);
  if (at < 0) return;
  list[at] = list[list.length - 1]!;
  list.pop();
}

/** Transitions that may share one clock reading when no handler ran between them (a power of two). */
const CLOCK_READ_INTERVAL = 16;

/**
 * Shared by sibling threads of control (the branches of one Parallel, the iterations of one
 * Map): stopped when one fails and the rest are abandoned. Groups nest (a Map inside a
 * branch); stopping a group stops every group inside it.
 */
export class StopSignal {
  stopped: boolean;
  readonly parent: StopSignal | null;
  /** Whether a wait in these threads parks the execution as plain data (run/parked-branches.ts) rather than in a promise. */
  readonly parks: boolean;
  /** Sleeps in this group or groups inside it; created by the first sleep. */
  private sleepers: Sleep[] | null;
  constructor(parent: StopSignal | null = null, parks = false) {
    this.stopped = false;
    this.parent = parent;
    this.parks = parks;
    this.sleepers = null;
  }
  /** True once this group or any enclosing one was abandoned. */
  isStopped(): boolean {
    for (let s: StopSignal | null = this; s !== null; s = s.parent) if (s.stopped) return true;
    return false;
  }
  /** Abandons the group: its threads stop at their next state or attempt, and their sleeps end now. */
  stop(): void {
    this.stopped = true;
    const sleepers = this.sleepers;
    if (sleepers === null) return;
    this.sleepers = null;
    for (const sleep of sleepers) sleep.wake(abandoned);
  }
  watch(sleep: Sleep): void {
    (this.sleepers ??= []).push(sleep);
  }
  forget(sleep: Sleep): void {
    removeFrom(this.sleepers, sleep);
  }
}

/** The StopSignal of a map run child execution's threads: its history, not the parent's, records their events. */
export class ChildStop extends StopSignal {
  readonly child: ChildExecution;
  constructor(parent: StopSignal | null, parks: boolean, child: ChildExecution) {
    super(parent, parks);
    this.child = child;
  }
}

/** The map run child execution a thread stopped by `stop` runs in (the nearest, for a map run inside one), or null. */
export function childExecutionOf(stop: StopSignal | null): ChildExecution | null {
  for (let s = stop; s !== null; s = s.parent) if (s instanceof ChildStop) return s.child;
  return null;
}

/** Throws the interruption that ends a thread of control that must not go on: its group was stopped or the execution ended. */
export function checkRunning(frame: Frame): void {
  if (abandonedThread(frame)) throw abandoned;
  if (frame.exec.aborted) throw executionEnded;
}

/** Whether `frame`'s thread was abandoned: a sibling branch or iteration failed its Parallel or Map (or an enclosing one's). */
export function abandonedThread(frame: Frame): boolean {
  return frame.stop !== null && frame.stop.isStopped();
}

/**
 * The running position of one thread of control: the execution's main line, one Parallel
 * branch or one Map iteration. It carries `$$.State` and `$$.Map.Item`, and the `next`
 * state chosen by the state that just ran.
 */
export class Frame {
  readonly exec: Execution;
  readonly vars: VariableScope | null;
  /** `$$.Map.Item.Index` and `.Value` (-1: not in a Map iteration); an ItemSelector's frame moves them item by item. */
  mapIndex: number;
  mapValue: unknown;
  /** `$$.Map.Item.Source` in an ItemSelector's frame (STATE_DATA: items from the state's input); null elsewhere. */
  mapSource: string | null;
  /** Shared by sibling branches or iterations; set when one fails and the rest are abandoned. */
  readonly stop: StopSignal | null;
  stateName: string;
  stateType: string;
  enteredMs: number;
  enteredEventId: number;
  retryCount: number;
  /** Set by each state when it completes: the state to run next, or null at the end. */
  next: unknown;
  /** Upper bound of the current value's JSON size (Infinity: unknown), for payload-limit checks. */
  valueBound: number;
  /**
   * Set by a state whose output is at most its input plus one checked value (a Task's raw
   * result, a constant Result): that value's size bound. Infinity otherwise.
   */
  resultBound: number;
  /** Id of this thread's last history event (the next one's previousEventId); kept only while recording. */
  historyEventId: number;
  /** `$$.Task.Token` of the task attempt running now (`.waitForTaskToken`, activities); null otherwise. */
  taskToken: string | null;
  /** The raw input of the state this thread is in, kept only while recording history: a redrive runs the state again from it. */
  stateInput: unknown;
  /**
   * The object a ResultPath of this thread made last (a copy of its input with the result
   * set), which nothing else holds while the states after it only read it: the next
   * ResultPath may set its result in it instead of copying it again. Null when there is none.
   */
  owned: object | null;
  constructor(exec: Execution, vars: VariableScope | null, mapIndex: number, mapValue: unknown, stop: StopSignal | null = null) {
    this.exec = exec;
    this.vars = vars;
    this.mapIndex = mapIndex;
    this.mapValue = mapValue;
    this.mapSource = null;
    this.stop = stop;
    this.stateName = '';
    this.stateType = '';
    this.enteredMs = 0;
    this.enteredEventId = 0;
    this.retryCount = 0;
    this.next = null;
    this.valueBound = Infinity;
    this.resultBound = Infinity;
    this.historyEventId = 0;
    this.taskToken = null;
    this.stateInput = undefined;
    this.owned = null;
  }

  /**
   * Makes the frame of a sibling thread that finished synchronously the frame of the next one
   * (`mapIndex`/`mapValue`: its Map item), as if new: Parallel branches and Map iterations
   * that complete one after the other then share one frame instead of making one each.
   * It repeats the constructor's assignments on purpose: a constructor that called it
   * measured 4–9% slower on Map iterations.
   */
  restart(mapIndex: number, mapValue: unknown): void {
    this.mapIndex = mapIndex;
    this.mapValue = mapValue;
    this.stateName = '';
    this.stateType = '';
    this.enteredMs = 0;
    this.enteredEventId = 0;
    this.retryCount = 0;
    this.next = null;
    this.valueBound = Infinity;
    this.resultBound = Infinity;
    this.historyEventId = 0;
    this.taskToken = null;
    this.stateInput = undefined;
    this.owned = null;
  }
}

/**
 * ISO 8601 as AWS writes context-object times: milliseconds, except that a time on a whole
 * second has no fraction ('…T10:04:42Z'), as the developer guide's Context object page says.
 */
export function isoTime(ms: number): string {
  const text = new Date(ms).toISOString();
  return text.endsWith('.000Z') ? `${text.slice(0, -5)}Z` : text;
}

/** `$$.Execution.RedriveTime`: when the execution was last redriven (absent before its first redrive). */
function redriveTime(exec: Execution): string | undefined {
  return exec.redrive !== null && exec.redrive.count > 0 ? isoTime(exec.redrive.redriveMs) : undefined;
}

/** `$$.Map.Item.Source` of items taken from the state's input (ItemsPath, Items) rather than an ItemReader. */
export const STATE_DATA_SOURCE = 'STATE_DATA';

/** AWS shows `$$.State.RetryCount` only in states that can retry. */
function retries(stateType: string): boolean {
  return stateType === 'Task' || stateType === 'Parallel' || stateType === 'Map';
}

/**
 * The context object's leaf fields, read straight from the frame: a `$$` path that names
 * one of them (the usual case, e.g. `$$.Map.Item.Index`) never builds the whole object.
 */
export const contextFields: Readonly<Record<string, (frame: Frame) => unknown>> = {
  'Execution.Id': (f) => f.exec.id,
  'Execution.Input': (f) => f.exec.input,
  'Execution.Name': (f) => f.exec.name,
  'Execution.RoleArn': (f) => f.exec.roleArn,
  'Execution.StartTime': (f) => isoTime(f.exec.startMs),
  'Execution.RedriveCount': (f) => (f.exec.standard ? (f.exec.redrive?.count ?? 0) : undefined),
  'Execution.RedriveTime': (f) => redriveTime(f.exec),
  'State.EnteredTime': (f) => isoTime(f.enteredMs),
  'State.Name': (f) => f.stateName,
  'State.RetryCount': (f) => (retries(f.stateType) ? f.retryCount : undefined),
  'StateMachine.Id': (f) => f.exec.stateMachineId,
  'StateMachine.Name': (f) => f.exec.stateMachineName,
  'Map.Item.Index': (f) => (f.mapIndex >= 0 ? f.mapIndex : undefined),
  'Map.Item.Value': (f) => (f.mapIndex >= 0 ? f.mapValue : undefined),
  'Map.Item.Source': (f) => (f.mapIndex >= 0 && f.mapSource !== null ? f.mapSource : undefined),
  'Task.Token': (f) => f.taskToken ?? undefined,
};

/** The context object (`$$`), built only when a definition reads it. */
export function contextObject(frame: Frame): Record<string, unknown> {
  const exec = frame.exec;
  if (exec.suppliedContext !== null) return structuredClone(exec.suppliedContext);
  const ctx: Record<string, unknown> = {
    Execution: exec.standard
      ? { Id: exec.id, Input: exec.input, Name: exec.name, RoleArn: exec.roleArn, StartTime: isoTime(exec.startMs), RedriveCount: exec.redrive?.count ?? 0 }
      : { Id: exec.id, Input: exec.input, Name: exec.name, RoleArn: exec.roleArn, StartTime: isoTime(exec.startMs) },
    State: retries(frame.stateType)
      ? { EnteredTime: isoTime(frame.enteredMs), Name: frame.stateName, RetryCount: frame.retryCount }
      : { EnteredTime: isoTime(frame.enteredMs), Name: frame.stateName },
    StateMachine: {
      Id: exec.stateMachineId,
      Name: exec.stateMachineName,
    },
  };
  if (exec.redrive !== null && exec.redrive.count > 0) (ctx.Execution as Record<string, unknown>).RedriveTime = redriveTime(exec);
  if (frame.mapIndex >= 0) {
    ctx.Map = {
      Item:
        frame.mapSource === null ? { Index: frame.mapIndex, Value: frame.mapValue } : { Index: frame.mapIndex, Value: frame.mapValue, Source: frame.mapSource },
    };
  }
  if (frame.taskToken !== null) ctx.Task = { Token: frame.taskToken };
  return ctx;
}
