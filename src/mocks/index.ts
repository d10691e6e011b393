/**
 * Handlers that stand in for AWS in tests: Step Functions Local's mock configurations
 * (config.ts reads and checks one; handlers.ts answers each mocked Task state of a test case
 * from it) and a local folder served as S3 (s3-folder.ts, exported from src/index.ts).
 */
export { MockConfigError, MockErrorCodes, planTestCase, type MockConfig, type MockedInvocation, type MockErrorCode } from './config.js';
export { mockHandlers, RAW_RESULT_STATES, type MockOptions, type RawResultHandler } from './handlers.js';
