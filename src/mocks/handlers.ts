import {
  EXECUTION_IDENTITY,
  HandlerIndex,
  isLambdaFunctionResource,
  isLambdaInvokeResource,
  LAMBDA_FALLBACK,
  MOCKED_STATES,
  RAW_RESULT_STATES,
  statesByName,
  type Handler,
  type Handlers,
  type StateSite,
  type TaskContext,
} from '../compile/handlers.js';
import { hasOwn, isObject } from '../json.js';
import { firstProblem, handlersProblem, optionsShapeProblem, stringProblem, throwOptionProblem, type OptionProblem } from '../options.js';
import { AslError, StatesErrors } from '../run/errors.js';
import { MockConfigError, MockErrorCodes, outcomeOf, readTestCase, type MockedResponsePlan, type MockProblem, type TestCasePlan } from './config.js';

export interface MockOptions {
  /** The test case to run, a key of `StateMachines.<name>.TestCases`. */
  testCase: string;
  /** The state machine in the configuration; needed only when it configures several. */
  stateMachine?: string;
  /**
   * Handlers for the Task states the test case does not mock (Step Functions Local calls the
   * real service for those). Passed through unchanged.
   */
  handlers?: Handlers;
}

/** Mocked responses are whole service responses, so mock handlers answer their states raw. */
export { RAW_RESULT_STATES };

export interface RawResultHandler extends Handler {
  readonly [RAW_RESULT_STATES]: ReadonlySet<string>;
  readonly [MOCKED_STATES]: ReadonlySet<string>;
}

/**
 * Invocation counts per execution and state: each execution starts every state at
 * invocation 0, even one that has the same name as another running at the same time. Kept
 * in a WeakMap keyed by the execution itself, so a count lives exactly as long as its
 * execution and is never dropped while it runs.
 */
class InvocationCounter {
  private readonly executions = new WeakMap<object, Map<string, number>>();
  /** For contexts made outside the engine (no execution identity): counted by execution id. */
  private readonly byId = new Map<string, object>();
  next(ctx: TaskContext, stateName: string): number {
    const execution = (ctx as { [EXECUTION_IDENTITY]?: object })[EXECUTION_IDENTITY] ?? this.identityOf(ctx);
    let counts = this.executions.get(execution);
    if (counts === undefined) this.executions.set(execution, (counts = new Map()));
    const invocation = counts.get(stateName) ?? 0;
    counts.set(stateName, invocation + 1);
    return invocation;
  }
  private identityOf(ctx: TaskContext): object {
    const id = String((ctx.context.Execution as { Id?: unknown } | undefined)?.Id);
    let identity = this.byId.get(id);
    if (identity === undefined) this.byId.set(id, (identity = {}));
    return identity;
  }
}

/** What answers one Task state of the test case. */
type StateAnswer = { readonly kind: 'mocked'; readonly response: MockedResponsePlan } | { readonly kind: 'unmocked' } | { readonly kind: 'handler' };

/**
 * Handlers that answer a Step Functions Local test case: each mocked Task state returns or
 * throws what its mocked response says for its n-th invocation in the execution (retries
 * count as invocations). States the test case does not mock use `options.handlers`; one
 * with no handler there fails the execution with States.Runtime if the run reaches it (as
 * with Step Functions Local, a test case needs to mock only the states on its path).
 * Throws MockConfigError listing every fault when the configuration cannot serve the test
 * case.
 */
export function mockHandlers(definition: unknown, config: unknown, options: MockOptions): Handlers {
  throwOptionProblem('mockHandlers()', mockOptionsProblem(options));
  const { plan, problems } = readTestCase(config, options.testCase, options.stateMachine);
  const states = statesByName(definition);
  problems.push(...mockedStateProblems(plan, states));
  if (problems.length > 0) throw MockConfigError.of(problems);

  const base: Handlers = options.handlers ?? {};
  const baseIndex = new HandlerIndex(base);
  /** Resource → the answer for each Task state using it that the mocks take over. */
  const claimed = new Map<string, Map<string, StateAnswer>>();
  for (const [name, site] of states) {
    if (site.resource === null) continue;
    const response = plan.states.get(name);
    const answer: StateAnswer =
      response !== undefined ? { kind: 'mocked', response } : hasHandler(site, baseIndex, base) ? { kind: 'handler' } : { kind: 'unmocked' };
    let group = claimed.get(site.resource);
    if (group === undefined) claimed.set(site.resource, (group = new Map()));
    group.set(name, answer);
  }

  const handlers: Record<string, Handler> = {};
  for (const key of Object.keys(base)) defineHandler(handlers, key, base[key]!);
  // Functions with neither a handler nor a mock still reach the caller's Lambda resolver.
  if (LAMBDA_FALLBACK in base)
    Object.defineProperty(handlers, LAMBDA_FALLBACK, { value: (base as { [LAMBDA_FALLBACK]?: unknown })[LAMBDA_FALLBACK], enumerable: true });
  const counter = new InvocationCounter();
  for (const [resource, answers] of claimed) {
    if ([...answers.values()].every((answer) => answer.kind === 'handler')) continue;
    const result = isLambdaFunctionResource(resource) ? functionResult : wholeResponse;
    defineHandler(handlers, resource, testCaseTask(answers, baseIndex.resource(resource) ?? null, counter, plan, result));
  }
  return handlers;
}

