import type { Clock } from '../../run/clock.js';
import type { Handlers } from '../../compile/handlers.js';

/** AWS's TestState request (`TestStateInput`), exactly as @aws-sdk/client-sfn's TestStateCommand takes it. */
export interface TestStateRequest {
  /** JSON text: one state, or a whole state machine when `stateName` is given. */
  definition: string;
  stateName?: string;
  roleArn?: string;
  /** JSON text: the state's input (default `{}`). */
  input?: string;
  inspectionLevel?: InspectionLevel;
  revealSecrets?: boolean;
  /** JSON text: the workflow variables visible to the state. */
  variables?: string;
  /** JSON text: the context object (`$$`) to use instead of the one made up. */
  context?: string;
  mock?: TestStateMock;
  stateConfiguration?: TestStateConfiguration;
}

export type InspectionLevel = 'INFO' | 'DEBUG' | 'TRACE';
export type FieldValidationMode = 'STRICT' | 'PRESENT' | 'NONE';

export interface TestStateMock {
  /** JSON text: the task's (or Map's, Parallel's) result. */
  result?: string;
  errorOutput?: { error?: string; cause?: string };
  fieldValidationMode?: FieldValidationMode;
}

export interface TestStateConfiguration {
  retrierRetryCount?: number;
  errorCausedByState?: string;
  mapIterationFailureCount?: number;
  /** JSON text: the items an ItemReader would have read. */
  mapItemReaderData?: string;
}

export type TestStateStatus = 'SUCCEEDED' | 'FAILED' | 'RETRIABLE' | 'CAUGHT_ERROR';

/** AWS's TestState response (`TestStateOutput`): JSON-text members are JSON text. */
export interface TestStateResponse {
  output?: string;
  error?: string;
  cause?: string;
  nextState?: string;
  status: TestStateStatus;
  inspectionData?: InspectionData;
}

export interface ErrorDetails {
  catchIndex?: number;
  retryIndex?: number;
  retryBackoffIntervalSeconds?: number;
}

/** AWS's `InspectionData`: the data-flow stages (JSON text) and the Map settings (numbers). */
export interface InspectionData {
  input?: string;
  afterArguments?: string;
  afterInputPath?: string;
  afterParameters?: string;
  result?: string;
  afterResultSelector?: string;
  afterResultPath?: string;
  variables?: string;
  errorDetails?: ErrorDetails;
  afterItemsPath?: string;
  afterItemSelector?: string;
  afterItemBatcher?: string;
  afterItemsPointer?: string;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
  maxConcurrency?: number;
}

export interface TestStateOptions {
  /** Task handlers, as `compile()` takes them: a Task without a mock runs its handler. */
  handlers?: Handlers;
  /** Time source for `$$` timestamps and `$now()`. */
  clock?: Clock;
  /** Region and account of the ARNs made up for the context object. Defaults: us-east-1, 123456789012. */
  region?: string;
  accountId?: string;
}
