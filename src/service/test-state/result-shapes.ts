/**
 * The response shapes of the integrations whose mocked results TestState checks (AWS checks
 * them against the service API's output model; unknown members are tolerated). A few
 * common integrations are listed here; a Resource with no shape is not checked.
 */
export type Shape =
  | { readonly type: 'structure'; readonly members: Readonly<Record<string, Shape>>; readonly required?: readonly string[] }
  | { readonly type: 'list'; readonly member: Shape }
  | { readonly type: 'map'; readonly value: Shape }
  | { readonly type: 'string'; readonly min?: number; readonly max?: number; readonly values?: readonly string[] }
  | { readonly type: 'blob'; readonly min?: number; readonly max?: number }
  | { readonly type: 'integer' | 'long' | 'double'; readonly min?: number; readonly max?: number }
  | { readonly type: 'boolean' }
  | { readonly type: 'timestamp' }
  | { readonly type: 'any' };

const str: Shape = { type: 'string' };
const bool: Shape = { type: 'boolean' };
const int: Shape = { type: 'integer' };
const long: Shape = { type: 'long' };
const double: Shape = { type: 'double' };
const time: Shape = { type: 'timestamp' };
const any: Shape = { type: 'any' };
const oneOf = (...values: string[]): Shape => ({ type: 'string', values });
const struct = (members: Record<string, Shape>, required?: string[]): Shape => ({ type: 'structure', members, ...(required ? { required } : {}) });
const list = (member: Shape): Shape => ({ type: 'list', member });
const mapOf = (value: Shape): Shape => ({ type: 'map', value });

const capacity = struct({ ReadCapacityUnits: double, WriteCapacityUnits: double, CapacityUnits: double });
const consumedCapacity = struct({
  TableName: { type: 'string', min: 1, max: 1024 },
  CapacityUnits: double,
  ReadCapacityUnits: double,
  WriteCapacityUnits: double,
  Table: capacity,
  LocalSecondaryIndexes: mapOf(capacity),
  GlobalSecondaryIndexes: mapOf(capacity),
});
const blob: Shape = { type: 'blob' };
// A DynamoDB attribute value: one typed member (M and L nest further values, not checked deeper).
const attributeValue = struct({
  S: str,
  N: str,
  B: blob,
  SS: list(str),
  NS: list(str),
  BS: list(blob),
  M: mapOf(any),
  L: list(any),
  NULL: bool,
  BOOL: bool,
});
const attributeMap = mapOf(attributeValue);
const itemCollectionMetrics = struct({ ItemCollectionKey: attributeMap, SizeEstimateRangeGB: list(double) });
const dynamoWrite = struct({ Attributes: attributeMap, ConsumedCapacity: consumedCapacity, ItemCollectionMetrics: itemCollectionMetrics });

const lambdaConfiguration = struct({
  FunctionName: { type: 'string', min: 1, max: 170 },
  FunctionArn: str,
  Runtime: str,
  Role: str,
  Handler: { type: 'string', max: 128 },
  CodeSize: long,
  Description: { type: 'string', min: 0, max: 256 },
  Timeout: { type: 'integer', min: 1 },
  MemorySize: { type: 'integer', min: 128, max: 10240 },
  LastModified: str,
  CodeSha256: str,
  Version: { type: 'string', min: 1, max: 1024 },
  Environment: struct({ Variables: mapOf(str) }),
  State: oneOf('Pending', 'Active', 'Inactive', 'Failed'),
  PackageType: oneOf('Zip', 'Image'),
  Architectures: list(oneOf('x86_64', 'arm64')),
});

