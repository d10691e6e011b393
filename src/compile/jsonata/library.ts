import type jsonata from 'jsonata';
import { astOf, type ExpressionFacts } from './ast.js';
import { setOwn } from '../../json.js';
import { FLAG_TRUE, neutralised, prepareSyntaxTree } from './data.js';
import { NOW_BINDING, installFunctions, isFunctionValue } from './functions.js';
import { EvaluationGuard, GUARD_BINDING, installGuard } from './guard.js';
import type { StatesScope } from './scope.js';
import { UNSET, VariableRead } from '../../run/variables.js';

/**
 * Evaluation by the jsonata library itself (2.2, for its security fixes; AWS runs 2.0.6), for the
 * expressions statemill does not evaluate directly. jsonata is asynchronous throughout, so
 * this path always returns a promise. Only the workflow variables an expression names are
 * bound, never holding data that could pose as a function (data.ts); each evaluation
 * runs under a guard of its own (guard.ts); and the result is turned back into plain
 * JSON (jsonata marks its sequences with extra array properties, and may build objects that
 * are not plain).
 */

/** A result JSON cannot hold: a function, or a number that is not finite. */
export const UNSUPPORTED_RESULT: unique symbol = Symbol('unsupported JSONata result');

export type LibraryEvaluate = (scope: StatesScope) => Promise<unknown>;

export function libraryEvaluator(expression: jsonata.Expression, facts: ExpressionFacts): LibraryEvaluate {
  installFunctions(expression);
  installGuard(expression);
  prepareSyntaxTree(expression, astOf(expression));
  const variables = facts.variables.map((name) => new VariableRead(name));
  const withContext = facts.readsContext;
  return async function evaluateWithLibrary(scope) {
    const bindings: Record<string, unknown> = Object.create(null);
    bindings.states = neutralised(scope.statesObject(withContext));
    bindings[NOW_BINDING] = scope.now();
    bindings[GUARD_BINDING] = new EvaluationGuard(scope.frame);
    const vars = scope.frame.vars;
    for (let i = 0; i < variables.length; i++) {
      const value = variables[i]!.valueIn(vars);
      if (value !== UNSET) bindings[variables[i]!.name] = neutralised(value);
    }
    return toJson(await expression.evaluate(undefined, bindings));
  };
}

/** Plain JSON for a jsonata result; UNSUPPORTED_RESULT when it holds something JSON cannot. */
function toJson(value: unknown): unknown {
  try {
    return plain(value);
  } catch (error) {
    if (error === UNSUPPORTED_RESULT) return UNSUPPORTED_RESULT;
    throw error;
  }
}

function plain(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw UNSUPPORTED_RESULT;
      return value;
    case 'object':
      break;
    default:
      throw UNSUPPORTED_RESULT;
  }
  if (value === FLAG_TRUE) return true;
  if (isFunctionValue(value as object)) throw UNSUPPORTED_RESULT;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = plain(value[i]);
      out[i] = item === undefined ? null : item;
    }
    return out;
  }
  const source = value as Record<string, unknown>;
  let copy: Record<string, unknown> | null = Object.getPrototypeOf(source) === Object.prototype ? null : {};
  const keys = Object.keys(source);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const before = source[key];
    const after = plain(before);
    if (copy === null && after === before) continue;
    if (copy === null) {
      copy = {};
      for (let j = 0; j < i; j++) setOwn(copy, keys[j]!, source[keys[j]!]);
    }
    if (after !== undefined) setOwn(copy, key, after);
  }
  return copy ?? source;
}
