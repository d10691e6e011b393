import { randomUUID } from 'node:crypto';
import { compile, type CompileOptions, type Machine } from '../compile/machine.js';
import type { Handlers } from '../compile/handlers.js';
import { mockHandlers } from '../mocks/index.js';
import type { Limits } from '../run/limits.js';
import type { ExecutionResult } from '../run/result.js';
import { durableRecord, type ExecuteOptions } from '../run/execution.js';
import type { HistoryEvent, HistoryLevel, RecordedHistory } from '../run/history.js';
import { StopHandle } from '../run/stop.js';
import { RedriveTap } from '../run/redrive.js';
import type { TaskTokens } from '../run/tokens.js';
import { withRevisionDetails } from './configurations.js';
import { ServiceError } from './errors.js';
import { described, listed, recordOutput, recordStop, startedEvent } from './history.js';
import { errorDetails } from '../run/history-details.js';
import { checkRedrive, redrive } from './redrive.js';
import type { MapRuns } from './map-runs.js';
import type { ExecutionRecord, Revision, StateMachineRecord } from './records.js';
import type { Registry, StateMachineTarget } from './registry.js';
import { checkEnum, checkName, checkTraceHeader, page, pageRequest, parseExecutionInput, requireString } from './requests.js';
import type { IntegrationHost, NestedExecutionHost, ServiceIntegration } from './seam.js';
import { markHostStopped, type SqliteStore } from './store.js';
import type * as T from './types.js';
import type { Versions } from './versions.js';

const statusValues: readonly T.ExecutionStatusName[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];

/** What the execution operations take of the service's options. */
export interface ExecutionOptions {
  readonly handlers: Handlers;
  readonly mocks: unknown;
  readonly limits: Partial<Limits>;
  readonly history: HistoryLevel;
  readonly retainExecutions: number;
  readonly integrations: readonly ServiceIntegration[];
  readonly store: SqliteStore | null;
  /** The task tokens SendTask* reaches: a restored suspension waits on its token there again. */
  readonly tokens: TaskTokens;
  /** Keeps the map runs of Standard executions. */
  readonly mapRuns: MapRuns;
}

/**
 * The execution operations: start (Standard, Express, sync, nested), describe, list, stop;
 * each execution runs a compiled Machine, and its record is kept up to the retention bound.
 */
export class Executions {
  /** Finished Standard executions, oldest first from `finishedHead`: the retention bound drops from the front. */
  private readonly finished: ExecutionRecord[] = [];
  private finishedHead = 0;
  /** Machines whose execution lists hold forgotten records, compacted with `finished`. */
  private readonly withForgotten = new Set<StateMachineRecord>();
  /** Executions still running (Express ones included), so close() can settle them. */
  private readonly running = new Set<ExecutionRecord>();
  /** Express executions started by nested-execution Tasks, oldest first, for executionEnded(). */
  private readonly nestedExpress = new Map<string, ExecutionRecord>();
  /** What the integrations reach the service through. */
  private readonly host: IntegrationHost;
  /** `…:execution:<machine>:` by machine name, built once (see executionArn()). */
  private readonly executionArnPrefixes = new Map<string, string>();

  constructor(
    private readonly registry: Registry,
    private readonly versions: Versions,
    private readonly options: ExecutionOptions,
    host: Omit<IntegrationHost, 'nested'>,
  ) {
    this.host = { ...host, nested: this.nestedExecutions() };
  }

