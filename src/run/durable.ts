import { ChildStop, Frame, StopSignal, type Execution } from './frame.js';
import { scopeOf } from './variables.js';
import { executionEnded } from './interruptions.js';
import { ParkedBranches } from './parked-branches.js';
import { ChildExecution } from './map-runs.js';
import { ParkedIterations } from './parked-iterations.js';
import type { ParkedThreads } from './parked-threads.js';
import type { StateNode } from './state.js';
import { Suspension } from './suspension.js';
import type { TaskTokens } from './tokens.js';

/**
 * Where one thread of control waits, as JSON-ready data: the state and its raw input and
 * Retry counters; a token and its timers, a timer's wake-up time, an activity task, a
 * `.sync` child, or (a Parallel) its branches; the variables of the thread's own scope; the
 * frame's counters. Times are milliseconds of the clock; null: not armed.
 */
export interface DurablePoint {
  readonly stateName: string;
  readonly rawInput: unknown;
  readonly retries: number[] | null;
  /** What it waits on: a task token's answer, a timer (a Wait state, a retry interval), a Parallel's branches or a Map's iterations. Absent in records written before timers were kept: a token. */
  readonly waitsOn?: 'token' | 'timer' | 'branches' | 'iterations';
  /** A timer's wake-up time (null: never, a backoff grown without bound). */
  readonly wakeAt?: number | null;
  /** The token ('' for a timer or branches) and its timers. */
  readonly token: string;
  readonly timeoutAt: number | null;
  readonly heartbeatMs: number;
  readonly heartbeatAt: number | null;
  /** An activity task: its activity, its input as workers get it, and whether a worker took it (then it is not handed out again). */
  readonly activityArn?: string;
  readonly activityInput?: unknown;
  readonly activityTaken?: boolean;
  /** The nested execution a `.sync` Task waits on. */
  readonly childArn?: string;
  /** The main line: every variable; a branch: those of its own scope (none when it has no scope of its own). */
  readonly variables: Array<[string, unknown, number]>;
  readonly enteredMs: number;
  readonly enteredEventId: number;
  readonly retryCount: number;
  readonly valueBound: number | null;
  readonly historyEventId: number;
  /** A Parallel's branches, in order: each finished (its output) or parked (its point). */
  readonly branches?: DurableBranch[];
  /** Upper bound of the finished branches' outputs' JSON size (null: unknown). */
  readonly outputsBound?: number | null;
  /** A Map: its iterations' inputs, their size bound (null: unknown), MaxConcurrency (0: none), the failures it tolerates (-1: none) and has seen. */
  readonly inputs?: unknown[];
  readonly inputBound?: number | null;
  readonly limit?: number;
  readonly allowed?: number;
  readonly failures?: number;
  /** A Distributed Map: its map run's ARN (a host that kept it gives it back on restart) and the event id its end follows. */
  readonly mapRunArn?: string;
  readonly runEventId?: number;
  /** A Map: the iterations started so far, in item order, each finished (its output) or parked (its point). */
  readonly iterations?: DurableBranch[];
}

export type DurableBranch = { readonly finished: true; readonly output?: unknown } | { readonly finished: false; readonly point: DurablePoint };

/** What resuming a suspended execution in another process needs: where its main line waits, and the execution's counters. */
export interface DurableSuspension extends DurablePoint {
  /** The history recorder's last event id (events a level leaves out count too); 0 without history. */
  readonly historyLastId: number;
  readonly startMs: number;
  readonly deadlineMs: number | null;
  readonly eventId: number;
  readonly transitions: number;
  readonly variableBytes: number;
}

/** A suspension's durable record, or null when it cannot be resumed elsewhere (its token no longer waits, a branch runs). */
export function durableRecord(suspension: Suspension, tokens: TaskTokens): DurableSuspension | null {
  const frame = suspension.frame;
  const exec = frame.exec;
  const vars = frame.vars;
  const point = pointRecord(suspension, tokens, vars === null ? [] : vars.visibleWithSizes());
  if (point === null) return null;
  return {
    ...point,
    historyLastId: exec.history === null ? 0 : exec.history['lastId'],
    startMs: exec.startMs,
    deadlineMs: finiteOrNull(exec.deadlineMs),
    eventId: exec.eventId,
    transitions: exec.transitions,
    variableBytes: exec.variableBytes,
  };
}

