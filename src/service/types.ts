/**
 * Request and response shapes of AWS Step Functions' API, as @aws-sdk/client-sfn's commands
 * take and return them: members camelCase, `definition`/`input`/`output` as JSON text, dates
 * as `Date`. Written here (not imported from the SDK, a dev dependency) and kept to what the
 * service reads or returns.
 */

export type StateMachineType = 'STANDARD' | 'EXPRESS';
export type ExecutionStatusName = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';
export type LogLevel = 'ALL' | 'ERROR' | 'FATAL' | 'OFF';

export interface Tag {
  key?: string;
  value?: string;
}

export interface LoggingConfiguration {
  level?: LogLevel;
  includeExecutionData?: boolean;
  destinations?: { cloudWatchLogsLogGroup?: { logGroupArn?: string } }[];
}

export interface TracingConfiguration {
  enabled?: boolean;
}

export interface EncryptionConfiguration {
  kmsKeyId?: string;
  kmsDataKeyReusePeriodSeconds?: number;
  type: 'AWS_OWNED_KEY' | 'CUSTOMER_MANAGED_KMS_KEY';
}

export interface CreateStateMachineInput {
  name: string;
  definition: string;
  roleArn: string;
  type?: StateMachineType;
  loggingConfiguration?: LoggingConfiguration;
  tags?: Tag[];
  tracingConfiguration?: TracingConfiguration;
  publish?: boolean;
  versionDescription?: string;
  encryptionConfiguration?: EncryptionConfiguration;
}
export interface CreateStateMachineOutput {
  stateMachineArn: string;
  creationDate: Date;
  stateMachineVersionArn?: string;
}

export interface DescribeStateMachineInput {
  stateMachineArn: string;
  includedData?: 'ALL_DATA' | 'METADATA_ONLY';
}
export interface DescribeStateMachineOutput {
  stateMachineArn: string;
  name: string;
  status?: 'ACTIVE' | 'DELETING';
  definition: string;
  roleArn: string;
  type: StateMachineType;
  creationDate: Date;
  loggingConfiguration?: LoggingConfiguration;
  tracingConfiguration?: TracingConfiguration;
  label?: string;
  revisionId?: string;
  description?: string;
  encryptionConfiguration?: EncryptionConfiguration;
  variableReferences?: Record<string, string[]>;
}

export interface StateMachineListItem {
  stateMachineArn: string;
  name: string;
  type: StateMachineType;
  creationDate: Date;
}
export interface ListStateMachinesInput {
  maxResults?: number;
  nextToken?: string;
}
export interface ListStateMachinesOutput {
  stateMachines: StateMachineListItem[];
  nextToken?: string;
}

export interface UpdateStateMachineInput {
  stateMachineArn: string;
  definition?: string;
  roleArn?: string;
  loggingConfiguration?: LoggingConfiguration;
  tracingConfiguration?: TracingConfiguration;
  publish?: boolean;
  versionDescription?: string;
  encryptionConfiguration?: EncryptionConfiguration;
}
export interface UpdateStateMachineOutput {
  updateDate: Date;
  revisionId?: string;
  stateMachineVersionArn?: string;
}

export interface DeleteStateMachineInput {
  stateMachineArn: string;
}

export interface ValidateStateMachineDefinitionInput {
  definition: string;
  type?: StateMachineType;
  severity?: 'ERROR' | 'WARNING';
  maxResults?: number;
}
export interface ValidateStateMachineDefinitionDiagnostic {
  severity: 'ERROR' | 'WARNING';
  code: string;
  message: string;
  location?: string;
}
export interface ValidateStateMachineDefinitionOutput {
  result: 'OK' | 'FAIL';
  diagnostics: ValidateStateMachineDefinitionDiagnostic[];
  truncated?: boolean;
}

export interface StartExecutionInput {
  stateMachineArn: string;
  name?: string;
  input?: string;
  traceHeader?: string;
}
export interface StartExecutionOutput {
  executionArn: string;
  startDate: Date;
}

