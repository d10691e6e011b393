import { randomUUID } from 'node:crypto';
import type { Clock } from '../../run/clock.js';
import type { ExecutionResult } from '../../run/result.js';
import { StopHandle } from '../../run/stop.js';
import { compile, type Machine } from '../../compile/machine.js';
import type { Handlers } from '../../compile/handlers.js';
import type { EndedExecution, NestedStart, StartedExecution } from '../../compile/task-patterns.js';
import { ServiceError } from '../errors.js';
import { StandardTasks, type ExecutionHost } from './tasks.js';

export interface StandardExecutionsOptions {
  handlers?: Handlers;
  clock?: Clock;
  region?: string;
  accountId?: string;
  /** Shares tokens and activities with a service that made them; a fresh set by default. */
  tasks?: StandardTasks;
}

interface Registered {
  readonly machine: Machine;
  readonly type: 'STANDARD' | 'EXPRESS';
  /** `…:execution:<machine>:` (or `…:express:…`): an execution's ARN is one join to it, not a string built afresh. */
  readonly executionArnPrefix: string;
}

/** One execution: running (a pending result and its stop switch) or ended. */
interface Run {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: Date;
  readonly stop: StopHandle;
  readonly ended: Promise<EndedExecution>;
  result: EndedExecution | null;
  /** StopExecution's error and cause, which a stopped execution shows as they were given. */
  stopRequest: { readonly error: string; readonly cause: string } | null;
}

/**
 * The smallest host of Standard executions: machines by ARN, executions started by name,
 * followed to their end and stopped. createService() keeps its own registry and history;
 * this one serves nested executions where no service runs them (tests, embedding, benches)
 * and shows the ExecutionHost contract the service implements.
 */
export class StandardExecutions implements ExecutionHost {
  readonly tasks: StandardTasks;
  private readonly machines = new Map<string, Registered>();
  private readonly runs = new Map<string, Run>();
  private readonly options: StandardExecutionsOptions;

  constructor(options: StandardExecutionsOptions = {}) {
    this.options = options;
    this.tasks = options.tasks ?? new StandardTasks({ clock: options.clock });
  }

  /** Compiles a machine with the Standard integrations and registers it; returns its ARN. */
  createStateMachine(name: string, definition: unknown, type: 'STANDARD' | 'EXPRESS' = 'STANDARD', handlers?: Handlers): string {
    const machine = compile(definition, {
      handlers: handlers ?? this.options.handlers,
      clock: this.options.clock,
      region: this.options.region,
      accountId: this.options.accountId,
      stateMachineName: name,
      workflowType: type,
      integrations: this.tasks.integrations(this),
    });
    const executionArnPrefix = machine.stateMachineArn.replace(':stateMachine:', type === 'STANDARD' ? ':execution:' : ':express:') + ':';
    this.machines.set(machine.stateMachineArn, { machine, type, executionArnPrefix });
    return machine.stateMachineArn;
  }

  startExecution(request: NestedStart): StartedExecution {
    const registered = this.machine(request.stateMachineArn);
    let input: unknown;
    try {
      input = JSON.parse(request.input);
    } catch {
      throw new ServiceError('InvalidExecutionInput', `Invalid State Machine Execution Input: 'Unexpected input: ${request.input}'`);
    }
    const name = request.name ?? randomUUID();
    const executionArn = registered.executionArnPrefix + name;
    if (this.runs.has(executionArn)) throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    const stop = new StopHandle();
    const startDate = new Date();
    const run: Run = {
      executionArn,
      stateMachineArn: registered.machine.stateMachineArn,
      name,
      input: request.input,
      startDate,
      stop,
      result: null,
      stopRequest: null,
      ended: registered.machine.execute(input, { name, stop }).then((result) => {
        run.result = ended(run, result);
        return run.result;
      }),
    };
    this.runs.set(executionArn, run);
    return { executionArn, startDate };
  }

  async startSyncExecution(request: NestedStart): Promise<EndedExecution> {
    const registered = this.machine(request.stateMachineArn);
    if (registered.type !== 'EXPRESS') {
      throw new ServiceError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
    }
    const started = this.startExecution(request);
    return this.executionEnded(started.executionArn);
  }

  executionEnded(executionArn: string): Promise<EndedExecution> {
    return this.run(executionArn).ended;
  }

  stopExecution(executionArn: string, error: string, cause: string): void {
    const run = this.run(executionArn);
    if (run.result !== null) return;
    run.stopRequest = { error, cause };
    run.stop.stop(new Error(cause));
  }

  /** DescribeExecution's answer while running or after the end. */
  describeExecution(executionArn: string): EndedExecution {
    const run = this.run(executionArn);
    return run.result ?? { executionArn, stateMachineArn: run.stateMachineArn, name: run.name, status: 'RUNNING', startDate: run.startDate, input: run.input };
  }

  private machine(arn: string): Registered {
    const registered = this.machines.get(arn);
    if (registered === undefined) throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return registered;
  }

  private run(executionArn: string): Run {
    const run = this.runs.get(executionArn);
    if (run === undefined) throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return run;
  }
}

function ended(run: Run, result: ExecutionResult): EndedExecution {
  const out: { -readonly [K in keyof EndedExecution]: EndedExecution[K] } = {
    executionArn: run.executionArn,
    stateMachineArn: run.stateMachineArn,
    name: run.name,
    status: result.status,
    startDate: run.startDate,
    stopDate: new Date(),
    input: run.input,
  };
  if (result.status === 'SUCCEEDED') out.output = JSON.stringify(result.output ?? null);
  const { error, cause } = result.status === 'ABORTED' && run.stopRequest !== null ? run.stopRequest : result;
  if (error !== undefined && error !== null) out.error = error;
  if (cause !== undefined && cause !== null) out.cause = cause;
  return out;
}
