import type jsonata from 'jsonata';
import { ProblemCodes, pointerTo, type Problem } from '../../asl/problems.js';
import { AslError, StatesErrors, jsonForCause, stateCause } from '../../run/errors.js';
import type { Frame } from '../../run/frame.js';
import { isPending } from '../../run/state.js';
import { JsonataSyntaxError, astOf, expressionText, factsOf, isJsonataExpression, parseJsonata } from './ast.js';
import { BAIL } from './bail.js';
import { compileDirect, inputMemberPath, type Direct } from './direct.js';
import { EvaluationStopped } from './guard.js';
import { UNSUPPORTED_RESULT, libraryEvaluator, type LibraryEvaluate } from './library.js';
import type { StatesScope } from './scope.js';
import { setOwn } from '../../json.js';
import { constantCopy } from '../jsonpath/templates.js';

export { isJsonataExpression } from './ast.js';
export { StatesScope } from './scope.js';

/**
 * JSONata fields: a JSON value in which every string written `{% … %}` is an expression,
 * at any depth. Each expression is parsed once, at compile time, and evaluated directly and
 * synchronously when its shape allows (direct.ts), by the jsonata library otherwise
 * (library.ts, always asynchronous). So a field's value is a plain value or, only
 * when the library had to run, a promise of it: a native Promise made here (isPending).
 *
 * Failures are AWS's States.QueryEvaluationError, with its wording: an expression that
 * returns nothing, one that returns a function, one that throws (or passes one of the limits
 * on the library's evaluation, guard.ts).
 */
export type Evaluate = (scope: StatesScope) => unknown;

/** Where a field sits: its name in AWS causes (`Output/result`) and its JSON pointer. */
export class JsonataField {
  readonly label: string;
  readonly pointer: string;
  constructor(label: string, pointer: string) {
    this.label = label;
    this.pointer = pointer;
  }
  child(key: string | number): JsonataField {
    return new JsonataField(`${this.label}/${key}`, pointerTo(this.pointer, key));
  }
}

/** The field named `key` of the state at `statePointer`. */
export function stateField(statePointer: string, key: string): JsonataField {
  return new JsonataField(key, pointerTo(statePointer, key));
}

export function queryEvaluationError(frame: Frame, detail: string): AslError {
  return new AslError(StatesErrors.QueryEvaluationError, stateCause(frame, detail));
}

function described(text: string, field: JsonataField): string {
  return `The JSONata expression '${text}' specified for the field '${field.label}'`;
}

/** A result of the wrong JSON type for its field (Items not an array, and so on). */
export function unexpectedType(frame: Frame, text: string, field: JsonataField, expected: string, value: unknown): AslError {
  return queryEvaluationError(
    frame,
    `${described(text, field)} returned an unexpected result type. Expected '${expected}', but was '${jsonType(value)}' for value: ${jsonForCause(value)}`,
  );
}

/** The JSON type name AWS reports for a value. */
function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * jsonata's failures carry a code (T1006, D3030…) and a message; AWS shows both. A RangeError
 * (a stack exhausted by data nested too deeply, a string too long) is named as such.
 */
function describeFailure(error: unknown): string {
  if (error instanceof RangeError) return `${error.name}: ${error.message}`;
  if (error !== null && typeof error === 'object') {
    const e = error as { code?: unknown; message?: unknown };
    const message = typeof e.message === 'string' ? e.message : String(error);
    return typeof e.code === 'string' ? `${e.code}: ${message}` : message;
  }
  return String(error);
}

/**
 * Compiles one `{% … %}` string. The evaluator returns the expression's value (never
 * undefined: that is an error) or a promise of it.
 */
export function compileExpression(source: string, field: JsonataField, problems: Problem[]): Evaluate {
  return compileExpressionParts(source, field, problems).evaluate;
}

/**
 * An expression's evaluator, and its direct closure (direct.ts) when it has one: that
 * closure alone returns undefined, UNSUPPORTED_RESULT or throws where the evaluator would
 * word an error or turn to the library.
 */
interface ExpressionParts {
  readonly evaluate: Evaluate;
  readonly direct: Direct | null;
  /** The names after `input` when the expression is `$states.input.a.b` or `$states.input.a.b.c` (direct.ts inputMemberPath). */
  readonly inputMembers?: readonly string[] | null;
}

