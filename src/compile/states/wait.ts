import { MAX_DOCUMENTED_SECONDS } from '../../asl/fields.js';
import { jsonForCause, runtimeError } from '../../run/errors.js';
import type { Frame } from '../../run/frame.js';
import type { RunState } from '../../run/state.js';
import { Suspension, parksOnTimer } from '../../run/suspension.js';
import type { StateEnv } from '../context.js';
import { compileSelectPath } from '../jsonpath/io.js';
import { StatesScope, stateField } from '../jsonata/index.js';
import { andThen, compileNumber, compileOutcome, compileTimestamp, type NumberRule } from '../jsonata/state.js';
import { compileReferencePath } from '../jsonpath/paths.js';
import { parseTimestamp } from '../timestamps.js';
import { assignVariables, compileJsonPathAssign } from '../variables.js';

/** How long to wait, in milliseconds of the machine's clock, given the effective input. */
type Delay = (input: unknown, frame: Frame) => number;

/**
 * AWS keeps a wait's length in a 32-bit count of seconds: a longer one fails the state
 * (AWS-recorded: 24,855 days ahead waits, 24,856 days ahead fails).
 */
const LONGEST_WAIT_MS = 2_147_483_647_000;

function refuseTooLong(ms: number, frame: Frame): void {
  if (ms > LONGEST_WAIT_MS) throw runtimeError(frame, 'Wait state delay is too long.');
}

/**
 * Wait: InputPath → wait → OutputPath (JSONata: Output). A zero or past wait completes
 * synchronously. Assign reads the effective input (`$` or `$states.input`) and takes effect
 * when the wait is over. On a Standard execution's main line the wait parks the execution
 * as plain data (Suspension.timed: a store keeps it across a restart), and the node's
 * `wake` finishes the state; elsewhere it sleeps in a promise.
 */
export function compileWait(def: Record<string, unknown>, env: StateEnv): RunState {
  if (env.queryLanguage === 'JSONata') return compileJsonataWait(def, env);
  const inputPath = compileSelectPath(def.InputPath);
  const outputPath = compileSelectPath(def.OutputPath);
  const delay = compileDelay(def);
  const node = env.lookup(env.name);
  let finish: (effective: unknown, frame: Frame) => unknown = outputPath;
  if ('Assign' in def) {
    const assign = compileJsonPathAssign(def.Assign);
    finish = function finishWaitAndAssign(effective, frame) {
      const values = assign.evaluate(effective, frame);
      const output = outputPath(effective, frame);
      assignVariables(frame, assign.names, values);
      return output;
    };
  }
  node.wake = function wakeFromWait(suspension) {
    return finish(suspension.rawInput, suspension.frame);
  };
  return function runWait(input, frame) {
    const effective = inputPath(input, frame);
    const ms = delay(effective, frame);
    if (ms <= 0) return finish(effective, frame);
    refuseTooLong(ms, frame);
    if (parksOnTimer(frame)) throw Suspension.timed(frame, node, effective, frame.exec.clock.now() + ms);
    return frame.exec.sleep(ms, frame.stop).then(() => finish(effective, frame));
  };
}

/** JSONata Wait: Seconds (a non-negative integer) or Timestamp, either an expression over `$states.input`. */
function compileJsonataWait(def: Record<string, unknown>, env: StateEnv): RunState {
  const problems = env.machine.problems;
  const outcome = compileOutcome(def, env.pointer, problems);
  let until: (scope: StatesScope) => number | Promise<number>;
  if ('Timestamp' in def) {
    const timestamp = compileTimestamp(def.Timestamp, stateField(env.pointer, 'Timestamp'), problems);
    until = (scope) => andThen(timestamp(scope), (at) => wholeSecond(at) - scope.frame.exec.clock.now());
  } else {
    const seconds = compileNumber(def.Seconds, stateField(env.pointer, 'Seconds'), problems, waitSeconds);
    until = (scope) => andThen(seconds(scope), (s) => s * 1000);
  }
  const node = env.lookup(env.name);
  node.wake = function wakeFromJsonataWait(suspension) {
    return outcome(new StatesScope(suspension.frame, suspension.rawInput), suspension.rawInput);
  };
  function finish(scope: StatesScope, ms: number): unknown {
    const frame = scope.frame;
    if (ms <= 0) return outcome(scope, scope.input);
    refuseTooLong(ms, frame);
    if (parksOnTimer(frame)) throw Suspension.timed(frame, node, scope.input, frame.exec.clock.now() + ms);
    return frame.exec.sleep(ms, frame.stop).then(() => outcome(scope, scope.input));
  }
  return function runJsonataWait(input, frame) {
    const scope = new StatesScope(frame, input);
    return andThen(until(scope), (ms) => finish(scope, ms));
  };
}

/** AWS documents Seconds, a JSONata expression's result included, as an integer from 0 to 99999999. */
const waitSeconds: NumberRule = {
  integer: true,
  min: 0,
  max: MAX_DOCUMENTED_SECONDS,
  outOfRange: (v) => `The Seconds field must be an integer from 0 to ${MAX_DOCUMENTED_SECONDS}, but was: ${v}`,
};

function compileDelay(def: Record<string, unknown>): Delay {
  if (typeof def.Seconds === 'number') {
    const ms = def.Seconds * 1000;
    return () => ms;
  }
  if (typeof def.Timestamp === 'string') {
    const at = wholeSecond(parseTimestamp(def.Timestamp));
    return function untilTimestamp(_input, frame) {
      return at - frame.exec.clock.now();
    };
  }
  if (typeof def.SecondsPath === 'string') {
    const path = def.SecondsPath;
    const read = compileReferencePath(path);
    return function secondsFromPath(input, frame) {
      const seconds = read(input, frame);
      if (seconds === undefined) {
        throw runtimeError(frame, `The SecondsPath parameter does not reference an input value: ${path}`);
      }
      if (typeof seconds !== 'number' || !Number.isInteger(seconds)) {
        throw runtimeError(frame, `The SecondsPath parameter cannot be parsed as a long value: ${path} == ${describe(seconds)}`);
      }
      if (seconds < 0) {
        throw runtimeError(frame, `The SecondsPath parameter references a negative value: ${path} == ${seconds}`);
      }
      return seconds * 1000;
    };
  }
  const path = def.TimestampPath as string;
  const read = compileReferencePath(path);
  return function timestampFromPath(input, frame) {
    const text = read(input, frame);
    if (text === undefined) {
      throw runtimeError(frame, `The TimestampPath parameter does not reference an input value: ${path}`);
    }
    const at = parseTimestamp(text);
    if (Number.isNaN(at)) {
      throw runtimeError(
        frame,
        `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${path} == ${describe(text)}`,
      );
    }
    return wholeSecond(at) - frame.exec.clock.now();
  };
}

/** A Wait's timestamp counts to the second: AWS truncates its milliseconds (developer guide, Wait state). */
function wholeSecond(epochMs: number): number {
  return Math.floor(epochMs / 1000) * 1000;
}

/** Values appear in AWS's Wait causes as written, strings unquoted. */
function describe(value: unknown): string {
  return typeof value === 'string' ? value : jsonForCause(value);
}