/** A state the test case lists must exist and be a Task. */
function mockedStateProblems(plan: TestCasePlan, states: ReadonlyMap<string, StateSite>): MockProblem[] {
  const problems: MockProblem[] = [];
  for (const [name, pointer] of plan.pointers) {
    const site = states.get(name);
    if (site === undefined) {
      problems.push({
        code: MockErrorCodes.UNKNOWN_STATE,
        pointer,
        message: `test case '${plan.testCase}' mocks state '${name}', which the definition does not have`,
      });
    } else if (site.resource === null) {
      problems.push({
        code: MockErrorCodes.NOT_A_TASK,
        pointer,
        message: `test case '${plan.testCase}' mocks state '${name}', a ${String(site.type)} state; only Task states can be mocked`,
      });
    }
  }
  return problems;
}

/**
 * Whether an unmocked Task has a handler of its own. A lambda:invoke state finds its handler
 * by FunctionName at run time: with handlers given, the engine looks (and fails with
 * Lambda.ResourceNotFoundException as AWS would); with none, it is unmocked.
 */
function hasHandler(site: StateSite, index: HandlerIndex, base: Handlers): boolean {
  const resource = site.resource!;
  if (index.resource(resource) !== undefined) return true;
  return isLambdaInvokeResource(resource) && (Object.keys(base).length > 0 || LAMBDA_FALLBACK in base);
}

/** Own data property, even for a key such as "__proto__". */
function defineHandler(handlers: Record<string, Handler>, key: string, handler: Handler): void {
  Object.defineProperty(handlers, key, { value: handler, enumerable: true, writable: true, configurable: true });
}

/** What a Task gets of a mocked `Return`: a whole service response, for all but a Lambda function ARN. */
type MockedResult = (returned: unknown) => unknown;

const wholeResponse: MockedResult = (returned) => returned;

/**
 * A mocked response for a Lambda function is its Invoke response ({ StatusCode, Payload }),
 * whichever way the Task calls it; a Task whose Resource is the function's ARN gets the
 * function's result alone, as AWS passes it only the Payload. An Invoke response without a
 * Payload is a function that returned nothing, which AWS gives the state as null; a Return
 * with neither member was written as the function's result, and is taken as it is.
 */
const functionResult: MockedResult = (returned) => {
  if (!isObject(returned)) return returned;
  if (hasOwn(returned, 'Payload')) return returned.Payload;
  return hasOwn(returned, 'StatusCode') ? null : returned;
};

/** The handler for one Resource: mocked states answer from their responses, the others go to the fallback or fail. */
function testCaseTask(
  answers: ReadonlyMap<string, StateAnswer>,
  fallback: Handler | null,
  counter: InvocationCounter,
  plan: TestCasePlan,
  result: MockedResult,
): RawResultHandler {
  function runTestCaseTask(input: unknown, ctx: TaskContext): unknown {
    const stateName = (ctx.context as { State: { Name: string } }).State.Name;
    const answer = answers.get(stateName);
    if (answer === undefined || answer.kind === 'handler') return fallback!(input, ctx);
    if (answer.kind === 'unmocked') {
      throw new AslError(
        StatesErrors.Runtime,
        `The execution reached state '${stateName}', which test case '${plan.testCase}' (state machine '${plan.stateMachine}') does not mock ` +
          `and which has no handler; mock it in the test case or pass a handler for its Resource.`,
      );
    }
    const response = answer.response;
    const invocation = counter.next(ctx, stateName);
    const outcome = outcomeOf(response, invocation);
    if (outcome === null) {
      throw new AslError(
        StatesErrors.Runtime,
        `The mocked response '${response.name}' for state '${stateName}' defines invocations 0-${response.ranges.at(-1)!.last}, ` +
          `but this is invocation ${invocation}; add a response for it to the mock configuration.`,
      );
    }
    if (outcome.error !== undefined) throw new AslError(outcome.error, outcome.cause);
    // A fresh copy each time: later states may change the value they are given.
    return structuredClone(result(outcome.returns));
  }
  const raw = new Set([...answers].filter(([, answer]) => answer.kind !== 'handler').map(([name]) => name));
  const mocked = new Set([...answers].filter(([, answer]) => answer.kind === 'mocked').map(([name]) => name));
  return Object.assign(runTestCaseTask, { [RAW_RESULT_STATES]: raw as ReadonlySet<string>, [MOCKED_STATES]: mocked as ReadonlySet<string> });
}

/** What is wrong with mockHandlers()'s options: they name the test case, so they are required. */
function mockOptionsProblem(options: unknown): OptionProblem | null {
  if (options === undefined) return { option: 'options', problem: 'is required: { testCase } names the test case to run' };
  const shape = optionsShapeProblem(options, ['testCase', 'stateMachine', 'handlers']);
  if (shape !== null) return shape;
  const { testCase, stateMachine, handlers } = options as Record<string, unknown>;
  return firstProblem(
    testCase === undefined ? { option: 'testCase', problem: 'is required: the name of a test case of the configuration' } : stringProblem(testCase, 'testCase'),
    stringProblem(stateMachine, 'stateMachine'),
    handlersProblem(handlers),
  );
}
