import { pointerTo } from '../asl/problems.js';
import { isObject, own } from '../json.js';
import { firstProblem, stringProblem, throwOptionProblem } from '../options.js';

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

/** One fault of a mock configuration; `pointer` locates it in the file. */
export interface MockProblem {
  readonly code: MockErrorCode;
  readonly pointer: string;
  readonly message: string;
}

/**
 * A mock configuration that cannot be used as asked. `problems` lists every fault found
 * (all at once, not one per attempt); `code`, `pointer` and `message` are the first one's.
 */
export class MockConfigError extends Error {
  override readonly name = 'MockConfigError';
  readonly code: MockErrorCode;
  readonly pointer: string;
  readonly problems: readonly MockProblem[];
  constructor(code: MockErrorCode, pointer: string, message: string, more: readonly MockProblem[] = []) {
    super(more.length === 0 ? message : `${message} (and ${more.length} more problem${more.length === 1 ? '' : 's'})`);
    this.code = code;
    this.pointer = pointer;
    this.problems = [{ code, pointer, message }, ...more];
  }
  /** One error carrying every problem; `problems` must not be empty. */
  static of(problems: readonly MockProblem[]): MockConfigError {
    const [first, ...more] = problems;
    return new MockConfigError(first!.code, first!.pointer, first!.message, more);
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
  /** Every state name the test case lists → the pointer of its entry, for messages. */
  readonly pointers: ReadonlyMap<string, string>;
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
  const testCaseProblem =
    typeof testCase === 'string' ? null : { option: 'testCase', problem: 'must be the name of a test case of the configuration (a string)' };
  throwOptionProblem('planTestCase()', firstProblem(testCaseProblem, stringProblem(stateMachine, 'stateMachine')));
  const { plan, problems } = readTestCase(config, testCase, stateMachine);
  if (problems.length > 0) throw MockConfigError.of(problems);
  return plan;
}

/**
 * The test case's plan and every fault found in what it uses. Throws MockConfigError only
 * when the test case itself cannot be found (the file's shape, an unknown state machine or
 * test case); faults in its entries and responses are returned, so callers can add theirs
 * and report all of them at once.
 */
export function readTestCase(config: unknown, testCase: string, stateMachine?: string): { plan: TestCasePlan; problems: MockProblem[] } {
  if (!isObject(config))
    throw new MockConfigError(MockErrorCodes.CONFIG_SHAPE, '', 'a mock configuration is a JSON object with StateMachines and MockedResponses');
  const machines = own(config, 'StateMachines');
  if (!isObject(machines))
    throw new MockConfigError(MockErrorCodes.CONFIG_SHAPE, '/StateMachines', 'StateMachines must be an object: state machine name → { TestCases }');
  const responses = own(config, 'MockedResponses');
  if (!isObject(responses))
    throw new MockConfigError(
      MockErrorCodes.CONFIG_SHAPE,
      '/MockedResponses',
      'MockedResponses must be an object: response name → { "0": { Return | Throw }, … }',
    );

  const machineName = chooseStateMachine(machines, stateMachine);
  const machinePointer = pointerTo('/StateMachines', machineName);
  const machine = machines[machineName];
  const testCases = isObject(machine) ? own(machine, 'TestCases') : undefined;
  if (!isObject(testCases)) {
    throw new MockConfigError(
      MockErrorCodes.CONFIG_SHAPE,
      pointerTo(machinePointer, 'TestCases'),
      `state machine '${machineName}' must have a TestCases object`,
    );
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
  if (!isObject(mockedStates))
    throw new MockConfigError(MockErrorCodes.CONFIG_SHAPE, casePointer, `test case '${testCase}' must be an object: state name → mocked response name`);

  const states = new Map<string, MockedResponsePlan>();
  const pointers = new Map<string, string>();
  const problems: MockProblem[] = [];
  const planned = new Map<string, MockedResponsePlan | null>();
  for (const stateName of Object.keys(mockedStates)) {
    const statePointer = pointerTo(casePointer, stateName);
    pointers.set(stateName, statePointer);
    const responseName = mockedStates[stateName];
    if (typeof responseName !== 'string') {
      problems.push({
        code: MockErrorCodes.CONFIG_SHAPE,
        pointer: statePointer,
        message: `the mocked response for state '${stateName}' must be the name of an entry of MockedResponses`,
      });
      continue;
    }
    const response = own(responses, responseName);
    if (response === undefined) {
      problems.push({
        code: MockErrorCodes.UNKNOWN_RESPONSE,
        pointer: statePointer,
        message: `test case '${testCase}' mocks state '${stateName}' with '${responseName}', which MockedResponses does not define`,
      });
      continue;
    }
    // A response several states share is checked (and its faults listed) once.
    if (!planned.has(responseName)) planned.set(responseName, planResponse(responseName, response, pointerTo('/MockedResponses', responseName), problems));
    const plan = planned.get(responseName)!;
    if (plan !== null) states.set(stateName, plan);
  }
  return { plan: { stateMachine: machineName, testCase, states, pointers }, problems };
}

function chooseStateMachine(machines: Record<string, unknown>, wanted: string | undefined): string {
  const names = Object.keys(machines);
  if (wanted !== undefined) {
    if (own(machines, wanted) === undefined) {
      throw new MockConfigError(
        MockErrorCodes.UNKNOWN_STATE_MACHINE,
        pointerTo('/StateMachines', wanted),
        `the mock configuration has no state machine '${wanted}'; it has ${listed(names)}`,
      );
    }
    return wanted;
  }
  if (names.length === 1) return names[0]!;
  throw new MockConfigError(
    MockErrorCodes.STATE_MACHINE_REQUIRED,
    '/StateMachines',
    names.length === 0
      ? 'the mock configuration defines no state machine'
      : `the mock configuration defines several state machines (${listed(names)}); choose one`,
  );
}

const invocationKey = /^(0|[1-9]\d*)(?:-(0|[1-9]\d*))?$/;

/** The response's plan, or null when it has faults (added to `problems`). */
function planResponse(name: string, response: unknown, pointer: string, problems: MockProblem[]): MockedResponsePlan | null {
  if (!isObject(response) || Object.keys(response).length === 0) {
    problems.push({
      code: MockErrorCodes.CONFIG_SHAPE,
      pointer,
      message: `mocked response '${name}' must be an object with at least one invocation key such as "0" or "0-2"`,
    });
    return null;
  }
  const before = problems.length;
  const ranges: InvocationRange[] = [];
  for (const key of Object.keys(response)) {
    const keyPointer = pointerTo(pointer, key);
    const match = invocationKey.exec(key.trim());
    const first = match ? Number(match[1]) : NaN;
    const last = match ? (match[2] === undefined ? first : Number(match[2])) : NaN;
    if (!match || !Number.isSafeInteger(last) || last < first) {
      problems.push({
        code: MockErrorCodes.INVOCATIONS,
        pointer: keyPointer,
        message: `'${key}' is not an invocation number ("0") or an inclusive range ("1-2")`,
      });
      continue;
    }
    const outcome = planOutcome(response[key], keyPointer, problems);
    if (outcome !== null) ranges.push({ first, last, outcome });
  }
  if (problems.length > before) return null;
  ranges.sort((a, b) => a.first - b.first);
  let expected = 0;
  for (const range of ranges) {
    if (range.first !== expected) {
      const what =
        range.first < expected
          ? `overlaps the invocations before it`
          : `leaves invocation${range.first - expected > 1 ? `s ${expected}-${range.first - 1}` : ` ${expected}`} without a response`;
      problems.push({
        code: MockErrorCodes.INVOCATIONS,
        pointer: pointerTo(pointer, keyOf(range)),
        message: `in mocked response '${name}', '${keyOf(range)}' ${what}; number invocations from 0 without gaps`,
      });
    }
    expected = Math.max(expected, range.last + 1);
  }
  return problems.length > before ? null : { name, ranges };
}

function keyOf(range: InvocationRange): string {
  return range.first === range.last ? String(range.first) : `${range.first}-${range.last}`;
}

function planOutcome(entry: unknown, pointer: string, problems: MockProblem[]): MockOutcome | null {
  const hasReturn = isObject(entry) && Object.prototype.hasOwnProperty.call(entry, 'Return');
  const hasThrow = isObject(entry) && Object.prototype.hasOwnProperty.call(entry, 'Throw');
  if (!isObject(entry) || hasReturn === hasThrow) {
    problems.push({
      code: MockErrorCodes.RESPONSE,
      pointer,
      message: 'each invocation entry holds exactly one field: Return (the task result) or Throw ({ Error, Cause })',
    });
    return null;
  }
  if (hasReturn) return { returns: entry.Return };
  const thrown = entry.Throw;
  if (!isObject(thrown) || typeof own(thrown, 'Error') !== 'string' || typeof own(thrown, 'Cause') !== 'string') {
    problems.push({
      code: MockErrorCodes.RESPONSE,
      pointer: pointerTo(pointer, 'Throw'),
      message: 'Throw must be an object with string fields Error and Cause',
    });
    return null;
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
