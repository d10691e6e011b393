export { validate } from './asl/validate.js';
export { DefinitionError, ProblemCodes, type Problem, type ProblemCode } from './asl/problems.js';
export { compile, Machine, type CompileOptions, type ExecuteOptions } from './compile/machine.js';
export type { Handler, Handlers, TaskContext } from './compile/handlers.js';
export { realClock, virtualClock, type Clock } from './run/clock.js';
export { defaultLimits, type Limits } from './run/limits.js';
export { ExecutionResult, type ExecutionStatus } from './run/result.js';
export { mockHandlers, MockConfigError, MockErrorCodes, type MockConfig, type MockedInvocation, type MockOptions } from './mocks/index.js';
export type * from './asl/types.js';