function pointRecord(suspension: Suspension, tokens: TaskTokens, variables: Array<[string, unknown, number]>): DurablePoint | null {
  if (suspension.node === null) return null;
  const frame = suspension.frame;
  const common = {
    stateName: suspension.node.name,
    rawInput: suspension.rawInput,
    retries: suspension.retries,
    variables,
    enteredMs: frame.enteredMs,
    enteredEventId: frame.enteredEventId,
    retryCount: frame.retryCount,
    valueBound: finiteOrNull(frame.valueBound),
    historyEventId: frame.historyEventId,
  };
  if (suspension instanceof ParkedBranches) {
    const branches = threadRecords(suspension, suspension.finished.length, suspension.plan.assigns, tokens);
    if (branches === null) return null;
    return {
      ...common,
      waitsOn: 'branches',
      ...noToken,
      branches,
      outputsBound: finiteOrNull(suspension.outputsBound),
    };
  }
  if (suspension instanceof ParkedIterations) {
    const assigns = suspension.processor.assigns;
    const iterations = threadRecords(suspension, suspension.next, () => assigns, tokens);
    if (iterations === null) return null;
    return {
      ...common,
      waitsOn: 'iterations',
      ...noToken,
      inputs: suspension.inputs,
      inputBound: finiteOrNull(suspension.inputBound),
      limit: suspension.limit,
      allowed: suspension.allowed,
      failures: suspension.failures,
      ...(suspension.run !== null ? { mapRunArn: suspension.run.arn, runEventId: suspension.runEventId } : {}),
      iterations,
    };
  }
  if (suspension.token === '') {
    return { ...common, waitsOn: 'timer', wakeAt: finiteOrNull(suspension.wakeAt), ...noToken };
  }
  const timers = tokens.timers(suspension.token);
  if (timers === null) return null;
  const record: DurablePoint = {
    ...common,
    waitsOn: 'token',
    token: suspension.token,
    timeoutAt: finiteOrNull(timers.timeoutAt),
    heartbeatMs: timers.heartbeatMs,
    heartbeatAt: finiteOrNull(timers.heartbeatAt),
  };
  const activity = suspension.activity;
  // A `.sync` child is followed again after a restart by its ARN: until its start is answered the execution cannot resume elsewhere.
  if (suspension.child !== null) return suspension.child.executionArn === '' ? null : { ...record, childArn: suspension.child.executionArn };
  return activity === null ? record : { ...record, activityArn: activity.arn, activityInput: activity.input, activityTaken: activity.taken };
}

/** Each of the first `count` threads' (Parallel branches', Map iterations') output or parked point; null while one runs (between two waits nothing durable holds). */
function threadRecords(
  group: ParkedThreads,
  count: number,
  assigns: readonly boolean[] | ((index: number) => boolean),
  tokens: TaskTokens,
): DurableBranch[] | null {
  const records: DurableBranch[] = [];
  for (let i = 0; i < count; i++) {
    if (group.finished[i]) {
      records.push({ finished: true, output: group.outputs[i] });
      continue;
    }
    const point = group.points[i];
    if (point === null || point === undefined) return null;
    const vars = point.frame.vars;
    const ownScope = typeof assigns === 'function' ? assigns(i) : assigns[i];
    const record = pointRecord(point, tokens, ownScope && vars !== null ? vars.own() : []);
    if (record === null) return null;
    records.push({ finished: false, point: record });
  }
  return records;
}

/** A record's token fields where it waits on no token (a timer, a Parallel's branches, a Map's iterations). */
const noToken = { token: '', timeoutAt: null, heartbeatMs: 0, heartbeatAt: null } as const;

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** What restoring a point needs besides its record. */
export interface RestoreContext {
  /** The registry the tokens are waited on again (the one SendTask* calls reach). */
  readonly tokens: TaskTokens;
  /** A fresh execution of the machine for a probe attempt (no history, no deadline). */
  probeExecution(): Execution;
}

/**
 * Parks `frame` again where `record` says it waited, in `node` (a restart): a timer armed for
 * what is left, a token waited on again (its timers at the recorded times), a Parallel's
 * branches each parked again. A promise when a probe went asynchronous (JSONata's library).
 * Throws a RangeError (or rejects) when the record does not fit the machine any more.
 */
