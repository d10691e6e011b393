import { ServiceError } from './errors.js';
import type { Service } from './service.js';

/**
 * The operations `send()` and the HTTP endpoint dispatch to: AWS operation name → the
 * Service method that answers it. An operation missing here is unknown to the service.
 */
export const operations = {
  CreateStateMachine: 'createStateMachine',
  DescribeStateMachine: 'describeStateMachine',
  ListStateMachines: 'listStateMachines',
  UpdateStateMachine: 'updateStateMachine',
  DeleteStateMachine: 'deleteStateMachine',
  ValidateStateMachineDefinition: 'validateStateMachineDefinition',
  StartExecution: 'startExecution',
  StartSyncExecution: 'startSyncExecution',
  DescribeExecution: 'describeExecution',
  DescribeStateMachineForExecution: 'describeStateMachineForExecution',
  ListExecutions: 'listExecutions',
  StopExecution: 'stopExecution',
  GetExecutionHistory: 'getExecutionHistory',
  RedriveExecution: 'redriveExecution',
  CreateActivity: 'createActivity',
  DescribeActivity: 'describeActivity',
  ListActivities: 'listActivities',
  DeleteActivity: 'deleteActivity',
  GetActivityTask: 'getActivityTask',
  SendTaskSuccess: 'sendTaskSuccess',
  SendTaskFailure: 'sendTaskFailure',
  SendTaskHeartbeat: 'sendTaskHeartbeat',
  TagResource: 'tagResource',
  UntagResource: 'untagResource',
  ListTagsForResource: 'listTagsForResource',
  PublishStateMachineVersion: 'publishStateMachineVersion',
  ListStateMachineVersions: 'listStateMachineVersions',
  DeleteStateMachineVersion: 'deleteStateMachineVersion',
  CreateStateMachineAlias: 'createStateMachineAlias',
  DescribeStateMachineAlias: 'describeStateMachineAlias',
  UpdateStateMachineAlias: 'updateStateMachineAlias',
  DeleteStateMachineAlias: 'deleteStateMachineAlias',
  ListStateMachineAliases: 'listStateMachineAliases',
  DescribeMapRun: 'describeMapRun',
  ListMapRuns: 'listMapRuns',
  UpdateMapRun: 'updateMapRun',
  TestState: 'testState',
} as const satisfies Record<string, keyof Service>;

export type OperationName = keyof typeof operations;

/** An @aws-sdk/client-sfn command, as send() reads it: its class name and `.input`. */
export interface CommandLike {
  readonly input: unknown;
}

/**
 * Calls the operation an AWS operation name names with `input`; an unknown name is refused
 * with UnknownOperationException, as an AWS JSON service refuses it.
 */
export function callOperation(service: Service, operation: string, input: unknown): Promise<unknown> {
  const method = Object.hasOwn(operations, operation) ? operations[operation as OperationName] : undefined;
  if (method === undefined) return Promise.reject(new ServiceError('UnknownOperationException', `Operation ${operation} is not supported by this service`));
  const call = service[method] as (this: Service, request: unknown) => Promise<unknown>;
  return call.call(service, input ?? {});
}

/**
 * The operation a command object stands for: `StartExecutionCommand` → `StartExecution`.
 * A bundle that renamed the class still carries the operation in the SDK's operation
 * schema (`['…', 'com.amazonaws.sfn', 'StartExecution', …]` in SDK v3.7xx+).
 */
export function operationOfCommand(command: CommandLike): string {
  const name = command?.constructor?.name;
  if (typeof name === 'string' && name.endsWith('Command') && name !== 'Command') return name.slice(0, -'Command'.length);
  const schema = (command as { schema?: unknown } | null)?.schema;
  if (Array.isArray(schema) && schema[1] === 'com.amazonaws.sfn' && typeof schema[2] === 'string') return schema[2];
  throw new ServiceError(
    'UnknownOperationException',
    `send() takes an @aws-sdk/client-sfn command object (e.g. new StartExecutionCommand(input)); got ${typeof name === 'string' ? name : typeof command}`,
  );
}
