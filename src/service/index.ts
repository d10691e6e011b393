import { Service, type ServiceOptions } from './service.js';
import { callOperation, operationOfCommand, type CommandLike } from './send.js';

export { ServiceError, ServiceErrorNames, type ServiceErrorName } from './errors.js';
export { Service, type ServiceOptions } from './service.js';
export { ActivityQueue, activityPollMs, type ActivityTask } from './activities.js';
export type { ServiceIntegration, IntegrationHost, IntegratedMachine, NestedExecutionHost, NestedStartRequest, EndedNestedExecution } from './seam.js';
export { operations, callOperation, type CommandLike, type OperationName } from './send.js';
export type * from './types.js';

/**
 * AWS Step Functions in-process: a Service whose methods are the API's operations, plus
 * `send(command)` for @aws-sdk/client-sfn command objects.
 */
export class StepFunctionsService extends Service {
  /**
   * Runs an @aws-sdk/client-sfn command (`new StartExecutionCommand({...})`) against this
   * service: SDK code runs in-process unchanged. Answers what the SDK's client would
   * resolve, without `$metadata`; refusals reject with a ServiceError.
   */
  send(command: CommandLike): Promise<any> {
    let operation: string;
    try {
      operation = operationOfCommand(command);
    } catch (thrown) {
      return Promise.reject(thrown);
    }
    return callOperation(this, operation, command.input);
  }
}

/** Creates an in-process Step Functions service (see ServiceOptions). */
export function createService(options: ServiceOptions = {}): StepFunctionsService {
  return new StepFunctionsService(options);
}
