/**
 * Errors of the Step Functions service API. `name` is AWS's exception name (the `__type` of
 * the wire protocol without its namespace, e.g. `ExecutionDoesNotExist`), `message` AWS's
 * wording where it is known. The HTTP endpoint encodes nothing else, so every refusal the
 * service makes must be a ServiceError.
 */
export class ServiceError extends Error {
  override readonly name: ServiceErrorName;
  constructor(name: ServiceErrorName, message: string) {
    super(message);
    this.name = name;
  }
}

/** The exception names of AWS Step Functions' API (botocore's stepfunctions service model). */
export const ServiceErrorNames = [
  'ActivityAlreadyExists',
  'ActivityDoesNotExist',
  'ActivityLimitExceeded',
  'ActivityWorkerLimitExceeded',
  'ConflictException',
  'ExecutionAlreadyExists',
  'ExecutionDoesNotExist',
  'ExecutionLimitExceeded',
  'ExecutionNotRedrivable',
  'InvalidArn',
  'InvalidDefinition',
  'InvalidEncryptionConfiguration',
  'InvalidExecutionInput',
  'InvalidLoggingConfiguration',
  'InvalidName',
  'InvalidOutput',
  'InvalidToken',
  'InvalidTracingConfiguration',
  'KmsAccessDeniedException',
  'KmsInvalidStateException',
  'KmsThrottlingException',
  'MissingRequiredParameter',
  'ResourceNotFound',
  'ServiceQuotaExceededException',
  'StateMachineAlreadyExists',
  'StateMachineDeleting',
  'StateMachineDoesNotExist',
  'StateMachineLimitExceeded',
  'StateMachineTypeNotSupported',
  'TaskDoesNotExist',
  'TaskTimedOut',
  'TooManyTags',
  'ValidationException',
  // Protocol-level refusals (any AWS JSON service answers these).
  'UnknownOperationException',
  'SerializationException',
  'InternalFailure',
] as const;

export type ServiceErrorName = (typeof ServiceErrorNames)[number];