export interface StartSyncExecutionInput {
  stateMachineArn: string;
  name?: string;
  input?: string;
  traceHeader?: string;
  includedData?: 'ALL_DATA' | 'METADATA_ONLY';
}
export interface CloudWatchEventsExecutionDataDetails {
  included?: boolean;
}
export interface StartSyncExecutionOutput {
  executionArn: string;
  stateMachineArn?: string;
  name?: string;
  startDate: Date;
  stopDate: Date;
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  error?: string;
  cause?: string;
  input?: string;
  inputDetails?: CloudWatchEventsExecutionDataDetails;
  output?: string;
  outputDetails?: CloudWatchEventsExecutionDataDetails;
  traceHeader?: string;
  billingDetails?: { billedMemoryUsedInMB?: number; billedDurationInMilliseconds?: number };
}

export interface DescribeExecutionInput {
  executionArn: string;
  includedData?: 'ALL_DATA' | 'METADATA_ONLY';
}
export interface DescribeExecutionOutput {
  executionArn: string;
  stateMachineArn: string;
  name?: string;
  status: ExecutionStatusName;
  startDate: Date;
  stopDate?: Date;
  input?: string;
  inputDetails?: CloudWatchEventsExecutionDataDetails;
  output?: string;
  outputDetails?: CloudWatchEventsExecutionDataDetails;
  traceHeader?: string;
  mapRunArn?: string;
  error?: string;
  cause?: string;
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
  redriveCount?: number;
  redriveDate?: Date;
  redriveStatus?: 'REDRIVABLE' | 'NOT_REDRIVABLE' | 'REDRIVABLE_BY_MAP_RUN';
  redriveStatusReason?: string;
}

export interface DescribeStateMachineForExecutionInput {
  executionArn: string;
  includedData?: 'ALL_DATA' | 'METADATA_ONLY';
}
export interface DescribeStateMachineForExecutionOutput {
  stateMachineArn: string;
  name: string;
  definition: string;
  roleArn: string;
  updateDate: Date;
  loggingConfiguration?: LoggingConfiguration;
  tracingConfiguration?: TracingConfiguration;
  mapRunArn?: string;
  label?: string;
  revisionId?: string;
  encryptionConfiguration?: EncryptionConfiguration;
  variableReferences?: Record<string, string[]>;
}

export interface ExecutionListItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatusName;
  startDate: Date;
  stopDate?: Date;
  mapRunArn?: string;
  itemCount?: number;
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
  redriveCount?: number;
  redriveDate?: Date;
}
export interface ListExecutionsInput {
  stateMachineArn?: string;
  statusFilter?: ExecutionStatusName;
  maxResults?: number;
  nextToken?: string;
  mapRunArn?: string;
  redriveFilter?: 'REDRIVEN' | 'NOT_REDRIVEN';
}
export interface ListExecutionsOutput {
  executions: ExecutionListItem[];
  nextToken?: string;
}

export interface StopExecutionInput {
  executionArn: string;
  error?: string;
  cause?: string;
}
export interface StopExecutionOutput {
  stopDate: Date;
}

export interface GetExecutionHistoryInput {
  executionArn: string;
  maxResults?: number;
  reverseOrder?: boolean;
  nextToken?: string;
  includeExecutionData?: boolean;
}
/** One history event: `{ id, previousEventId, timestamp, type, <type>EventDetails }`. */
export interface HistoryEventShape {
  timestamp: Date;
  type: string;
  id: number;
  previousEventId?: number;
  [details: string]: unknown;
}
export interface GetExecutionHistoryOutput {
  events: HistoryEventShape[];
  nextToken?: string;
}

export interface RedriveExecutionInput {
  executionArn: string;
  clientToken?: string;
}
export interface RedriveExecutionOutput {
  redriveDate: Date;
}

export interface CreateActivityInput {
  name: string;
  tags?: Tag[];
  encryptionConfiguration?: EncryptionConfiguration;
}
export interface CreateActivityOutput {
  activityArn: string;
  creationDate: Date;
}
export interface DescribeActivityInput {
  activityArn: string;
}
export interface DescribeActivityOutput {
  activityArn: string;
  name: string;
  creationDate: Date;
  encryptionConfiguration?: EncryptionConfiguration;
}
export interface ActivityListItem {
  activityArn: string;
  name: string;
  creationDate: Date;
}
export interface ListActivitiesInput {
  maxResults?: number;
  nextToken?: string;
}
export interface ListActivitiesOutput {
  activities: ActivityListItem[];
  nextToken?: string;
}
export interface GetActivityTaskInput {
  activityArn: string;
  workerName?: string;
}
export interface GetActivityTaskOutput {
  taskToken?: string;
  /** The task's input as JSON text. */
  input?: string;
}
export interface DeleteActivityInput {
  activityArn: string;
}