  /**
   * Takes back an execution parked when the store was last written (on its main line, or in a Parallel's branches): it
   * waits on the same tokens, activity tasks or timers again (Machine.resume). One whose record does not fit its machine ends FAILED (HostStopped), saying why.
   */
  resumeSuspended(exec: ExecutionRecord): void {
    const record = exec.suspension!;
    this.registry.executions.set(exec.executionArn, exec);
    this.running.add(exec);
    let result: Promise<ExecutionResult>;
    try {
      const compiled = this.compiled(exec.machine, exec.revision, exec.testCase ?? '');
      result = compiled.resume(record, {
        name: exec.name,
        input: JSON.parse(exec.inputText) as unknown,
        events: (exec.events ?? []) as unknown as HistoryEvent[],
        tokens: this.options.tokens,
        stop: exec.stopHandle,
        redrive: this.redriveTap(exec, exec.redriveCount ?? 0, exec.redriveDate?.getTime() ?? NaN),
        ...this.durableHooks(exec),
      });
    } catch (thrown) {
      this.cannotResume(exec, thrown);
      return;
    }
    exec.done = result.then(
      (settled) => this.settle(exec, settled),
      (thrown) => this.cannotResume(exec, thrown),
    );
  }

  /** A suspended execution that does not fit its machine any more: its history as recorded, then an ExecutionFailed saying why. */
  private cannotResume(exec: ExecutionRecord, thrown: unknown): void {
    exec.suspension = null;
    const reason = thrown instanceof Error ? thrown.message : String(thrown);
    markHostStopped(
      exec,
      this.registry.now(),
      `The statemill process running this execution stopped while it was parked, and it could not be resumed: ${reason}`,
    );
    this.running.delete(exec);
    this.retain(exec);
  }

  /** A Standard execution's store hooks: its durable record is written where it parks on its main line and cleared when it runs on. */
  private durableHooks(exec: ExecutionRecord): Pick<ExecuteOptions, 'onHistory' | 'onSuspend' | 'onResume'> {
    const store = this.options.store;
    // Without history the machine never calls onHistory: a waiting execution need not hold the closure.
    const onHistory =
      this.options.history === 'OFF'
        ? undefined
        : (history: RecordedHistory) => {
            exec.liveEvents = history;
            // A resumed execution's recorder took over the events read back from the store.
            exec.events = null;
          };
    if (store === null) return onHistory === undefined ? {} : { onHistory };
    return {
      onHistory,
      onSuspend: (suspension) => {
        exec.suspension = durableRecord(suspension, this.options.tokens);
        store.executionSuspended(exec);
      },
      onResume: () => {
        if (exec.suspension == null) return;
        exec.suspension = null;
        store.executionSuspended(exec);
      },
    };
  }

  /** A Standard execution's ARN: the name joined to its machine's prefix, built once (a waiting execution keeps it: ~200 bytes less than built afresh). */
  private executionArn(machineName: string, name: string): string {
    let prefix = this.executionArnPrefixes.get(machineName);
    if (prefix === undefined) {
      prefix = this.registry.arn('execution', `${machineName}:`);
      this.executionArnPrefixes.set(machineName, prefix);
    }
    return prefix + name;
  }

  /** Takes back a finished execution read from the store. */
  restored(exec: ExecutionRecord): void {
    this.registry.executions.set(exec.executionArn, exec);
    this.finished.push(exec);
  }

  async startExecution(request: T.StartExecutionInput): Promise<T.StartExecutionOutput> {
    const r = request ?? ({} as T.StartExecutionInput);
    const { target, testCase } = this.splitTestCase(r.stateMachineArn);
    const resolved = this.registry.stateMachineTarget(target);
    const name = r.name === undefined || r.name === null ? randomUUID() : checkName(r.name);
    const input = parseExecutionInput(r.input);
    const traceHeader = checkTraceHeader(r.traceHeader);
    this.refuseWhenClosed();
    const { machine } = resolved;
    if (machine.type === 'STANDARD') {
      const executionArn = this.executionArn(machine.name, name);
      const existing = this.registry.executions.get(executionArn);
      if (existing !== undefined) {
        if (existing.status === 'RUNNING' && existing.inputText === input.text) return { executionArn, startDate: existing.startDate };
        throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
      }
    }
    const exec = this.begin(resolved, name, input, traceHeader, testCase);
    return { executionArn: exec.executionArn, startDate: exec.startDate };
  }

