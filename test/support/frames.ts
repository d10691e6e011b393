/**
 * Executions and frames built by hand, for unit tests of compiled pieces (a Choice rule, a
 * template, an intrinsic, a JSONata expression) that run against a Frame without a machine.
 */
import { machineArns } from '../../src/run/arns.js';
import { virtualClock } from '../../src/run/clock.js';
import { Execution, Frame, type ExecutionInit } from '../../src/run/frame.js';
import { VariableScope } from '../../src/run/variables.js';
import { defaultLimits } from '../../src/run/limits.js';

const defaultArns = machineArns({}, false);

/** An Express execution named "test-run" that started at 0 on a virtual clock; `init` overrides any field. */
export function testExecution(init: Partial<ExecutionInit> = {}): Execution {
  const startMs = init.startMs ?? 0;
  return new Execution({
    id: `${defaultArns.executionArnPrefix}test-run:00000000-0000-4000-8000-000000000000`,
    name: 'test-run',
    input: {},
    stateMachineId: defaultArns.stateMachineArn,
    stateMachineName: defaultArns.stateMachineName,
    roleArn: defaultArns.roleArn,
    standard: false,
    clock: virtualClock(startMs),
    limits: defaultLimits,
    ...init,
    startMs,
  });
}

export interface TestFrameOptions {
  /** The frame's execution; default testExecution(). */
  readonly exec?: Execution;
  /** The variables the frame sees, in one scope; null: no scope at all. Default: an empty scope. */
  readonly variables?: Record<string, unknown> | null;
  /** `$$.Map.Item`; default: not in a Map iteration. */
  readonly mapItem?: { readonly index: number; readonly value: unknown };
  /** `$$.State.Name`; default "State". */
  readonly stateName?: string;
  readonly stateType?: string;
  /** The event id causes cite ("entered at the event id #N"); default 2, the first state's. */
  readonly enteredEventId?: number;
  /** `$$.State.EnteredTime`; default the execution's start. */
  readonly enteredMs?: number;
}

/** A frame on the main line of an execution, as runStates leaves it once it has entered a state. */
export function testFrame(options: TestFrameOptions = {}): Frame {
  const exec = options.exec ?? testExecution();
  let vars: VariableScope | null = null;
  if (options.variables !== null) {
    vars = new VariableScope(null);
    for (const [name, value] of Object.entries(options.variables ?? {})) vars.set(name, value, 0);
  }
  const item = options.mapItem;
  const frame = new Frame(exec, vars, item === undefined ? -1 : item.index, item === undefined ? null : item.value);
  frame.stateName = options.stateName ?? 'State';
  frame.stateType = options.stateType ?? '';
  frame.enteredEventId = options.enteredEventId ?? 2;
  frame.enteredMs = options.enteredMs ?? exec.startMs;
  return frame;
}