/** Shapes by Resource (without a `.sync` or `.waitForTaskToken` suffix, whose results come from elsewhere). */
export const resultShapes: Readonly<Record<string, Shape>> = {
  'arn:aws:states:::lambda:invoke': struct({
    StatusCode: int,
    FunctionError: str,
    LogResult: str,
    Payload: any,
    ExecutedVersion: { type: 'string', min: 1, max: 1024 },
    DurableExecutionArn: { type: 'string', min: 1, max: 1024 },
  }),
  'arn:aws:states:::states:startExecution': struct({ ExecutionArn: { type: 'string', min: 1, max: 256 }, StartDate: time }, ['ExecutionArn', 'StartDate']),
  'arn:aws:states:::events:putEvents': struct({
    FailedEntryCount: int,
    Entries: list(struct({ EventId: { type: 'string', max: 64 }, ErrorCode: str, ErrorMessage: str })),
  }),
  'arn:aws:states:::sqs:sendMessage': struct({
    MD5OfMessageBody: str,
    MD5OfMessageAttributes: str,
    MD5OfMessageSystemAttributes: str,
    MessageId: str,
    SequenceNumber: str,
  }),
  'arn:aws:states:::sns:publish': struct({ MessageId: str, SequenceNumber: str }),
  'arn:aws:states:::dynamodb:putItem': dynamoWrite,
  'arn:aws:states:::dynamodb:updateItem': dynamoWrite,
  'arn:aws:states:::dynamodb:deleteItem': dynamoWrite,
  'arn:aws:states:::dynamodb:getItem': struct({ Item: attributeMap, ConsumedCapacity: consumedCapacity }),
  'arn:aws:states:::aws-sdk:kms:encrypt': struct({
    CiphertextBlob: { type: 'blob', min: 1, max: 6144 },
    KeyId: { type: 'string', min: 1, max: 2048 },
    EncryptionAlgorithm: oneOf('SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'SM2PKE'),
  }),
  'arn:aws:states:::aws-sdk:kms:decrypt': struct({
    KeyId: { type: 'string', min: 1, max: 2048 },
    Plaintext: { type: 'blob', min: 1, max: 4096 },
    EncryptionAlgorithm: oneOf('SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'SM2PKE'),
    CiphertextForRecipient: { type: 'blob', min: 1, max: 6144 },
    KeyMaterialId: { type: 'string', min: 64, max: 64 },
  }),
  'arn:aws:states:::aws-sdk:lambda:getFunction': struct({
    Configuration: lambdaConfiguration,
    Code: struct({ RepositoryType: str, Location: str, ImageUri: str, ResolvedImageUri: str }),
    Tags: mapOf(str),
    Concurrency: struct({ ReservedConcurrentExecutions: { type: 'integer', min: 0 } }),
  }),
  'arn:aws:states:::aws-sdk:s3:getObject': struct({
    Body: blob,
    DeleteMarker: bool,
    AcceptRanges: str,
    Expiration: str,
    Restore: str,
    LastModified: time,
    ContentLength: long,
    ETag: str,
    MissingMeta: int,
    VersionId: str,
    CacheControl: str,
    ContentDisposition: str,
    ContentEncoding: str,
    ContentLanguage: str,
    ContentRange: str,
    ContentType: str,
    Expires: time,
    WebsiteRedirectLocation: str,
    ServerSideEncryption: oneOf('AES256', 'aws:kms', 'aws:kms:dsse'),
    Metadata: mapOf(str),
    SSEKMSKeyId: str,
    BucketKeyEnabled: bool,
    StorageClass: oneOf(
      'STANDARD',
      'REDUCED_REDUNDANCY',
      'STANDARD_IA',
      'ONEZONE_IA',
      'INTELLIGENT_TIERING',
      'GLACIER',
      'DEEP_ARCHIVE',
      'OUTPOSTS',
      'GLACIER_IR',
      'SNOW',
      'EXPRESS_ONEZONE',
    ),
    RequestCharged: oneOf('requester'),
    ReplicationStatus: oneOf('COMPLETE', 'PENDING', 'FAILED', 'REPLICA', 'COMPLETED'),
    PartsCount: int,
    TagCount: int,
    ObjectLockMode: oneOf('GOVERNANCE', 'COMPLIANCE'),
    ObjectLockRetainUntilDate: time,
    ObjectLockLegalHoldStatus: oneOf('ON', 'OFF'),
  }),
};

/** The integrations with a shape, for the README and error messages. */
export const checkedResources: readonly string[] = Object.keys(resultShapes);