  async startSyncExecution(request: T.StartSyncExecutionInput): Promise<T.StartSyncExecutionOutput> {
    const r = request ?? ({} as T.StartSyncExecutionInput);
    const { target, testCase } = this.splitTestCase(r.stateMachineArn);
    const resolved = this.registry.stateMachineTarget(target);
    const name = r.name === undefined || r.name === null ? randomUUID() : checkName(r.name);
    const input = parseExecutionInput(r.input);
    const traceHeader = checkTraceHeader(r.traceHeader);
    const includedData = checkEnum(r.includedData, 'includedData', ['ALL_DATA', 'METADATA_ONLY'] as const) ?? 'ALL_DATA';
    if (resolved.machine.type !== 'EXPRESS')
      throw new ServiceError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
    this.refuseWhenClosed();
    const exec = this.begin(resolved, name, input, traceHeader, testCase);
    // Most Express executions end within begin(): then there is nothing to wait for.
    if (exec.status === 'RUNNING') await exec.done;
    const included = includedData === 'ALL_DATA';
    const out: T.StartSyncExecutionOutput = {
      executionArn: exec.executionArn,
      stateMachineArn: resolved.version?.arn ?? resolved.alias?.arn ?? resolved.machine.arn,
      name: exec.name,
      startDate: exec.startDate,
      stopDate: exec.stopDate!,
      status: exec.status as T.StartSyncExecutionOutput['status'],
    };
    if (exec.error !== undefined) out.error = exec.error;
    if (exec.cause !== undefined) out.cause = exec.cause;
    if (included) out.input = exec.inputText;
    out.inputDetails = { included };
    if (exec.outputText !== undefined && included) out.output = exec.outputText;
    if (exec.status === 'SUCCEEDED') out.outputDetails = { included };
    if (traceHeader !== undefined) out.traceHeader = traceHeader;
    const durationMs = exec.stopDate!.getTime() - exec.startDate.getTime();
    out.billingDetails = { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: Math.max(100, Math.ceil(durationMs / 100) * 100) };
    return out;
  }

  /** `arn#TestCase` selects a mock test case when the service has a mock configuration. */
  private splitTestCase(arn: unknown): { target: unknown; testCase: string } {
    if (this.options.mocks === undefined || typeof arn !== 'string') return { target: arn, testCase: '' };
    const hash = arn.indexOf('#');
    return hash < 0 ? { target: arn, testCase: '' } : { target: arn.slice(0, hash), testCase: arn.slice(hash + 1) };
  }

  private refuseWhenClosed(): void {
    if (this.registry.closed) throw new ServiceError('ValidationException', 'The service is closed: it starts no more executions.');
  }