function compileExpressionParts(source: string, field: JsonataField, problems: Problem[]): ExpressionParts {
  const text = expressionText(source);
  let expression: jsonata.Expression;
  try {
    expression = parseJsonata(source.slice(2, -2));
  } catch (error) {
    const message = error instanceof JsonataSyntaxError ? `${error.code}: ${error.message}` : String(error);
    problems.push({ code: ProblemCodes.JSONATA_SYNTAX, pointer: field.pointer, message: `the JSONata expression '${text}' cannot be parsed: ${message}` });
    return {
      evaluate: function unparsable() {
        throw new AslError(StatesErrors.Runtime, `The JSONata expression '${text}' cannot be parsed`);
      },
      direct: null,
    };
  }
  const ast = astOf(expression);
  const facts = factsOf(ast);
  const direct = compileDirect(ast);
  // Names that every object inherits would reach the engine's own functions through the
  // library; such expressions are evaluated directly (own properties only) or not at all.
  // The library's evaluator is set up the first time it is needed: most expressions never need it.
  let library: LibraryEvaluate | null = null;

  function settle(value: unknown, scope: StatesScope): unknown {
    if (value === undefined) throw queryEvaluationError(scope.frame, `${described(text, field)} returned nothing (undefined).`);
    if (value === UNSUPPORTED_RESULT) throw queryEvaluationError(scope.frame, `${described(text, field)} returned an unsupported result type.`);
    return value;
  }
  function failed(scope: StatesScope, detail: string): AslError {
    return queryEvaluationError(scope.frame, `${described(text, field)} threw an error during evaluation. ${detail}`);
  }
  function evaluateLibrary(scope: StatesScope): Promise<unknown> {
    if (facts.inheritedName !== null) {
      return Promise.reject(
        failed(scope, `statemill reads the name '${facts.inheritedName}' only in simple paths such as $states.input.${facts.inheritedName}`),
      );
    }
    library ??= libraryEvaluator(expression, facts);
    return library(scope).then(
      (value) => settle(value, scope),
      (error) => {
        // The execution ended (deadline, abort, a failed sibling) while the expression ran.
        if (error instanceof EvaluationStopped) throw error.interruption;
        throw failed(scope, describeFailure(error));
      },
    );
  }

  if (direct === null) return { evaluate: evaluateLibrary, direct: null };
  const evaluateDirect = direct;
  const evaluateJsonata = function evaluateJsonata(scope: StatesScope): unknown {
    let value: unknown;
    try {
      value = evaluateDirect(scope);
    } catch (error) {
      if (error === BAIL) return evaluateLibrary(scope);
      // Data nested too deeply for a recursive step, or a value that throws when read.
      throw failed(scope, describeFailure(error));
    }
    return value === undefined || value === UNSUPPORTED_RESULT ? settle(value, scope) : value;
  };
  return { evaluate: evaluateJsonata, direct, inputMembers: inputMemberPath(ast) };
}

/** True when a JSON value holds a `{% … %}` string anywhere. */
function containsExpression(value: unknown): boolean {
  if (isJsonataExpression(value)) return true;
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(containsExpression);
  return Object.values(value as Record<string, unknown>).some(containsExpression);
}

/**
 * A JSONata field's value: expressions anywhere inside it are evaluated, everything else is
 * copied as written. Entries are evaluated in order; once one needs the library, the rest
 * follow it one by one, so the first failing entry is still the one reported.
 */
export function compileJsonataValue(value: unknown, field: JsonataField, problems: Problem[]): Evaluate {
  return compileValueParts(value, field, problems).evaluate;
}

/**
 * A field value's evaluator, and a direct closure for it when it has one: an expression's
 * own (direct.ts), a literal's evaluator, or an object's directObject. A direct closure
 * returns undefined, UNSUPPORTED_RESULT or throws wherever the evaluator would do anything
 * but return a value, and starts nothing asynchronous.
 */
