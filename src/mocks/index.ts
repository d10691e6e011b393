export { MockConfigError, MockErrorCodes, planTestCase, type MockConfig, type MockedInvocation, type MockErrorCode } from './config.js';
export { mockHandlers, RAW_RESULT_STATES, type MockOptions, type RawResultHandler } from './handlers.js';