export function restorePoint(node: StateNode, frame: Frame, record: DurablePoint, ctx: RestoreContext): Suspension | Promise<Suspension> {
  frame.stateName = node.name;
  frame.stateType = node.type;
  frame.enteredMs = record.enteredMs;
  frame.enteredEventId = record.enteredEventId;
  frame.retryCount = record.retryCount;
  frame.next = node.next;
  frame.valueBound = record.valueBound ?? Infinity;
  frame.historyEventId = record.historyEventId;
  frame.stateInput = record.rawInput;
  if (record.waitsOn === 'branches') return restoreBranches(node, frame, record, ctx);
  if (record.waitsOn === 'iterations') return restoreIterations(node, frame, record, ctx);
  if (record.waitsOn === 'timer') {
    if (node.wake === null) throw new RangeError(`state '${node.name}' does not wait on a timer where the record says it did`);
    // Armed for what is left of the wait: a wake-up time that passed while the host was down fires at once.
    return Suspension.timed(frame, node, record.rawInput, record.wakeAt ?? Infinity, record.retries);
  }
  const tokens = ctx.tokens;
  // The token waits from now on: an answer that comes while the probe below runs is kept until the execution is parked.
  const suspension = tokens.resuspend(record.token, frame, record.timeoutAt ?? Infinity, record.heartbeatMs, record.heartbeatAt ?? Infinity);
  suspension.node = node;
  suspension.rawInput = record.rawInput;
  suspension.retries = record.retries;
  // The Task's result step is a compiled closure: a probe attempt, stopped at its suspension point before any resource is called, hands it over.
  const probeFrame = new Frame(ctx.probeExecution(), frame.vars, frame.mapIndex, frame.mapValue, frame.stop);
  probeFrame.retryCount = record.retryCount;
  const probe = tokens.probeResume(probeFrame, () => node.run(record.rawInput, probeFrame));
  if (probe instanceof Promise) return probe.then((found) => takeResumeStep(suspension, found, record, tokens));
  return takeResumeStep(suspension, probe, record, tokens);
}

/** A token's suspension takes the Task's result step (and activity queues) from the probe, or the record does not fit. */
function takeResumeStep(suspension: Suspension, probe: Suspension | null, record: DurablePoint, tokens: TaskTokens): Suspension {
  if (probe === null || probe.resume === null || probe.token === '' || !suspension.followsChild(probe.child, record.childArn)) {
    // A probe that failed into a retry interval parked on a timer of its own: that timer goes too.
    probe?.settle(false, executionEnded);
    tokens.withdraw(suspension.token);
    throw new RangeError(`state '${suspension.node!.name}' does not wait for a task token where the record says it did`);
  }
  suspension.resume = probe.resume;
  const queues = probe.activity?.queues;
  if (queues === undefined) return suspension;
  const activity = { arn: probe.activity!.arn, input: record.activityInput, queues, taken: record.activityTaken === true };
  suspension.activity = activity;
  tokens.whenStarted(suspension.token, (workerName) => suspension.activityTaken(workerName));
  if (!activity.taken) queues.scheduleActivity?.(activity.arn, suspension.token, activity.input);
  return suspension;
}

/** A Parallel's branches parked again: finished ones keep their outputs, parked ones wait where they did. */
function restoreBranches(node: StateNode, frame: Frame, record: DurablePoint, ctx: RestoreContext): ParkedBranches | Promise<ParkedBranches> {
  const plan = node.branches;
  const records = record.branches ?? [];
  if (plan === null || records.length !== plan.starts.length) {
    throw new RangeError(`state '${node.name}' is not a Parallel state with the ${records.length} branches the record names`);
  }
  const group = new ParkedBranches(frame, plan, record.rawInput, new StopSignal(frame.stop, true));
  group.retries = record.retries;
  group.outputsBound = record.outputsBound ?? Infinity;
  frame.exec.redrive?.watch(group, undefined);
  return restoreThreads(group, records, ctx, {
    stateOf(index, stateName) {
      const branchNode = plan.states[index]!.get(stateName);
      if (branchNode === undefined) throw new RangeError(`no state '${stateName}' in branch ${index} of Parallel state '${node.name}'`);
      return branchNode;
    },
    frameOf(index, variables) {
      const vars = plan.assigns[index] ? scopeOf(frame.vars, variables, plan.layouts[index]!, frame.exec.limits.payloadBytes) : frame.vars;
      return new Frame(frame.exec, vars, frame.mapIndex, frame.mapValue, group.stop);
    },
  });
}