  /**
   * Starts one execution: compiles (once per revision and test case) and runs it. An
   * execution whose definition cannot compile (a Task without a handler) fails at once with
   * States.Runtime and the reason, as an AWS execution fails on a missing function.
   */
  private begin(
    target: StateMachineTarget,
    name: string,
    input: { text: string; value: unknown },
    traceHeader: string | undefined,
    testCase: string,
  ): ExecutionRecord {
    const { machine, alias } = target;
    const version = target.version ?? (alias !== undefined ? this.versions.route(alias, machine) : undefined);
    const revision = version?.revision ?? machine.revision;
    const standard = machine.type === 'STANDARD';
    const expressId = standard ? undefined : randomUUID();
    const executionArn = standard ? this.executionArn(machine.name, name) : this.registry.arn('express', `${machine.name}:${name}:${expressId}`);
    const startDate = this.registry.now();
    const exec: ExecutionRecord = {
      executionArn,
      name,
      machine,
      revision,
      versionArn: version?.arn,
      aliasArn: alias?.arn,
      inputText: input.text,
      traceHeader,
      startDate,
      stopHandle: new StopHandle(),
      status: 'RUNNING',
      stopDate: undefined,
      outputText: undefined,
      error: undefined,
      cause: undefined,
      events: null,
      liveEvents: null,
      stopRequest: null,
      done: Promise.resolve(),
    };
    if (standard) {
      this.registry.executions.set(executionArn, exec);
      machine.executions.push(exec);
      if (testCase !== '') exec.testCase = testCase;
    }
    this.running.add(exec);
    let compiled: Machine;
    try {
      compiled = this.compiled(machine, revision, testCase);
    } catch (thrown) {
      const message = thrown instanceof Error ? thrown.message : String(thrown);
      if (thrown instanceof ServiceError) {
        this.forget(exec);
        throw thrown;
      }
      this.settle(exec, null, 'States.Runtime', message);
      return exec;
    }
    // The input's text bounds its size: the machine need not walk the value to check the payload limit.
    const result = compiled.run(
      input.value,
      standard
        ? { name, inputText: input.text, stop: exec.stopHandle, redrive: this.redriveTap(exec, 0, NaN), ...this.durableHooks(exec) }
        : { name, executionId: expressId, inputText: input.text, stop: exec.stopHandle },
    );
    if (result instanceof Promise) {
      // Still running (waiting, or a handler is): the store learns of it now. One that ended
      // at once is written once, when it is settled.
      if (standard && exec.suspension == null) this.options.store?.executionStarted(exec);
      exec.done = standard ? result.then(this.settleStandard) : result.then((settled) => this.settle(exec, settled));
    } else this.settle(exec, result);
    return exec;
  }

  /** Undoes begin() for a refused start: nothing is left half-created. */
  private forget(exec: ExecutionRecord): void {
    this.running.delete(exec);
    if (this.registry.executions.get(exec.executionArn) === exec) {
      this.registry.executions.delete(exec.executionArn);
      const list = exec.machine.executions;
      list.splice(list.indexOf(exec), 1);
    }
  }

  /**
   * The compiled machine of a revision (and mock test case), compiled on first use: the
   * integrations' handlers under the user's (or the mock test case's), and their compile
   * options over the service's.
   */
  private compiled(machine: StateMachineRecord, revision: Revision, testCase: string): Machine {
    const cached = revision.machines.get(testCase);
    if (cached !== undefined) return cached;
    const integrated = { stateMachineArn: machine.arn, name: machine.name, type: machine.type, definition: revision.definition, roleArn: revision.roleArn };
    let handlers: Handlers = this.options.handlers;
    for (const integration of this.options.integrations) {
      if (integration.handlers !== undefined) handlers = { ...integration.handlers(integrated, this.host), ...handlers };
    }
    if (testCase !== '') {
      try {
        handlers = mockHandlers(revision.definition, this.options.mocks, { testCase, stateMachine: machine.name, handlers });
      } catch (thrown) {
        if (thrown instanceof Error && thrown.name === 'MockConfigError') throw new ServiceError('ValidationException', thrown.message);
        throw thrown;
      }
    }
    const standard = machine.type === 'STANDARD';
    let options: CompileOptions = {
      handlers,
      clock: this.registry.clock,
      limits: this.options.limits,
      stateMachineName: machine.name,
      region: this.registry.region,
      accountId: this.registry.accountId,
      roleArn: revision.roleArn,
      workflowType: machine.type,
      history: standard ? this.options.history : 'OFF',
      ...(standard ? { mapRuns: this.options.mapRuns } : {}),
    };
    for (const integration of this.options.integrations) {
      if (integration.compileOptions !== undefined) options = { ...options, ...integration.compileOptions(integrated, this.host) };
    }
    const compiled = compile(revision.definition, options);
    revision.machines.set(testCase, compiled);
    return compiled;
  }

  /** Settles the Standard execution a result is of, found by its ARN: one function for all, so one that waits holds no closure of its own. */
  private readonly settleStandard = (settled: ExecutionResult): void => this.settle(this.registry.executions.get(settled.executionArn)!, settled);