export interface TagResourceInput {
  resourceArn: string;
  tags: Tag[];
}
export interface UntagResourceInput {
  resourceArn: string;
  tagKeys: string[];
}
export interface ListTagsForResourceInput {
  resourceArn: string;
}
export interface ListTagsForResourceOutput {
  tags: Tag[];
}

export interface PublishStateMachineVersionInput {
  stateMachineArn: string;
  revisionId?: string;
  description?: string;
}
export interface PublishStateMachineVersionOutput {
  creationDate: Date;
  stateMachineVersionArn: string;
}
export interface StateMachineVersionListItem {
  stateMachineVersionArn: string;
  creationDate: Date;
}
export interface ListStateMachineVersionsInput {
  stateMachineArn: string;
  nextToken?: string;
  maxResults?: number;
}
export interface ListStateMachineVersionsOutput {
  stateMachineVersions: StateMachineVersionListItem[];
  nextToken?: string;
}
export interface DeleteStateMachineVersionInput {
  stateMachineVersionArn: string;
}

export interface RoutingConfigurationListItem {
  stateMachineVersionArn: string;
  weight: number;
}
export interface CreateStateMachineAliasInput {
  description?: string;
  name: string;
  routingConfiguration: RoutingConfigurationListItem[];
}
export interface CreateStateMachineAliasOutput {
  stateMachineAliasArn: string;
  creationDate: Date;
}
export interface DescribeStateMachineAliasInput {
  stateMachineAliasArn: string;
}
export interface DescribeStateMachineAliasOutput {
  stateMachineAliasArn: string;
  name: string;
  description?: string;
  routingConfiguration: RoutingConfigurationListItem[];
  creationDate: Date;
  updateDate?: Date;
}
export interface UpdateStateMachineAliasInput {
  stateMachineAliasArn: string;
  description?: string;
  routingConfiguration?: RoutingConfigurationListItem[];
}
export interface UpdateStateMachineAliasOutput {
  updateDate: Date;
}
export interface DeleteStateMachineAliasInput {
  stateMachineAliasArn: string;
}
export interface StateMachineAliasListItem {
  stateMachineAliasArn: string;
  creationDate: Date;
}
export interface ListStateMachineAliasesInput {
  stateMachineArn: string;
  nextToken?: string;
  maxResults?: number;
}
export interface ListStateMachineAliasesOutput {
  stateMachineAliases: StateMachineAliasListItem[];
  nextToken?: string;
}

export interface DescribeMapRunInput {
  mapRunArn: string;
}
export interface MapRunCounts {
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  aborted: number;
  total: number;
  resultsWritten: number;
  failuresNotRedrivable?: number;
  pendingRedrive?: number;
}
export interface DescribeMapRunOutput {
  mapRunArn: string;
  executionArn: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  startDate: Date;
  stopDate?: Date;
  maxConcurrency: number;
  toleratedFailurePercentage: number;
  toleratedFailureCount: number;
  itemCounts: MapRunCounts;
  executionCounts: MapRunCounts;
  redriveCount?: number;
  redriveDate?: Date;
}
export interface ListMapRunsInput {
  executionArn: string;
  maxResults?: number;
  nextToken?: string;
}
export interface MapRunListItem {
  executionArn: string;
  mapRunArn: string;
  stateMachineArn: string;
  startDate: Date;
  stopDate?: Date;
}
export interface ListMapRunsOutput {
  mapRuns: MapRunListItem[];
  nextToken?: string;
}
export interface UpdateMapRunInput {
  mapRunArn: string;
  maxConcurrency?: number;
  toleratedFailurePercentage?: number;
  toleratedFailureCount?: number;
}

/** The empty answer of operations that return nothing (DeleteStateMachine, TagResource, …). */
export type EmptyOutput = Record<string, never>;