function compileValueParts(value: unknown, field: JsonataField, problems: Problem[]): ExpressionParts {
  if (isJsonataExpression(value)) return compileExpressionParts(value, field, problems);
  if (!containsExpression(value)) {
    if (value === null || typeof value !== 'object') {
      const literal = function literal(): unknown {
        return value;
      };
      return { evaluate: literal, direct: literal };
    }
    const copy = constantCopy(value);
    const literalCopy = function literalCopy(scope: StatesScope): unknown {
      return copy(undefined, scope.frame);
    };
    return { evaluate: literalCopy, direct: literalCopy };
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => compileJsonataValue(item, field.child(i), problems));
    const buildArray = function buildArray(scope: StatesScope): unknown {
      const out = new Array<unknown>(items.length);
      for (let i = 0; i < items.length; i++) {
        const v = items[i]!(scope);
        if (isPending(v)) return finishArray(out, i, v, items, scope);
        out[i] = v;
      }
      return out;
    };
    return { evaluate: buildArray, direct: null };
  }
  const keys = Object.keys(value as object);
  const parts = keys.map((key) => compileValueParts((value as Record<string, unknown>)[key], field.child(key), problems));
  const entries = parts.map((p) => p.evaluate);
  const directs = parts.map((p) => p.direct);
  const small = keys.length >= 1 && keys.length <= 6 && !keys.includes('__proto__');
  if (small && directs.every((d) => d !== null)) {
    const whole = directObject(keys, directs as Direct[], entries);
    return sharedInputMember(keys, parts, whole) ?? whole;
  }
  if (small && keys.length <= 4) return { evaluate: smallObject(keys, entries), direct: null };
  const buildObject = function buildObject(scope: StatesScope): unknown {
    return buildFrom({}, 0, keys, entries, scope);
  };
  return { evaluate: buildObject, direct: null };
}

/** Stores the entries from `from` on in `out`, in order; a promise when one needs the library. */
function buildFrom(out: Record<string, unknown>, from: number, keys: readonly string[], entries: readonly Evaluate[], scope: StatesScope): unknown {
  for (let i = from; i < entries.length; i++) {
    const v = entries[i]!(scope);
    if (isPending(v)) return finishObject(out, i, v, keys, entries, scope);
    setOwn(out, keys[i]!, v);
  }
  return out;
}

/**
 * An object of up to six keys (none `__proto__`) whose values all have direct closures (the
 * usual Arguments and Output: member paths, variables, literals): the closures are called
 * in one function, each key stored at a site of its own, with no evaluator wrapping each
 * value. At the first value that is not a plain result (undefined, unsupported, thrown) the
 * rest of the object is built by the values' evaluators from that value on, so its error
 * and its wording, or the library's evaluation, are the ones the evaluator gives; a direct
 * closure only reads, so calling that value's again changes nothing.
 */
function directObject(keys: readonly string[], directs: readonly Direct[], entries: readonly Evaluate[]): ExpressionParts {
  const [k0, k1, k2, k3, k4, k5] = keys as [string, string, string, string, string, string];
  const [d0, d1, d2, d3, d4, d5] = directs as [Direct, Direct, Direct, Direct, Direct, Direct];
  const count = keys.length;
  /** Stores the values in `out`; -1 when all were plain, else the index of the first that was not. */
  function fill(out: Record<string, unknown>, scope: StatesScope): number {
    let at = 0;
    try {
      let v = d0(scope);
      if (v === undefined || v === UNSUPPORTED_RESULT) return at;
      out[k0] = v;
      if (count === 1) return -1;
      at = 1;
      v = d1(scope);
      if (v === undefined || v === UNSUPPORTED_RESULT) return at;
      out[k1] = v;
      if (count === 2) return -1;
      at = 2;
      v = d2(scope);
      if (v === undefined || v === UNSUPPORTED_RESULT) return at;
      out[k2] = v;
      if (count === 3) return -1;
      at = 3;
      v = d3(scope);
      if (v === undefined || v === UNSUPPORTED_RESULT) return at;
      out[k3] = v;
      if (count === 4) return -1;
      at = 4;
      v = d4(scope);
      if (v === undefined || v === UNSUPPORTED_RESULT) return at;
      out[k4] = v;
      if (count === 5) return -1;
      at = 5;
      v = d5(scope);
      if (v === undefined || v === UNSUPPORTED_RESULT) return at;
      out[k5] = v;
      return -1;
    } catch {
      return at;
    }
  }
  return {
    evaluate: function buildDirectObject(scope) {
      const out: Record<string, unknown> = {};
      const at = fill(out, scope);
      return at < 0 ? out : buildFrom(out, at, keys, entries, scope);
    },
    // Inside an enclosing directObject: a value that is not plain sends the enclosing object to its evaluators.
    direct: function readDirectObject(scope) {
      const out: Record<string, unknown> = {};
      return fill(out, scope) < 0 ? out : undefined;
    },
  };
}