  /** Records how an execution ended (`result` null: it could not start). */
  private settle(exec: ExecutionRecord, result: ExecutionResult | null, error?: string, cause?: string): void {
    this.running.delete(exec);
    if (exec.redriveTap !== undefined) exec.redrivePoint = exec.redriveTap.point;
    exec.redriveTap = undefined;
    if (result === null) {
      exec.status = 'FAILED';
      exec.stopDate = this.registry.now();
      exec.error = error;
      exec.cause = cause;
      exec.events = [
        startedEvent(exec),
        { id: 2, previousEventId: 0, timestamp: exec.stopDate, type: 'ExecutionFailed', executionFailedEventDetails: errorDetails(error, cause) },
      ];
    } else {
      exec.status = result.status;
      exec.stopDate = result.stopDate;
      exec.error = result.error ?? undefined;
      exec.cause = result.cause ?? undefined;
      // The recorder's array is the execution's own, and no longer grows: kept as it is.
      exec.events = (result.history ?? []) as unknown as T.HistoryEventShape[];
      exec.liveEvents = null;
      if (result.status === 'SUCCEEDED') recordOutput(exec, result.output);
      if (result.status === 'ABORTED') recordStop(exec);
    }
    if (exec.machine.type === 'STANDARD') {
      this.options.mapRuns.executionEnded(exec.executionArn, exec.stopDate.getTime());
      this.retain(exec);
    }
  }

  /**
   * Keeps a finished Standard execution, forgetting the oldest past the bound. Forgetting
   * costs O(1): `finished` advances a head index, and a forgotten record stays in its
   * machine's list, marked, until both are compacted in one pass once half is dead.
   */
  private retain(exec: ExecutionRecord): void {
    this.finished.push(exec);
    let forgotten: ExecutionRecord[] | null = null;
    while (this.finished.length - this.finishedHead > this.options.retainExecutions) {
      const old = this.finished[this.finishedHead]!;
      this.finished[this.finishedHead++] = undefined as never;
      old.forgotten = true;
      if (this.registry.executions.get(old.executionArn) === old) this.registry.executions.delete(old.executionArn);
      this.options.mapRuns.forget(old.executionArn);
      this.withForgotten.add(old.machine);
      if (this.options.store !== null) (forgotten ??= []).push(old);
    }
    // One transaction: the ended execution in, the ones the bound drops out.
    if (exec.keptParked !== true) this.options.store?.executionEnded(exec, forgotten);
    if (this.finishedHead >= 1024 && this.finishedHead * 2 >= this.finished.length) {
      this.finished.splice(0, this.finishedHead);
      this.finishedHead = 0;
      for (const machine of this.withForgotten) {
        const kept = machine.executions.filter((e) => e.forgotten !== true);
        machine.executions.length = 0;
        machine.executions.push(...kept);
      }
      this.withForgotten.clear();
    }
  }

  async describeExecution(request: T.DescribeExecutionInput): Promise<T.DescribeExecutionOutput> {
    const exec = this.registry.execution(request?.executionArn);
    const includedData = checkEnum(request.includedData, 'includedData', ['ALL_DATA', 'METADATA_ONLY'] as const) ?? 'ALL_DATA';
    return described(exec, includedData === 'ALL_DATA', this.registry.clock.now());
  }

  async describeStateMachineForExecution(request: T.DescribeStateMachineForExecutionInput): Promise<T.DescribeStateMachineForExecutionOutput> {
    const exec = this.registry.execution(request?.executionArn);
    const rev = exec.revision;
    const out: T.DescribeStateMachineForExecutionOutput = {
      stateMachineArn: exec.machine.arn,
      name: exec.machine.name,
      definition: rev.definitionText,
      roleArn: rev.roleArn,
      updateDate: rev.updateDate,
      loggingConfiguration: rev.loggingConfiguration,
      tracingConfiguration: rev.tracingConfiguration,
      encryptionConfiguration: rev.encryptionConfiguration,
    };
    // A map run's child: its machine is the Map's ItemProcessor, named by the map run's label.
    if (exec.mapRunArn !== undefined) Object.assign(out, { mapRunArn: exec.mapRunArn, label: exec.machine.name.slice(exec.machine.name.indexOf('/') + 1) });
    return withRevisionDetails(out, rev);
  }

