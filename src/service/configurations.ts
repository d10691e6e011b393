// A state machine's configurations (logging, tracing, encryption) as AWS checks and stores
// them, and the revisions that hold them.
import { variableReferences } from './definitions.js';
import { ServiceError } from './errors.js';
import type { Revision } from './records.js';
import { checkBoolean, checkEnum, checkInteger, shown } from './requests.js';
import type * as T from './types.js';

const logLevels: readonly T.LogLevel[] = ['ALL', 'ERROR', 'FATAL', 'OFF'];

/** Encryption when none is given: AWS's own key. */
export const ownedKey: T.EncryptionConfiguration = Object.freeze({ type: 'AWS_OWNED_KEY' }) as T.EncryptionConfiguration;

/** A revision of a machine: its definition and configurations, compiled machines cached on it. */
export function revisionOf(
  definitionText: string,
  definition: Record<string, unknown>,
  roleArn: string,
  loggingConfiguration: T.LoggingConfiguration,
  tracingConfiguration: T.TracingConfiguration,
  encryptionConfiguration: T.EncryptionConfiguration,
  revisionId: string | undefined,
  updateDate: Date,
): Revision {
  return {
    definitionText,
    definition,
    roleArn,
    loggingConfiguration,
    tracingConfiguration,
    encryptionConfiguration,
    revisionId,
    updateDate,
    machines: new Map(),
  };
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Logging as AWS stores it: level OFF and no execution data unless given; a level other than OFF needs one destination. */
export function checkLogging(value: unknown): T.LoggingConfiguration {
  if (value === undefined || value === null) return { level: 'OFF', includeExecutionData: false };
  if (typeof value !== 'object')
    throw new ServiceError(
      'ValidationException',
      "1 validation error detected: Value at 'loggingConfiguration' failed to satisfy constraint: Member must be a structure",
    );
  const v = value as T.LoggingConfiguration;
  const level = checkEnum(v.level, 'loggingConfiguration.level', logLevels) ?? 'OFF';
  const includeExecutionData = checkBoolean(v.includeExecutionData, 'loggingConfiguration.includeExecutionData') ?? false;
  const destinations = v.destinations ?? [];
  if (!Array.isArray(destinations))
    throw new ServiceError('InvalidLoggingConfiguration', 'Invalid Logging Configuration: Must specify exactly one Log Destination.');
  if (level !== 'OFF' && destinations.length !== 1)
    throw new ServiceError('InvalidLoggingConfiguration', 'Invalid Logging Configuration: Must specify exactly one Log Destination.');
  if (destinations.length > 1)
    throw new ServiceError('InvalidLoggingConfiguration', 'Invalid Logging Configuration: Must specify exactly one Log Destination.');
  for (const d of destinations) {
    const arn = d?.cloudWatchLogsLogGroup?.logGroupArn;
    if (typeof arn !== 'string' || !/^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:.+:\*$/.test(arn)) {
      throw new ServiceError(
        'InvalidLoggingConfiguration',
        `Invalid Logging Configuration: Log Destination not a valid CloudWatch Logs log group ARN: ${shown(arn)}`,
      );
    }
  }
  const out: T.LoggingConfiguration = { level, includeExecutionData };
  // Destinations given are shown back, an empty list included, as AWS shows them.
  if (v.destinations !== undefined && v.destinations !== null) out.destinations = destinations;
  return out;
}

/**
 * Encryption as AWS takes it. statemill holds no keys: a customer managed key is recorded
 * and shown, not used.
 */
export function checkEncryption(value: unknown): T.EncryptionConfiguration | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ServiceError(
      'ValidationException',
      "1 validation error detected: Value at 'encryptionConfiguration' failed to satisfy constraint: Member must be a structure",
    );
  const v = value as T.EncryptionConfiguration;
  // Present: the service model requires it, and request-model.ts checked that first.
  const type = checkEnum(v.type, 'encryptionConfiguration.type', ['AWS_OWNED_KEY', 'CUSTOMER_MANAGED_KMS_KEY'] as const)!;
  if (type === 'AWS_OWNED_KEY') {
    if (v.kmsKeyId !== undefined || v.kmsDataKeyReusePeriodSeconds !== undefined) {
      throw new ServiceError(
        'InvalidEncryptionConfiguration',
        'Invalid Encryption Configuration: kmsKeyId and kmsDataKeyReusePeriodSeconds are not allowed with AWS_OWNED_KEY.',
      );
    }
    return { type };
  }
  if (typeof v.kmsKeyId !== 'string' || v.kmsKeyId.length === 0)
    throw new ServiceError('InvalidEncryptionConfiguration', 'Invalid Encryption Configuration: kmsKeyId is required with CUSTOMER_MANAGED_KMS_KEY.');
  const period = checkInteger(v.kmsDataKeyReusePeriodSeconds, 'encryptionConfiguration.kmsDataKeyReusePeriodSeconds', 60, 900) ?? 300;
  return { type, kmsKeyId: v.kmsKeyId, kmsDataKeyReusePeriodSeconds: period };
}

export function checkTracing(value: unknown): T.TracingConfiguration {
  if (value === undefined || value === null) return { enabled: false };
  if (typeof value !== 'object')
    throw new ServiceError('InvalidTracingConfiguration', 'Invalid Tracing Configuration: must be an object with a boolean "enabled"');
  const enabled = (value as T.TracingConfiguration).enabled;
  if (enabled !== undefined && typeof enabled !== 'boolean')
    throw new ServiceError('InvalidTracingConfiguration', 'Invalid Tracing Configuration: "enabled" must be a boolean');
  return { enabled: enabled ?? false };
}

/** What a described revision adds when it has it: its revisionId, and the variables its states reference. */
export function withRevisionDetails<Out extends { revisionId?: string; variableReferences?: ReturnType<typeof variableReferences> }>(
  out: Out,
  rev: Revision,
): Out {
  if (rev.revisionId !== undefined) out.revisionId = rev.revisionId;
  const references = variableReferences(rev.definition);
  if (references !== undefined) out.variableReferences = references;
  return out;
}