/** A Map's iterations parked again: finished ones keep their outputs, parked ones wait where they did, the rest start as there is room. */
function restoreIterations(node: StateNode, frame: Frame, record: DurablePoint, ctx: RestoreContext): ParkedIterations | Promise<ParkedIterations> {
  const processor = node.iterations;
  const records = record.iterations ?? [];
  const inputs = record.inputs ?? [];
  if (processor === null) throw new RangeError(`state '${node.name}' is not a Map state`);
  if (records.length > inputs.length) throw new RangeError(`the record of Map state '${node.name}' names more iterations than items`);
  // The map run the service kept across the restart (none: the children go on uncounted).
  const run = record.mapRunArn === undefined ? null : (processor.mapRuns?.mapRunRestored?.(record.mapRunArn) ?? null);
  const group = new ParkedIterations(
    frame,
    processor,
    record.rawInput,
    inputs,
    record.inputBound ?? Infinity,
    record.limit ?? 0,
    record.allowed ?? -1,
    // A distributed Map's children keep their events out of the parent's history after a restart too (the parked ones record no more).
    processor.isolated ? new ChildStop(frame.stop, true, new ChildExecution(null, -1, null)) : new StopSignal(frame.stop, true),
    run,
    record.runEventId ?? frame.exec.eventId,
  );
  group.retries = record.retries;
  group.next = records.length;
  group.failures = record.failures ?? 0;
  frame.exec.redrive?.watch(group, undefined);
  return restoreThreads(group, records, ctx, {
    stateOf(_index, stateName) {
      const iterationNode = processor.states.get(stateName);
      if (iterationNode === undefined) throw new RangeError(`no state '${stateName}' in the iterations of Map state '${node.name}'`);
      return iterationNode;
    },
    frameOf(index, variables) {
      // A distributed Map's iterations see none of the execution's variables.
      return group.iterationFrame(
        index,
        processor.assigns ? scopeOf(processor.isolated ? null : frame.vars, variables, processor.layout, frame.exec.limits.payloadBytes) : undefined,
      );
    },
  });
}

/** Where a group's parked thread stands again: its state (throws if the machine has none of that name) and a frame with its recorded variables. */
interface ThreadPlace {
  stateOf(index: number, stateName: string): StateNode;
  frameOf(index: number, variables: DurablePoint['variables']): Frame;
}

/** The threads of `group` from their records: finished ones keep their outputs, parked ones are restored where `place` says. */
function restoreThreads<G extends ParkedThreads>(group: G, records: readonly DurableBranch[], ctx: RestoreContext, place: ThreadPlace): G | Promise<G> {
  const frames: (Frame | null)[] = [];
  const points: (Suspension | Promise<Suspension> | null)[] = [];
  try {
    for (let i = 0; i < records.length; i++) {
      const thread = records[i]!;
      frames.push(null);
      points.push(null);
      if (thread.finished) {
        group.restoredOutput(i, thread.output);
        continue;
      }
      const point = thread.point;
      const threadNode = place.stateOf(i, point.stateName);
      frames[i] = place.frameOf(i, point.variables);
      points[i] = restorePoint(threadNode, frames[i]!, point, ctx);
    }
  } catch (thrown) {
    abandon(points, ctx.tokens);
    throw thrown;
  }
  return parkAll(group, frames, points, ctx.tokens);
}

/** Parks each restored point in its group (once every probe is done), then lets the group go on. */
function parkAll<G extends ParkedThreads>(
  group: G,
  frames: readonly (Frame | null)[],
  points: readonly (Suspension | Promise<Suspension> | null)[],
  tokens: TaskTokens,
): G | Promise<G> {
  const park = (parked: readonly (Suspension | null)[]): G => {
    for (let i = 0; i < parked.length; i++) if (parked[i] !== null) group.restored(i, frames[i]!, parked[i]!);
    group.relaunched();
    return group;
  };
  if (!points.some((p) => p instanceof Promise)) return park(points as (Suspension | null)[]);
  return Promise.allSettled(points).then((settled) => {
    const failure = settled.find((s) => s.status === 'rejected');
    const parked = settled.map((s) => (s.status === 'fulfilled' ? s.value : null));
    if (failure !== undefined) {
      abandon(parked, tokens);
      throw (failure as PromiseRejectedResult).reason;
    }
    return park(parked);
  });
}

/** Withdraws points restored before the record turned out not to fit. */
function abandon(points: readonly (Suspension | Promise<Suspension> | null)[], tokens: TaskTokens): void {
  for (const point of points) {
    if (!(point instanceof Suspension)) continue;
    point.withdraw();
    if (point.token !== '') tokens.withdraw(point.token);
  }
}