  async listExecutions(request: T.ListExecutionsInput = {}): Promise<T.ListExecutionsOutput> {
    const r = request ?? {};
    const paging = pageRequest(r);
    const statusFilter = checkEnum(r.statusFilter, 'statusFilter', statusValues);
    const redriveFilter = checkEnum(r.redriveFilter, 'redriveFilter', ['REDRIVEN', 'NOT_REDRIVEN'] as const);
    if (r.mapRunArn !== undefined && r.mapRunArn !== null) {
      if (r.stateMachineArn !== undefined && r.stateMachineArn !== null)
        throw new ServiceError('ValidationException', 'Must provide a StateMachine ARN or MapRun ARN, not both');
      const children = this.options.mapRuns.listChildren(r.mapRunArn, paging, statusFilter);
      // A map run's children are not redriven on their own (a redrive runs a Distributed Map again whole).
      return redriveFilter === 'REDRIVEN' ? { executions: [] } : children;
    }
    if (r.stateMachineArn === undefined || r.stateMachineArn === null)
      throw new ServiceError('ValidationException', 'Must provide a StateMachine ARN or MapRun ARN');
    const target = this.registry.stateMachineTarget(r.stateMachineArn);
    if (target.machine.type === 'EXPRESS')
      throw new ServiceError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
    const qualifier = target.version?.arn ?? target.alias?.arn;
    const matching = target.machine.executions.filter(
      (e) =>
        e.forgotten !== true &&
        (statusFilter === undefined || e.status === statusFilter) &&
        (redriveFilter === undefined || (redriveFilter === 'REDRIVEN') === (e.redriveCount ?? 0) > 0) &&
        (qualifier === undefined || e.versionArn === qualifier || e.aliasArn === qualifier),
    );
    const items = matching.reverse().map(listed);
    const p = page(items, paging, `ListExecutions ${r.stateMachineArn} ${statusFilter} ${redriveFilter}`, this.registry.clock.now(), (e) => e.executionArn);
    return { executions: p.items, ...(p.nextToken !== undefined ? { nextToken: p.nextToken } : {}) };
  }

  /**
   * Not an AWS operation: resolves, once the Standard execution has ended, with what
   * DescribeExecution then answers (instead of polling it).
   */
  async waitForExecution(request: T.DescribeExecutionInput): Promise<T.DescribeExecutionOutput> {
    const exec = this.registry.execution(request?.executionArn);
    await exec.done;
    return this.describeExecution(request);
  }

  /**
   * Executions as a nested-execution Task needs them (`states:startExecution`, `.sync`,
   * `.sync:2`): start one, learn when it ended, stop it. Standard and Express children
   * alike: Express ones started here stay reachable by ARN (up to the retention bound),
   * though the API does not show them.
   */
  nestedExecutions(): NestedExecutionHost {
    return {
      startExecution: async (request) => {
        const { target, testCase } = this.splitTestCase(request.stateMachineArn);
        const resolved = this.registry.stateMachineTarget(target);
        const name = request.name === undefined ? randomUUID() : checkName(request.name);
        const input = parseExecutionInput(request.input);
        this.refuseWhenClosed();
        const executionArn = this.executionArn(resolved.machine.name, name);
        if (resolved.machine.type === 'STANDARD' && this.registry.executions.has(executionArn)) {
          throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
        }
        const exec = this.begin(resolved, name, input, undefined, testCase);
        if (resolved.machine.type === 'EXPRESS') this.rememberNestedExpress(exec);
        return { executionArn: exec.executionArn, startDate: exec.startDate };
      },
      executionEnded: async (executionArn) => {
        const exec = this.registry.executions.get(executionArn) ?? this.nestedExpress.get(executionArn);
        if (exec === undefined) throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
        await exec.done;
        return described(exec, true, this.registry.clock.now());
      },
      stopExecution: (executionArn, error, cause) => {
        const exec = this.registry.executions.get(executionArn) ?? this.nestedExpress.get(executionArn);
        if (exec === undefined || exec.status !== 'RUNNING') return;
        exec.stopRequest = { error, cause };
        exec.stopHandle.stop(new Error(cause));
      },
      startSyncExecution: async (request) => {
        const answer = await this.startSyncExecution({ stateMachineArn: request.stateMachineArn, name: request.name, input: request.input });
        const { billingDetails: _billing, inputDetails: _in, outputDetails: _out, ...ended } = answer;
        return { ...ended, stateMachineArn: answer.stateMachineArn ?? request.stateMachineArn, name: answer.name ?? '' };
      },
    };
  }

