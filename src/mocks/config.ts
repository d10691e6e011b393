import { pointerTo } from '../asl/problems.js';

/**
 * The mock configuration file of AWS Step Functions Local: test cases name, per Task state,
 * a mocked response; a mocked response lists what each invocation of that state returns or
 * throws, by zero-based invocation number ("0") or inclusive range ("1-2").
 */
export interface MockConfig {
  StateMachines: { [stateMachine: string]: { TestCases: { [testCase: string]: { [stateName: string]: string } } } };
  MockedResponses: { [responseName: string]: { [invocations: string]: MockedInvocation } };
}

export type MockedInvocation = { Return: unknown; Throw?: never } | { Throw: { Error: string; Cause: string }; Return?: never };

export const MockErrorCodes = {
  /** The file is not shaped like a mock configuration. */
  CONFIG_SHAPE: 'ERR_MOCK_CONFIG_SHAPE',
  UNKNOWN_STATE_MACHINE: 'ERR_MOCK_UNKNOWN_STATE_MACHINE',
  /** The file configures several state machines and none was chosen. */
  STATE_MACHINE_REQUIRED: 'ERR_MOCK_STATE_MACHINE_REQUIRED',
  UNKNOWN_TEST_CASE: 'ERR_MOCK_UNKNOWN_TEST_CASE',
  UNKNOWN_RESPONSE: 'ERR_MOCK_UNKNOWN_RESPONSE',
  /** A test case mocks a state the definition does not have. */
  UNKNOWN_STATE: 'ERR_MOCK_UNKNOWN_STATE',
  /** A test case mocks a state that is not a Task. */
  NOT_A_TASK: 'ERR_MOCK_NOT_A_TASK',
  /** An invocation key is not "N" or "N-M", or the keys overlap or leave a gap. */
  INVOCATIONS: 'ERR_MOCK_INVOCATIONS',
  /** An invocation entry does not hold exactly one of Return or Throw {Error, Cause}. */
  RESPONSE: 'ERR_MOCK_RESPONSE',
} as const;

export type MockErrorCode = (typeof MockErrorCodes)[keyof typeof MockErrorCodes];

/** A mock configuration that cannot be used as asked; `pointer` locates the fault in the file. */
export class MockConfigError extends Error {
  override readonly name = 'MockConfigError';
  readonly code: MockErrorCode;
  readonly pointer: string;
  constructor(code: MockErrorCode, pointer: string, message: string) {
    super(message);
    this.code = code;
    this.pointer = pointer;
  }
}

/** What one invocation does: return a value, or fail with an error and cause. */
export type MockOutcome = { readonly returns: unknown; readonly error?: undefined } | { readonly error: string; readonly cause: string };

/** One key of a mocked response: invocations first…last (inclusive, zero-based). */
export interface InvocationRange {
  readonly first: number;
  readonly last: number;
  readonly outcome: MockOutcome;
}

/** A mocked response checked and sorted: contiguous ranges from invocation 0. */
export interface MockedResponsePlan {
  readonly name: string;
  readonly ranges: readonly InvocationRange[];
}

