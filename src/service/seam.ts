import type { EndedExecution, NestedStart, StartedExecution } from '../compile/task-patterns.js';
import type { CompileOptions } from '../compile/machine.js';
import type { Handlers } from '../compile/handlers.js';
import type { Clock } from '../run/clock.js';
import type { ActivityQueue } from './activities.js';
import type { StateMachineType } from './types.js';

/**
 * The seam between the service and the Task integrations it supplies to its executions
 * (nested executions, callbacks, activities — see SEAM.md). An integration is
 * asked, once per compiled revision of a state machine, for the handlers and compile()
 * options the machine's executions need; it reaches the service through the host.
 */
export interface ServiceIntegration {
  /**
   * Handlers keyed by Resource, added to the machine's; a handler the user gave for the
   * same Resource wins (it mocks the integration).
   */
  handlers?(machine: IntegratedMachine, host: IntegrationHost): Handlers;
  /** Further compile() options (e.g. what runs `.waitForTaskToken`); merged over the service's own. */
  compileOptions?(machine: IntegratedMachine, host: IntegrationHost): Partial<CompileOptions>;
  /** A worker took an activity task with GetActivityTask (its HeartbeatSeconds start now). */
  activityTaken?(taskToken: string, workerName?: string): void;
}

/** The state machine being compiled, as an integration sees it. */
export interface IntegratedMachine {
  readonly stateMachineArn: string;
  readonly name: string;
  readonly type: StateMachineType;
  readonly definition: Readonly<Record<string, unknown>>;
  readonly roleArn: string;
}

/** A child execution to start, as a nested-execution Task's Parameters ask for it. */
export type NestedStartRequest = NestedStart;

/** What DescribeExecution answers for an execution that ended (what a `.sync` Task reads). */
export type EndedNestedExecution = EndedExecution;

/** The service's executions, as nested-execution Tasks use them (Service.nestedExecutions()). */
export interface NestedExecutionHost {
  startExecution(request: NestedStartRequest): Promise<StartedExecution>;
  /** Settles when the execution has ended, with DescribeExecution's answer. */
  executionEnded(executionArn: string): Promise<EndedNestedExecution>;
  /** Stops a running execution (its `.sync` parent stopped, failed or timed out); a finished one is left as it is. */
  stopExecution(executionArn: string, error: string, cause: string): void;
  /** Runs an EXPRESS machine to its end (`aws-sdk:sfn:startSyncExecution`). */
  startSyncExecution(request: NestedStartRequest): Promise<EndedNestedExecution>;
}

/** What an integration may use of the service. */
export interface IntegrationHost {
  /** The service's API operations (startExecution, stopExecution, describeExecution, …). */
  readonly service: import('./service.js').Service;
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  /** The task queue of an existing activity (ActivityDoesNotExist otherwise). */
  activityQueue(activityArn: string): ActivityQueue;
  /** Start, await and stop child executions. */
  readonly nested: NestedExecutionHost;
}