  private rememberNestedExpress(exec: ExecutionRecord): void {
    this.nestedExpress.set(exec.executionArn, exec);
    if (this.nestedExpress.size > this.options.retainExecutions) this.nestedExpress.delete(this.nestedExpress.keys().next().value!);
  }

  async stopExecution(request: T.StopExecutionInput): Promise<T.StopExecutionOutput> {
    const r = request ?? ({} as T.StopExecutionInput);
    const exec = this.registry.execution(r.executionArn);
    if (r.error !== undefined && r.error !== null) requireString(r.error, 'error', true);
    if (r.cause !== undefined && r.cause !== null) requireString(r.cause, 'cause', true);
    if (exec.status !== 'RUNNING') return { stopDate: exec.stopDate! };
    exec.stopRequest = { error: r.error ?? undefined, cause: r.cause ?? undefined };
    exec.stopHandle.stop(new Error(r.cause ?? 'The execution was stopped.'));
    await exec.done;
    return { stopDate: exec.stopDate! };
  }

  /** Runs an unsuccessful Standard execution again from where it stood (src/service/redrive.ts says which can be, and how). */
  async redriveExecution(request: T.RedriveExecutionInput): Promise<T.RedriveExecutionOutput> {
    const exec = this.registry.execution(request?.executionArn);
    const now = this.registry.now();
    const repeated = checkRedrive(request, exec, now.getTime());
    if (repeated !== null) return { redriveDate: repeated };
    this.refuseWhenClosed();
    const unfinished = this.finished.indexOf(exec, this.finishedHead);
    if (unfinished >= 0) this.finished.splice(unfinished, 1);
    this.running.add(exec);
    const result = redrive(exec, now, request.clientToken ?? undefined, {
      machine: () => this.compiled(exec.machine, exec.revision, exec.testCase ?? ''),
      hooks: (count) => ({ tap: this.redriveTap(exec, count, now.getTime())!, ...this.durableHooks(exec) }),
    });
    if (result === null) {
      this.running.delete(exec);
      this.retain(exec);
    } else if (result instanceof Promise) {
      if (exec.suspension == null) this.options.store?.executionStarted(exec);
      exec.done = result.then(this.settleStandard);
    } else this.settle(exec, result);
    return { redriveDate: now };
  }

  /** A Standard run's redrive tap, kept on its record until it settles; none without history (nothing then says where a state's input was). */
  private redriveTap(exec: ExecutionRecord, count: number, redriveMs: number): RedriveTap | undefined {
    if (this.options.history !== 'OFF') return (exec.redriveTap = new RedriveTap(count, redriveMs));
    exec.redriveMissing = "the service records no history (history: 'OFF'), so statemill kept no point to continue from";
    return undefined;
  }

  /** Stops every running execution (ABORTED) and waits until each has settled; with a store, one parked on its main line stays parked there for the next start. */
  async close(): Promise<void> {
    if (this.options.store !== null) for (const exec of this.running) if (exec.suspension != null) exec.keptParked = true;
    const pending = [...this.running];
    for (const exec of pending) exec.stopHandle.stop(new Error('The service was closed.'));
    await Promise.all(pending.map((x) => x.done));
  }
}
