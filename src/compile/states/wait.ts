import { jsonForCause, runtimeError } from '../../run/errors.js';
import type { Frame } from '../../run/frame.js';
import type { RunState } from '../../run/state.js';
import type { StateEnv } from '../context.js';
import { compileSelectPath } from '../io.js';
import { compileReferencePath } from '../paths.js';
import { parseTimestamp } from '../timestamps.js';

/** How long to wait, in milliseconds of the machine's clock, given the effective input. */
type Delay = (input: unknown, frame: Frame) => number;

/** Wait: InputPath → wait → OutputPath. A zero or past wait completes synchronously. */
export function compileWait(def: Record<string, unknown>, _env: StateEnv): RunState {
  const inputPath = compileSelectPath(def.InputPath);
  const outputPath = compileSelectPath(def.OutputPath);
  const delay = compileDelay(def);
  return function runWait(input, frame) {
    const effective = inputPath(input, frame);
    const ms = delay(effective, frame);
    if (ms <= 0) return outputPath(effective, frame);
    return frame.exec.clock.sleep(ms, frame.exec.signal).then(() => outputPath(effective, frame));
  };
}

function compileDelay(def: Record<string, unknown>): Delay {
  if (typeof def.Seconds === 'number') {
    const ms = def.Seconds * 1000;
    return () => ms;
  }
  if (typeof def.Timestamp === 'string') {
    const at = parseTimestamp(def.Timestamp);
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
    return at - frame.exec.clock.now();
  };
}

/** Values appear in AWS's Wait causes as written, strings unquoted. */
function describe(value: unknown): string {
  return typeof value === 'string' ? value : jsonForCause(value);
}
