import { pointerTo, type Problem } from '../../asl/problems.js';
import { jsonForCause } from '../../run/errors.js';
import { isPending, isPromiseLike } from '../../run/state.js';
import { expressionText, isJsonataExpression } from './ast.js';
import { JsonataField, compileExpression, compileJsonataValue, queryEvaluationError, unexpectedType, type StatesScope } from './index.js';
import { parseTimestamp } from '../timestamps.js';
import { assignVariables, compileJsonataAssign } from '../variables.js';
import { hasOwn } from '../../json.js';
import { fieldBound, type ExpressionBound } from './bounds.js';

/**
 * What JSONata states share: `Output` and `Assign` (of a state, a Choice rule or a catcher),
 * and the fields whose expression must produce one JSON type (Items, Condition, the number
 * fields, Timestamp, Fail's Error and Cause). Each compiles to a closure that returns its
 * value, or a promise of it only when the jsonata library had to run.
 */

/** Produces the output from `$states` (the default when there is no Output field), then applies Assign. */
export type Outcome = (scope: StatesScope, fallback: unknown) => unknown;

/**
 * `Output` and `Assign` of one owner. Assign is evaluated first, then Output, both against the
 * same `$states` and the variables as they were; the new values are set once Output succeeded.
 * The output's size bound, when it follows from the input's and the result's, is handed to
 * the run loop (noteOutputBound sets frame.resultBound), which then need not walk the output
 * for the payload limit.
 */
export function compileOutcome(owner: Record<string, unknown>, ownerPointer: string, problems: Problem[]): Outcome {
  const hasOutput = hasOwn(owner, 'Output');
  const output = hasOutput ? compileJsonataValue(owner.Output, new JsonataField('Output', pointerTo(ownerPointer, 'Output')), problems) : null;
  const bound = hasOutput ? fieldBound(owner.Output) : null;
  if (!hasOwn(owner, 'Assign')) {
    if (output === null) return passThrough;
    return function produceOutput(scope) {
      const out = output(scope);
      if (bound !== null && !isPending(out)) noteOutputBound(scope, bound);
      return out;
    };
  }
  const assign = compileJsonataAssign(owner.Assign, new JsonataField('Assign', pointerTo(ownerPointer, 'Assign')), problems);
  const names = assign.names;
  function produce(scope: StatesScope, fallback: unknown, values: unknown[]): unknown {
    const out = output === null ? fallback : output(scope);
    if (isPending(out)) {
      return Promise.resolve(out).then((o) => {
        assignVariables(scope.frame, names, values);
        return o;
      });
    }
    const result = scope.result;
    // A number's or a boolean's size is taken exactly, not as the result check's bound.
    const measured = result !== null && typeof result === 'object';
    assignVariables(scope.frame, names, values, measured ? result : null, measured ? scope.resultBound : Infinity, assign.resultItems);
    if (output === null) noteFallbackBound(scope, out);
    else if (bound !== null) noteOutputBound(scope, bound);
    return out;
  }
  return function assignThenProduce(scope, fallback) {
    const values = assign.evaluate(scope);
    if (isPending(values)) return values.then((v) => produce(scope, fallback, v));
    return produce(scope, fallback, values);
  };
}

function passThrough(scope: StatesScope, fallback: unknown): unknown {
  noteFallbackBound(scope, fallback);
  return fallback;
}

/**
 * Tells the run loop the output's size bound. The loop adds `frame.resultBound` to the bound
 * of the state's input (`frame.valueBound`), so the difference is what is set. Only where
 * the input's bound is known; and not with a context given whole (TestState), where
 * `$states.context.Map.Item.Index` may hold anything.
 */
function noteOutputBound(scope: StatesScope, bound: ExpressionBound): void {
  const frame = scope.frame;
  const inputBound = frame.valueBound;
  if (inputBound === Infinity || frame.exec.suppliedContext !== null) return;
  let total = bound.fixed + bound.input * inputBound;
  if (bound.result !== 0) total += bound.result * scope.resultBound;
  if (total !== Infinity) frame.resultBound = total - inputBound;
}

