import { AslError, StatesErrors, resultTooLarge } from '../../run/errors.js';
import type { Frame } from '../../run/frame.js';
import { cyclePointer, cycleProblem } from '../../run/cycles.js';
import { payloadBound } from '../../run/limits.js';
import type { StateEnv } from '../context.js';
import { compileResultPath, compileSelectPath, identity, type Transform } from './io.js';
import { parseReferencePath } from './paths.js';
import { WHOLE_DOCUMENT, builtBound, compileTemplate, templateBound } from './templates.js';
import { assignVariables, compileJsonPathAssign } from '../variables.js';

/**
 * AWS refuses a Task or Map result over the payload limit; the check returns the result's
 * size bound. `omittedBytes`: the size of parts of the real result left out of the value
 * checked (a Lambda envelope reduced to its Payload). `resource`: a Task's Resource, which
 * the cause names instead of the state.
 */
export function compileResultLimit(env: StateEnv, omittedBytes = 0, resource?: unknown): (result: unknown, knownBound?: number) => number {
  const payloadLimit = env.machine.limits.payloadBytes;
  const name = typeof resource === 'string' ? resultSubject(resource, env.name) : env.name;
  const subject = `The state/task '${name}'`;
  // A bound the caller already knows (a Map's: its iterations' output bounds added) spares the walk when it is within the limit.
  return function checkResultSize(result, knownBound = Infinity) {
    if (omittedBytes + knownBound <= payloadLimit) return omittedBytes + knownBound;
    let bound: number;
    try {
      bound = omittedBytes + payloadBound(result, payloadLimit - omittedBytes);
    } catch (thrown) {
      throw new AslError(StatesErrors.Runtime, `${subject} returned a result that could not be read: ${messageOf(thrown)}`);
    }
    if (bound <= payloadLimit) return bound;
    // A cycle measures as endless: say what it is rather than call it too large.
    const cycle = cyclePointer(result);
    if (cycle !== null) throw new AslError(StatesErrors.Runtime, `${subject} returned a result that is not JSON: ${cycleProblem(cycle)}.`);
    throw resultTooLarge(name);
  };
}

function messageOf(thrown: unknown): string {
  try {
    return thrown instanceof Error ? thrown.message : String(thrown);
  } catch {
    return 'a value that could not be read';
  }
}

/**
 * What AWS's cause calls a Task when its result is too large (AWS-recorded): the service of
 * an integration (`arn:aws:states:::lambda:invoke` → `lambda`), another ARN itself (a Lambda
 * function's); a handler named without an ARN (statemill's own form) keeps the state's name.
 */
function resultSubject(resource: string, stateName: string): string {
  const prefix = 'arn:aws:states:::';
  if (!resource.startsWith('arn:')) return stateName;
  if (!resource.startsWith(prefix)) return resource;
  const colon = resource.indexOf(':', prefix.length);
  return colon > prefix.length ? resource.slice(prefix.length, colon) : resource;
}

/**
 * A result's size bound when it fits in the payload limit, else Infinity: nothing is refused
 * here. A bound the caller already knows (a Parallel's: its branches' output bounds added)
 * spares the walk when it is within the limit.
 */
function compileResultBound(env: StateEnv): (result: unknown, knownBound: number) => number {
  const payloadLimit = env.machine.limits.payloadBytes;
  if (payloadLimit === Infinity) return () => Infinity;
  return function measureResult(result, knownBound) {
    if (knownBound <= payloadLimit) return knownBound;
    const bound = payloadBound(result, payloadLimit);
    return bound <= payloadLimit ? bound : Infinity;
  };
}

/**
 * What a JSONPath Task, Map or Parallel does with its result, given its raw input;
 * `resultBound`, when known, is an upper bound of the result's JSON size (default Infinity).
 */
export type Finish = (raw: unknown, result: unknown, frame: Frame, resultBound?: number) => unknown;

/**
 * ResultSelector → ResultPath → OutputPath, the end shared by Task, Map and Parallel.
 * Assign reads the raw result (before ResultSelector); its values take effect after
 * OutputPath. With `checksResultSize`, the result is checked against the payload limit
 * first; without it (Parallel: AWS checks only its output), the result is only measured.
 * Either way, when the result fits and the ResultSelector only copies from it, the bound
 * of what it selects is handed to the run loop (the output is at most the input plus
 * that, plus the keys ResultPath creates), which then need not walk the whole output.
 */
export function compileJsonPathFinish(def: Record<string, unknown>, env: StateEnv, checksResultSize: boolean, omittedBytes = 0): Finish {
  const resultSelector: Transform = 'ResultSelector' in def ? compileTemplate(def.ResultSelector) : identity;
  const resultPath = compileResultPath(def.ResultPath);
  const outputPath = compileSelectPath(def.OutputPath);
  const assign = 'Assign' in def ? compileJsonPathAssign(def.Assign) : null;
  const selectedBound = 'ResultSelector' in def ? templateBound(def.ResultSelector) : WHOLE_DOCUMENT;
  const checkSize = checksResultSize ? compileResultLimit(env, omittedBytes, def.Resource) : selectedBound !== null ? compileResultBound(env) : null;
  const pathBytes = resultPathBytes(def.ResultPath);
  // ResultPath `$` makes the selected result the whole output (OutputPath only selects from it): its bound is the output's.
  const replacesInput = (def.ResultPath === undefined || def.ResultPath === '$') && def.OutputPath !== null;
  // The usual Task: the result is the output, ResultSelector, ResultPath and OutputPath each the identity (no call each).
  const outputIsResult = !('ResultSelector' in def) && replacesInput && (def.OutputPath === undefined || def.OutputPath === '$');
  return function finishWithResult(raw, result, frame, resultBound = Infinity) {
    if (checkSize !== null) {
      const bound = checkSize(result, resultBound);
      if (selectedBound !== null && bound !== Infinity) {
        const selected = builtBound(selectedBound, bound, frame.vars) + pathBytes;
        // The run loop adds the input's bound to this: the difference leaves the output's own.
        frame.resultBound = replacesInput && frame.valueBound !== Infinity ? selected - frame.valueBound : selected;
      }
    }
    if (assign === null) return outputIsResult ? result : outputPath(resultPath(raw, resultSelector(result, frame), frame), frame);
    const values = assign.evaluate(result, frame);
    const output = outputPath(resultPath(raw, resultSelector(result, frame), frame), frame);
    assignVariables(frame, assign.names, values);
    return output;
  };
}

/** Bytes a ResultPath may add around the result: each key it creates, quoted and escaped, with its colon, comma and braces. */
export function resultPathBytes(path: unknown): number {
  if (typeof path !== 'string') return 0;
  let bytes = 0;
  for (const segment of parseReferencePath(path).segments ?? []) if ('name' in segment) bytes += 6 * segment.name.length + 6;
  return bytes;
}
