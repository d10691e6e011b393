import { OptionError, throwOptionProblem } from '../../options.js';
import { testState } from './index.js';
import { testStateOptionKeys, testStateOptionsProblem } from './request-checks.js';
import type { ErrorDetails, FieldValidationMode, InspectionLevel, TestStateOptions, TestStateRequest, TestStateResponse, TestStateStatus } from './request.js';

/** The role a Task runs as when a test names none (AWS requires one for a Task without a mock). */
const DEFAULT_ROLE_ARN = 'arn:aws:iam::123456789012:role/statemill-test-state';

/** What a test gives testStateOf(): TestState's request members as values instead of JSON text. */
export interface StateTestOptions extends TestStateOptions {
  input?: unknown;
  /** Default DEBUG, so the data-flow stages are there to assert on. */
  inspectionLevel?: InspectionLevel;
  mock?: { result?: unknown; errorOutput?: { error?: string; cause?: string }; fieldValidationMode?: FieldValidationMode };
  variables?: Record<string, unknown>;
  context?: Record<string, unknown>;
  /** Default: a made-up role, so a Task without a mock runs its handler without ceremony. */
  roleArn?: string;
  revealSecrets?: boolean;
  stateConfiguration?: {
    retrierRetryCount?: number;
    errorCausedByState?: string;
    mapIterationFailureCount?: number;
    mapItemReaderData?: unknown[];
  };
}

/** TestState's data-flow stages as values. */
export interface StateTestInspection {
  input?: unknown;
  afterArguments?: unknown;
  afterInputPath?: unknown;
  afterParameters?: unknown;
  result?: unknown;
  afterResultSelector?: unknown;
  afterResultPath?: unknown;
  variables?: Record<string, unknown>;
  errorDetails?: ErrorDetails;
  afterItemsPath?: unknown;
  afterItemSelector?: unknown;
  afterItemBatcher?: unknown;
  afterItemsPointer?: unknown;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
  maxConcurrency?: number;
}

/** TestState's response with values instead of JSON text. */
export interface StateTestResult {
  status: TestStateStatus;
  output?: unknown;
  error?: string;
  cause?: string;
  nextState?: string;
  inspectionData?: StateTestInspection;
}

/** The members of TestState's inspectionData that hold JSON text (the others are numbers or structures). */
export const inspectionTextStages: ReadonlySet<string> = new Set([
  'input',
  'afterArguments',
  'afterInputPath',
  'afterParameters',
  'result',
  'afterResultSelector',
  'afterResultPath',
  'variables',
  'afterItemsPath',
  'afterItemSelector',
  'afterItemBatcher',
  'afterItemsPointer',
]);

/**
 * TestState for unit tests: one state (a state's definition, or a whole state machine and
 * the name of the state) on an input, with values in and values out. Refusals reject with
 * a ServiceError, as testState() does.
 *
 *   const r = await testStateOf(machine, 'Charge', { input: { amount: 5 }, mock: { result: { ok: true } } });
 *   assert.equal(r.nextState, 'Ship');
 */
export function testStateOf(definition: unknown, options?: StateTestOptions): Promise<StateTestResult>;
export function testStateOf(definition: unknown, stateName: string | undefined, options?: StateTestOptions): Promise<StateTestResult>;
export async function testStateOf(definition: unknown, nameOrOptions?: string | StateTestOptions, maybeOptions?: StateTestOptions): Promise<StateTestResult> {
  const stateName = typeof nameOrOptions === 'string' ? nameOrOptions : undefined;
  const named = stateName !== undefined || nameOrOptions === undefined || nameOrOptions === null;
  const options: StateTestOptions = (named ? maybeOptions : (nameOrOptions as StateTestOptions)) ?? {};
  throwOptionProblem('testStateOf()', testStateOptionsProblem(options, stateTestOptionKeys));
  const request: TestStateRequest = {
    definition: typeof definition === 'string' ? definition : jsonOf(definition, 'definition'),
    inspectionLevel: options.inspectionLevel ?? 'DEBUG',
    roleArn: options.roleArn ?? DEFAULT_ROLE_ARN,
  };
  if (stateName !== undefined) request.stateName = stateName;
  if ('input' in options) request.input = jsonOf(options.input, 'input');
  if (options.variables !== undefined) request.variables = jsonOf(options.variables, 'variables');
  if (options.context !== undefined) request.context = jsonOf(options.context, 'context');
  if (options.revealSecrets !== undefined) request.revealSecrets = options.revealSecrets;
  if (options.mock !== undefined) {
    const { result, errorOutput, fieldValidationMode } = options.mock;
    request.mock = {
      ...('result' in options.mock ? { result: jsonOf(result, 'mock.result') } : {}),
      ...(errorOutput !== undefined ? { errorOutput } : {}),
      ...(fieldValidationMode !== undefined ? { fieldValidationMode } : {}),
    };
  }
  if (options.stateConfiguration !== undefined) {
    const { mapItemReaderData, ...rest } = options.stateConfiguration;
    request.stateConfiguration = {
      ...rest,
      ...(mapItemReaderData !== undefined ? { mapItemReaderData: jsonOf(mapItemReaderData, 'stateConfiguration.mapItemReaderData') } : {}),
    };
  }
  return asValues(await testState(request, { handlers: options.handlers, clock: options.clock, region: options.region, accountId: options.accountId }));
}

/** What testStateOf() takes: TestState's request members as values, and testState()'s options. */
const stateTestOptionKeys = [
  'input',
  'inspectionLevel',
  'mock',
  'variables',
  'context',
  'roleArn',
  'revealSecrets',
  'stateConfiguration',
  ...testStateOptionKeys,
] as const;

/** A value's JSON text for the request; one JSON cannot write (a BigInt, a cycle) is the caller's mistake, named. */
function jsonOf(value: unknown, option: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new OptionError('testStateOf()', option, `must be JSON data: ${String((error as Error)?.message).split('\n')[0]}`);
  }
  return text ?? 'null';
}

function asValues(response: TestStateResponse): StateTestResult {
  const result: StateTestResult = { status: response.status };
  if (response.output !== undefined) result.output = JSON.parse(response.output);
  if (response.error !== undefined) result.error = response.error;
  if (response.cause !== undefined) result.cause = response.cause;
  if (response.nextState !== undefined) result.nextState = response.nextState;
  if (response.inspectionData !== undefined) {
    const data: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(response.inspectionData))
      data[key] = inspectionTextStages.has(key) && typeof value === 'string' ? JSON.parse(value) : value;
    result.inspectionData = data as StateTestInspection;
  }
  return result;
}
