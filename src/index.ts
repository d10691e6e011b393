/**
 * statemill's public API (the package's `.` entry): validate() and compile() for definitions,
 * the Machine they give, the pool, the service (createService: AWS's API in-process, Standard
 * workflows, TestState), the HTTP endpoint, and mock configurations. The cluster has its own
 * entry, `statemill/cluster` (src/cluster/index.ts). README.md's "Layout" maps the folders.
 */
export { validate } from './compile/validate/validate.js';
export { DefinitionError, ProblemCodes, type Problem, type ProblemCode } from './asl/problems.js';
export { compile, type CompileOptions } from './compile/machine.js';
export { OptionError } from './options.js';
export { Machine, type ExecuteOptions } from './run/execution.js';
export { StopHandle } from './run/stop.js';
export { checkSupport } from './compile/support.js';
export type { Handler, Handlers, TaskContext } from './run/task-call.js';
export type { Integrations, NestedStart, StartedExecution, EndedExecution } from './compile/task-patterns.js';
export { TaskTokens } from './run/tokens.js';
export { s3FolderHandlers } from './mocks/s3-folder.js';
export { StandardTasks, type ExecutionHost, type StandardTasksOptions } from './service/standard/tasks.js';
export type { GetActivityTaskOutput } from './service/types.js';
export { StandardExecutions, type StandardExecutionsOptions } from './service/standard/executions.js';
export { realClock, virtualClock, type Clock } from './run/clock.js';
export { defaultLimits, type Limits } from './run/limits.js';
export { ExecutionResult, type ExecutionResultInit, type ExecutionStatus } from './run/result.js';
export { ExecutionNameError, executionNameProblem, stateMachineNameProblem } from './run/names.js';
export { mockHandlers, planTestCase, MockConfigError, MockErrorCodes, type MockConfig, type MockedInvocation, type MockOptions } from './mocks/index.js';
export type * from './asl/types.js';
export { formatTrace, type TraceOptions } from './run/trace.js';
export { historyLevels, type HistoryEvent, type HistoryLevel } from './run/history.js';
export {
  createPool,
  Pool,
  PoolError,
  PoolErrorCodes,
  PoolFaults,
  type PoolOptions,
  type PoolExecuteOptions,
  type PoolMetrics,
  type RegisterOptions,
  type WorkflowOptions,
  type LoadOptions,
  type LoadResult,
  type PoolErrorCode,
  type PoolFault,
} from './pool/index.js';
export {
  createService,
  StepFunctionsService,
  Service,
  ServiceError,
  ServiceErrorNames,
  ActivityQueue,
  operations,
  callOperation,
  type ServiceOptions,
  type ServiceErrorName,
  type CommandLike,
  type OperationName,
  type ServiceIntegration,
  type IntegrationHost,
  type IntegratedMachine,
  type NestedExecutionHost,
  type ActivityTask,
} from './service/index.js';
export type * as ServiceTypes from './service/types.js';
export {
  serve,
  createServer,
  StepFunctionsServer,
  lambdaEndpointHandlers,
  hostPrefixAdvice,
  createLogger,
  logLevels,
  DEFAULT_BODY_LIMIT,
  type ServeOptions,
  type RunningEndpoint,
  type ServerOptions,
  type EndpointService,
  type Logger,
  type LogLevel as ServeLogLevel,
} from './serve/index.js';
export { SqliteStore, StoreError, StoreErrorCodes, HOST_STOPPED_ERROR, type StoreErrorCode } from './service/store.js';
export {
  testState,
  checkedResources,
  type TestStateRequest,
  type TestStateResponse,
  type TestStateOptions,
  type InspectionData,
} from './service/test-state/index.js';
export { testStateOf, type StateTestOptions, type StateTestResult, type StateTestInspection } from './service/test-state/test-helper.js';