/**
 * A directObject whose values are all `$states.input.m.…` with one `m` and one or two steps
 * after it (`$states.input.applicant.name`, `$states.input.applicant.document.number`, …: a
 * usual Arguments) reads `m` once and each value from it, without a call per value. Wherever
 * a value would not be a plain read (the input, `m` or a step between not an object, or an
 * array; a value missing or a function) the object is left to `whole`, which gives the value
 * or the error each path gives alone. Null for other objects.
 */
function sharedInputMember(keys: readonly string[], parts: readonly ExpressionParts[], whole: ExpressionParts): ExpressionParts | null {
  if (keys.length < 2) return null;
  const member = parts[0]!.inputMembers?.[0];
  if (member === undefined || !parts.every((p) => p.inputMembers?.[0] === member)) return null;
  const firsts = parts.map((p) => p.inputMembers![1]!);
  // The step after the first, or null for a value read in one step from `m`.
  const seconds = parts.map((p) => p.inputMembers![2] ?? null);
  const count = keys.length;
  function readShared(scope: StatesScope): Record<string, unknown> | null {
    const input = scope.input;
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return null;
    const outer = (input as Record<string, unknown>)[member!];
    if (typeof outer !== 'object' || outer === null || Array.isArray(outer)) return null;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) {
      let v = (outer as Record<string, unknown>)[firsts[i]!];
      const second = seconds[i];
      if (second !== null) {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
        v = (v as Record<string, unknown>)[second!];
      }
      if (v === undefined || typeof v === 'function') return null;
      out[keys[i]!] = v;
    }
    return out;
  }
  const evaluateWhole = whole.evaluate;
  const readWhole = whole.direct!;
  return {
    evaluate: function buildFromInputMember(scope) {
      return readShared(scope) ?? evaluateWhole(scope);
    },
    direct: function readFromInputMember(scope) {
      return readShared(scope) ?? readWhole(scope);
    },
  };
}

/**
 * An object of up to four keys (none `__proto__`, which setOwn handles): each key stored at a
 * site of its own rather than in a loop over the keys, as jsonpath/templates.ts does for
 * templates (most Arguments, ItemSelectors and Outputs are this small).
 */
function smallObject(keys: readonly string[], entries: readonly Evaluate[]): Evaluate {
  const [k0, k1, k2, k3] = keys as [string, string, string, string];
  const [e0, e1, e2, e3] = entries as [Evaluate, Evaluate, Evaluate, Evaluate];
  const count = keys.length;
  return function buildSmallObject(scope) {
    const out: Record<string, unknown> = {};
    let v = e0(scope);
    if (isPending(v)) return finishObject(out, 0, v, keys, entries, scope);
    out[k0] = v;
    if (count === 1) return out;
    v = e1(scope);
    if (isPending(v)) return finishObject(out, 1, v, keys, entries, scope);
    out[k1] = v;
    if (count === 2) return out;
    v = e2(scope);
    if (isPending(v)) return finishObject(out, 2, v, keys, entries, scope);
    out[k2] = v;
    if (count === 3) return out;
    v = e3(scope);
    if (isPending(v)) return finishObject(out, 3, v, keys, entries, scope);
    out[k3] = v;
    return out;
  };
}

async function finishArray(out: unknown[], from: number, pending: PromiseLike<unknown>, items: Evaluate[], scope: StatesScope): Promise<unknown[]> {
  out[from] = await pending;
  for (let i = from + 1; i < items.length; i++) out[i] = await items[i]!(scope);
  return out;
}

async function finishObject(
  out: Record<string, unknown>,
  from: number,
  pending: PromiseLike<unknown>,
  keys: readonly string[],
  entries: readonly Evaluate[],
  scope: StatesScope,
): Promise<Record<string, unknown>> {
  setOwn(out, keys[from]!, await pending);
  for (let i = from + 1; i < entries.length; i++) setOwn(out, keys[i]!, await entries[i]!(scope));
  return out;
}