/** With no Output field, the output is the input or the result (a Catch's error output is not measured). */
function noteFallbackBound(scope: StatesScope, fallback: unknown): void {
  const frame = scope.frame;
  if (frame.valueBound === Infinity) return;
  if (fallback === scope.input) frame.resultBound = 0;
  else if (fallback === scope.result && scope.resultBound !== Infinity) frame.resultBound = scope.resultBound - frame.valueBound;
}

/** A field whose expression must yield a particular kind of value; `check` returns it or throws. */
export type Checked<T> = (scope: StatesScope) => T | Promise<T>;
type Check<T> = (value: unknown, scope: StatesScope, text: string, field: JsonataField) => T;

function compileChecked<T>(value: unknown, field: JsonataField, problems: Problem[], check: Check<T>): Checked<T> {
  if (!isJsonataExpression(value)) {
    // A constant (validated when the definition was), or an array with expressions inside (Items).
    const evaluate = compileJsonataValue(value, field, problems);
    return evaluate as Checked<T>;
  }
  const text = expressionText(value);
  const evaluate = compileExpression(value, field, problems);
  return function evaluateChecked(scope) {
    const v = evaluate(scope);
    if (isPending(v)) return v.then((resolved) => check(resolved, scope, text, field));
    return check(v, scope, text, field);
  };
}

/** Map `Items`: an array, literal or computed. */
export function compileItems(value: unknown, field: JsonataField, problems: Problem[]): Checked<unknown[]> {
  return compileChecked(value, field, problems, function checkArray(v, scope, text, f) {
    if (!Array.isArray(v)) throw unexpectedType(scope.frame, text, f, 'array', v);
    return v;
  });
}

/** A Choice rule's `Condition`: true or false. */
export function compileCondition(value: unknown, field: JsonataField, problems: Problem[]): Checked<boolean> {
  return compileChecked(value, field, problems, function checkBoolean(v, scope, text, f) {
    if (typeof v !== 'boolean') throw unexpectedType(scope.frame, text, f, 'boolean', v);
    return v;
  });
}

/** Fail `Error`/`Cause`: a string. */
export function compileString(value: unknown, field: JsonataField, problems: Problem[]): Checked<string> {
  return compileChecked(value, field, problems, function checkString(v, scope, text, f) {
    if (typeof v !== 'string') throw unexpectedType(scope.frame, text, f, 'string', v);
    return v;
  });
}

export interface NumberRule {
  /** Whole numbers only. */
  readonly integer: boolean;
  readonly min: number;
  readonly max: number;
  /** The cause when the value is out of range (AWS's wording where known). */
  readonly outOfRange: (value: number) => string;
}

/** Seconds, TimeoutSeconds, HeartbeatSeconds, MaxConcurrency, ToleratedFailure…: a number in range. */
export function compileNumber(value: unknown, field: JsonataField, problems: Problem[], rule: NumberRule): Checked<number> {
  return compileChecked(value, field, problems, function checkNumber(v, scope, text, f) {
    if (typeof v !== 'number' || (rule.integer && !Number.isInteger(v))) throw unexpectedType(scope.frame, text, f, rule.integer ? 'integer' : 'number', v);
    if (v < rule.min || v > rule.max) throw queryEvaluationError(scope.frame, rule.outOfRange(v));
    return v;
  });
}

/** Wait `Timestamp`: an RFC 3339 date-time, as milliseconds since the epoch. */
export function compileTimestamp(value: unknown, field: JsonataField, problems: Problem[]): Checked<number> {
  if (!isJsonataExpression(value)) {
    const at = parseTimestamp(value);
    return () => at;
  }
  return compileChecked(value, field, problems, function checkTimestamp(v, scope) {
    const at = parseTimestamp(v);
    if (Number.isNaN(at)) {
      const shown = typeof v === 'string' ? v : jsonForCause(v);
      throw queryEvaluationError(scope.frame, `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${shown}`);
    }
    return at;
  });
}

/** Runs `then` on a value that may be a promise, staying synchronous when it is not. */
export function andThen<T, R>(value: T | PromiseLike<T>, then: (value: T) => R | Promise<R>): R | Promise<R> {
  if (isPromiseLike(value)) return Promise.resolve(value).then(then);
  return then(value as T);
}
