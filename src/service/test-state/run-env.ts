import { randomUUID } from 'node:crypto';
import type { MachineEnv, StateEnv } from '../../compile/context.js';
import { HandlerIndex } from '../../compile/handlers.js';
import { machineArns } from '../../run/arns.js';
import { realClock } from '../../run/clock.js';
import { Execution, Frame } from '../../run/frame.js';
import { VariableScope, variableSize } from '../../run/variables.js';
import { defaultLimits } from '../../run/limits.js';
import { StateNode } from '../../run/state.js';
import { ServiceError } from '../errors.js';
import { SINGLE_STATE_NAME, type StateUnderTest } from './definition.js';
import type { Mocked } from './mock.js';
import type { ErrorDetails, TestStateConfiguration, TestStateOptions, TestStateStatus } from './request.js';

/** How the tested state ended: AWS's status and what goes with it. Values, not JSON text. */
export interface Outcome {
  readonly status: TestStateStatus;
  /** Absent (undefined) for FAILED and RETRIABLE. */
  readonly output?: unknown;
  readonly hasOutput: boolean;
  readonly error?: string | null;
  readonly cause?: string | null;
  readonly nextState?: string;
  readonly errorDetails?: ErrorDetails;
}

export function succeeded(output: unknown, nextState: string | undefined): Outcome {
  return { status: 'SUCCEEDED', output, hasOutput: true, ...(nextState === undefined ? {} : { nextState }) };
}

/**
 * One TestState call: the state under test, compiled pieces' environment, a frame for the
 * state (its context object and variables) and the data-flow stages recorded so far.
 */
export class TestRun {
  readonly state: StateUnderTest;
  readonly env: StateEnv;
  readonly frame: Frame;
  readonly mock: Mocked | null;
  readonly config: TestStateConfiguration;
  readonly handlers: HandlerIndex;
  /** Stage name (AWS's inspectionData member) → value, in the order recorded. */
  readonly stages: Map<string, unknown>;
  constructor(state: StateUnderTest, frame: Frame, env: StateEnv, handlers: HandlerIndex, mock: Mocked | null, config: TestStateConfiguration) {
    this.state = state;
    this.frame = frame;
    this.env = env;
    this.handlers = handlers;
    this.mock = mock;
    this.config = config;
    this.stages = new Map();
  }
  record(stage: string, value: unknown): void {
    this.stages.set(stage, value);
  }
  /** The state's static transition, when it has one. */
  get next(): string | undefined {
    return typeof this.state.def.Next === 'string' ? this.state.def.Next : undefined;
  }
}

/** A transition target: only its name matters to TestState. */
function target(name: string): StateNode {
  return new StateNode(name, 'Target', notRun, 0, false);
}

function notRun(): never {
  throw new Error('TestState runs one state only');
}

export interface RunSetup {
  readonly state: StateUnderTest;
  readonly input: unknown;
  readonly roleArn: string | null;
  readonly variables: Record<string, unknown> | null;
  readonly context: Record<string, unknown> | null;
  readonly mock: Mocked | null;
  readonly config: TestStateConfiguration;
}

/**
 * The execution AWS makes up for a TestState call (an Express one): made-up names, the
 * request's role (null without one), `$$.State.Name` "StateName"; or the supplied context.
 */
export function createRun(setup: RunSetup, options: TestStateOptions): TestRun {
  const clock = options.clock ?? realClock;
  const arns = machineArns({ region: options.region, accountId: options.accountId, stateMachineName: `TestState-${randomUUID()}` }, false);
  const executionName = randomUUID();
  const now = clock.now();
  const exec = new Execution({
    id: arns.executionArnPrefix + executionName,
    name: executionName,
    input: setup.input,
    startMs: now,
    stateMachineId: arns.stateMachineArn,
    stateMachineName: arns.stateMachineName,
    roleArn: setup.roleArn as string,
    standard: false,
    clock,
    limits: defaultLimits,
  });
  exec.suppliedContext = setup.context;
  const scope = new VariableScope(null);
  for (const [name, value] of Object.entries(setup.variables ?? {})) scope.set(name, value, variableSize(value, defaultLimits.payloadBytes));
  const frame = new Frame(exec, scope, -1, null);
  frame.stateName = SINGLE_STATE_NAME;
  frame.stateType = setup.state.type;
  frame.enteredMs = now;
  frame.retryCount = setup.config.retrierRetryCount ?? 0;
  const handlers = new HandlerIndex(options.handlers ?? {});
  const machine: MachineEnv = { handlers, limits: defaultLimits, problems: [], mapExecutor: null, processors: new Map(), integrations: null, mapRuns: null };
  const env: StateEnv = {
    machine,
    name: setup.state.name,
    pointer: setup.state.pointer,
    queryLanguage: setup.state.queryLanguage,
    lookup: target,
    compileScope: () => target('processor'),
  };
  return new TestRun(setup.state, frame, env, handlers, setup.mock, setup.config);
}

/** Compiling a state's pieces found a problem (a JSONata expression that does not parse): AWS refuses the definition. */
export function refuseCompileProblems(run: TestRun): void {
  const problem = run.env.machine.problems[0];
  if (problem === undefined) return;
  throw new ServiceError('InvalidDefinition', `Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: ${problem.message} at ${problem.pointer}'`);
}