export interface TestCasePlan {
  readonly stateMachine: string;
  readonly testCase: string;
  /** State name → its mocked response. */
  readonly states: ReadonlyMap<string, MockedResponsePlan>;
  /** State name → the pointer of its entry in the test case, for messages. */
  readonly pointers: ReadonlyMap<string, string>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function own(object: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

function listed(names: string[]): string {
  return names.length === 0 ? 'none' : names.map((n) => `'${n}'`).join(', ');
}

/**
 * Picks one test case out of a mock configuration and checks everything it uses. Only the
 * chosen test case and the responses it names are checked, so one broken test case does
 * not stop the others from running, as with Step Functions Local.
 */
export function planTestCase(config: unknown, testCase: string, stateMachine?: string): TestCasePlan {
  if (!isObject(config)) throw new MockConfigError(MockErrorCodes.CONFIG_SHAPE, '', 'a mock configuration is a JSON object with StateMachines and MockedResponses');
  const machines = own(config, 'StateMachines');
  if (!isObject(machines)) throw new MockConfigError(MockErrorCodes.CONFIG_SHAPE, '/StateMachines', 'StateMachines must be an object: state machine name → { TestCases }');
  const responses = own(config, 'MockedResponses');
  if (!isObject(responses)) throw new MockConfigError(MockErrorCodes.CONFIG_SHAPE, '/MockedResponses', 'MockedResponses must be an object: response name → { "0": { Return | Throw }, … }');

  const machineName = chooseStateMachine(machines, stateMachine);
  const machinePointer = pointerTo('/StateMachines', machineName);
  const machine = machines[machineName];
  const testCases = isObject(machine) ? own(machine, 'TestCases') : undefined;
  if (!isObject(testCases)) {
    throw new MockConfigError(MockErrorCodes.CONFIG_SHAPE, pointerTo(machinePointer, 'TestCases'), `state machine '${machineName}' must have a TestCases object`);
  }
  const casePointer = pointerTo(pointerTo(machinePointer, 'TestCases'), testCase);
  const mockedStates = own(testCases, testCase);
  if (mockedStates === undefined) {
    throw new MockConfigError(
      MockErrorCodes.UNKNOWN_TEST_CASE,
      casePointer,
      `state machine '${machineName}' has no test case '${testCase}'; it has ${listed(Object.keys(testCases))}`,
    );
  }
  if (!isObject(mockedStates)) throw new MockConfigError(MockErrorCodes.CONFIG_SHAPE, casePointer, `test case '${testCase}' must be an object: state name → mocked response name`);

  const states = new Map<string, MockedResponsePlan>();
  const pointers = new Map<string, string>();
  for (const stateName of Object.keys(mockedStates)) {
    const statePointer = pointerTo(casePointer, stateName);
    const responseName = mockedStates[stateName];
    if (typeof responseName !== 'string') {
      throw new MockConfigError(MockErrorCodes.CONFIG_SHAPE, statePointer, `the mocked response for state '${stateName}' must be the name of an entry of MockedResponses`);
    }
    const response = own(responses, responseName);
    if (response === undefined) {
      throw new MockConfigError(
        MockErrorCodes.UNKNOWN_RESPONSE,
        statePointer,
        `test case '${testCase}' mocks state '${stateName}' with '${responseName}', which MockedResponses does not define`,
      );
    }
    states.set(stateName, planResponse(responseName, response, pointerTo('/MockedResponses', responseName)));
    pointers.set(stateName, statePointer);
  }
  return { stateMachine: machineName, testCase, states, pointers };
}

function chooseStateMachine(machines: Record<string, unknown>, wanted: string | undefined): string {
  const names = Object.keys(machines);
  if (wanted !== undefined) {
    if (own(machines, wanted) === undefined) {
      throw new MockConfigError(MockErrorCodes.UNKNOWN_STATE_MACHINE, pointerTo('/StateMachines', wanted), `the mock configuration has no state machine '${wanted}'; it has ${listed(names)}`);
    }
    return wanted;
  }
  if (names.length === 1) return names[0]!;
  throw new MockConfigError(
    MockErrorCodes.STATE_MACHINE_REQUIRED,
    '/StateMachines',
    names.length === 0 ? 'the mock configuration defines no state machine' : `the mock configuration defines several state machines (${listed(names)}); choose one`,
  );
}

const invocationKey = /^(0|[1-9]\d*)(?:-(0|[1-9]\d*))?$/;

function planResponse(name: string, response: unknown, pointer: string): MockedResponsePlan {
  if (!isObject(response) || Object.keys(response).length === 0) {
    throw new MockConfigError(MockErrorCodes.CONFIG_SHAPE, pointer, `mocked response '${name}' must be an object with at least one invocation key such as "0" or "0-2"`);
  }
  const ranges: InvocationRange[] = [];
  for (const key of Object.keys(response)) {
    const keyPointer = pointerTo(pointer, key);
    const match = invocationKey.exec(key.trim());
    const first = match ? Number(match[1]) : NaN;
    const last = match ? (match[2] === undefined ? first : Number(match[2])) : NaN;
    if (!match || !Number.isSafeInteger(last) || last < first) {
      throw new MockConfigError(MockErrorCodes.INVOCATIONS, keyPointer, `'${key}' is not an invocation number ("0") or an inclusive range ("1-2")`);
    }
    ranges.push({ first, last, outcome: planOutcome(response[key], keyPointer) });
  }
  ranges.sort((a, b) => a.first - b.first);
  let expected = 0;
  for (const range of ranges) {
    if (range.first !== expected) {
      const what = range.first < expected ? `overlaps the invocations before it` : `leaves invocation${range.first - expected > 1 ? `s ${expected}-${range.first - 1}` : ` ${expected}`} without a response`;
      throw new MockConfigError(MockErrorCodes.INVOCATIONS, pointerTo(pointer, keyOf(range)), `in mocked response '${name}', '${keyOf(range)}' ${what}; number invocations from 0 without gaps`);
    }
    expected = range.last + 1;
  }
  return { name, ranges };
}

function keyOf(range: InvocationRange): string {
  return range.first === range.last ? String(range.first) : `${range.first}-${range.last}`;
}

function planOutcome(entry: unknown, pointer: string): MockOutcome {
  const hasReturn = isObject(entry) && Object.prototype.hasOwnProperty.call(entry, 'Return');
  const hasThrow = isObject(entry) && Object.prototype.hasOwnProperty.call(entry, 'Throw');
  if (!isObject(entry) || hasReturn === hasThrow) {
    throw new MockConfigError(MockErrorCodes.RESPONSE, pointer, 'each invocation entry holds exactly one field: Return (the task result) or Throw ({ Error, Cause })');
  }
  if (hasReturn) return { returns: entry.Return };
  const thrown = entry.Throw;
  if (!isObject(thrown) || typeof own(thrown, 'Error') !== 'string' || typeof own(thrown, 'Cause') !== 'string') {
    throw new MockConfigError(MockErrorCodes.RESPONSE, pointerTo(pointer, 'Throw'), 'Throw must be an object with string fields Error and Cause');
  }
  return { error: thrown.Error as string, cause: thrown.Cause as string };
}

/** The outcome of the given zero-based invocation, or null past the last one defined. */
export function outcomeOf(plan: MockedResponsePlan, invocation: number): MockOutcome | null {
  for (const range of plan.ranges) {
    if (invocation <= range.last) return range.outcome;
  }
  return null;
}
