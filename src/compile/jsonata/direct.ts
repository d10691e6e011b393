import { inheritedNames, type ExprNode } from './ast.js';
import { BAIL } from './bail.js';
import { dataValue } from './data.js';
import { builtinNames, builtins, deepEqual, toBoolean, toText } from './direct-builtins.js';
import { compileArray, compileMergeOfArray, compileObject } from './direct-objects.js';
import type { StatesScope } from './scope.js';
import { contextFields, type Frame } from '../../run/frame.js';
import { UNSET, VariableRead } from '../../run/variables.js';

/**
 * Direct, synchronous evaluation of the JSONata that workflows mostly write: `$states.input.a.b`,
 * `$var`, literals, arithmetic, comparisons, `and`/`or`, `&`, conditions, array and object
 * constructors, `[n]` index filters and a handful of pure built-ins (direct-builtins.ts). Each
 * expression of that shape is compiled into a closure at compile time, following jsonata
 * 2.0.6's own evaluation rules (sequences, singleton unwrapping, flattening) so its results are
 * the library's.
 *
 * A closure only ever returns a value it is sure of. Whenever the library would raise an error,
 * or would take a path not reproduced here, it throws BAIL (bail.ts) instead and the caller
 * evaluates the expression with the library, which then produces the result or the error,
 * worded as jsonata words it. Compilation returns null for shapes this module does not handle.
 */

export type Direct = (scope: StatesScope) => unknown;

export function compileDirect(ast: ExprNode): Direct | null {
  return compileNode(ast);
}

/**
 * The names after `input` when the expression is `$states.input.a.b` or `$states.input.a.b.c`
 * (member steps only, no filters, no name inherited from Object.prototype), which read as a
 * chain of property reads while the values are objects; else null.
 */
export function inputMemberPath(ast: ExprNode): readonly string[] | null {
  if (ast.type !== 'path' || compileNode(ast) === null) return null;
  const steps = ast.steps!;
  if (steps.length < 4 || steps.length > 5 || steps[0]!.value !== 'states' || steps[0]!.predicate !== undefined || steps[1]!.value !== 'input') return null;
  const names = steps.slice(2);
  if (steps[1]!.stages !== undefined || names.some((step) => step.stages !== undefined || inheritedNames.has(step.value as string))) return null;
  return names.map((step) => step.value as string);
}

function compileNode(node: ExprNode): Direct | null {
  if (node.group !== undefined || node.keepArray === true || node.tuple === true) return null;
  let direct: Direct | null;
  switch (node.type) {
    case 'string':
    case 'number':
    case 'value':
      direct = constant(node.value);
      break;
    case 'variable':
      direct = compileVariable(node.value as string);
      break;
    case 'path':
      direct = compilePath(node);
      break;
    case 'binary':
      direct = compileBinary(node);
      break;
    case 'unary':
      direct = compileUnary(node);
      break;
    case 'condition':
      direct = compileCondition(node);
      break;
    case 'block':
      direct = node.expressions!.length === 1 ? compileNode(node.expressions![0]!) : null;
      break;
    case 'function':
      direct = compileCall(node);
      break;
    default:
      return null;
  }
  if (direct === null || node.predicate === undefined) return direct;
  const indexes = indexFilters(node.predicate);
  return indexes === null ? null : withIndexFilters(direct, indexes);
}

function constant(value: unknown): Direct {
  return function literal() {
    return value;
  };
}

// ---------------------------------------------------------------------------------------------
// Variables and paths

function compileVariable(name: string): Direct | null {
  if (name === '' || name === '$') return null;
  if (name === 'states') {
    return function readStates(scope) {
      return scope.statesObject(true);
    };
  }
  // An unset variable that names a built-in reads as that function; the library handles it.
  const builtin = builtinNames.has(name);
  const variable = new VariableRead(name);
  return function readVariable(scope) {
    const value = variable.valueIn(scope.frame.vars);
    if (value !== UNSET) return value;
    if (builtin) throw BAIL;
    return undefined;
  };
}

/** A step after the first: a name, with optional `[n]` index filters. */
interface NameStep {
  readonly read: (value: object) => unknown;
  readonly name: string;
  readonly filters: readonly number[] | null;
}

function compilePath(node: ExprNode): Direct | null {
  if (node.keepSingletonArray === true) return null;
  const steps = node.steps!;
  const first = steps[0]!;
  if (first.type !== 'variable' || first.stages !== undefined || first.focus !== undefined || first.index !== undefined) return null;
  const names: NameStep[] = [];
  for (let i = 1; i < steps.length; i++) {
    const step = steps[i]!;
    if (step.type !== 'name' || step.predicate !== undefined || step.tuple === true || step.keepArray === true) return null;
    if (step.focus !== undefined || step.index !== undefined || step.group !== undefined) return null;
    const filters = step.stages === undefined ? null : indexFilters(step.stages);
    if (step.stages !== undefined && filters === null) return null;
    const name = step.value as string;
    names.push({ read: propertyReader(name), name, filters });
  }
  const filters = names[0]?.filters ?? null;
  const statesField =
    first.value === 'states' && first.predicate === undefined && (filters === null || filters.length === 1) ? statesFieldReader(names[0]) : null;
  if (statesField !== null) {
    // `$states.input…` starts from the field itself: no `$states` object is built.
    const rest = names.slice(1);
    if (filters !== null) {
      // `$states.result[0]…`: the field is what that step reads from `$states`.
      const index = filters[0]!;
      return function readStatesItem(scope) {
        return continuePath(itemAt(statesField(scope), index), rest);
      };
    }
    if (rest.length === 0) return statesField;
    if (names[0]!.name === 'context') {
      const leaf = contextLeaf(rest);
      if (leaf !== null) return leaf;
    }
    return (
      memberSteps(statesField, rest) ??
      function readStatesPath(scope) {
        return continuePath(statesField(scope), rest);
      }
    );
  }
  const start = compileNode(first);
  if (start === null) return null;
  return (
    memberSteps(start, names) ??
    function readPath(scope) {
      return continuePath(start(scope), names);
    }
  );
}

/**
 * One or two member steps without filters or inherited names (`$states.input.a.b`,
 * `$var.a`), the usual paths: read inline while the values are objects and not arrays;
 * anything else goes through continuePath from the start, which gives the same value (a
 * read of data has no effect). Null for other steps.
 */
function memberSteps(start: Direct, steps: readonly NameStep[]): Direct | null {
  if (steps.length < 1 || steps.length > 2 || steps.some((s) => s.filters !== null || inheritedNames.has(s.name))) return null;
  const a = steps[0]!.name;
  if (steps.length === 1) {
    return function readMember(scope) {
      const v = start(scope);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return continuePath(v, steps);
      const found = (v as Record<string, unknown>)[a];
      return typeof found === 'function' ? undefined : found;
    };
  }
  const b = steps[1]!.name;
  return function readMembers2(scope) {
    const v = start(scope);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const member = (v as Record<string, unknown>)[a];
      if (typeof member === 'object' && member !== null && !Array.isArray(member)) {
        const found = (member as Record<string, unknown>)[b];
        return typeof found === 'function' ? undefined : found;
      }
    }
    return continuePath(v, steps);
  };
}

/**
 * `$states.context.Map.Item.Index` and other paths to one of the context object's leaf
 * fields (then maybe further): read from the frame, as JSONPath's `$$` paths are, without
 * building the whole context object (its two timestamps cost more than the rest of a
 * transition). A context given whole (TestState) is walked as given. Null for other paths.
 */
function contextLeaf(steps: readonly NameStep[]): Direct | null {
  for (const depth of [3, 2]) {
    if (steps.length < depth || steps.slice(0, depth).some((s) => s.filters !== null)) continue;
    const key = steps
      .slice(0, depth)
      .map((s) => s.name)
      .join('.');
    if (!Object.prototype.hasOwnProperty.call(contextFields, key)) continue;
    const read: (frame: Frame) => unknown = contextFields[key]!;
    const after = steps.slice(depth);
    return function readContextLeaf(scope) {
      if (scope.frame.exec.suppliedContext !== null) return continuePath(scope.context(), steps);
      const value = read(scope.frame);
      return after.length === 0 ? value : continuePath(value, after);
    };
  }
  return null;
}

function statesFieldReader(step: NameStep | undefined): Direct | null {
  if (step === undefined) return null;
  switch (step.name) {
    case 'input':
      return (scope) => scope.input;
    case 'result':
      return (scope) => scope.result;
    case 'errorOutput':
      return (scope) => scope.errorOutput;
    case 'context':
      return (scope) => scope.context();
    default:
      return null;
  }
}

/**
 * Reads one property the way AWS does: own properties only, never what a prototype supplies;
 * and data is JSON, so a member holding a JavaScript function is not there.
 */
function propertyReader(name: string): (value: object) => unknown {
  if (inheritedNames.has(name)) {
    return function readOwnProperty(value) {
      return Object.prototype.hasOwnProperty.call(value, name) ? dataValue((value as Record<string, unknown>)[name]) : undefined;
    };
  }
  return function readProperty(value) {
    const found = (value as Record<string, unknown>)[name];
    return typeof found === 'function' ? undefined : found;
  };
}

/**
 * The remaining steps of a path, given the value of the step before them. While values are
 * plain objects this is a chain of property reads; an array switches to jsonata's general
 * sequence rules.
 */
function continuePath(value: unknown, steps: readonly NameStep[]): unknown {
  if (value === undefined) return undefined;
  let v: unknown = value;
  for (let i = 0; i < steps.length; i++) {
    if (Array.isArray(v)) return sequencePath(v, steps, i);
    const step = steps[i]!;
    if (v === null || typeof v !== 'object') return undefined;
    if (step.filters === null) v = step.read(v);
    else if (step.filters.length === 1) v = itemAt(step.read(v), step.filters[0]!);
    else return sequencePath([v], steps, i);
    if (v === undefined) return undefined;
  }
  return v;
}

/**
 * jsonata's one `[n]` filter on a value one step read from an object, as sequencePath
 * applies it: the item at that index (from the end when negative), a value that is not an
 * array being a sequence of one. An item that is an array stays one (the last step returns
 * it, a further step maps over it); none makes the whole path undefined.
 */
function itemAt(found: unknown, n: number): unknown {
  if (found === undefined) return undefined;
  let index = Math.floor(n);
  if (Array.isArray(found)) return found[index < 0 ? found.length + index : index];
  if (index < 0) index += 1;
  return index === 0 ? found : undefined;
}

/** Whether the last index filter left a sequence (jsonata's `createSequence`) or a real array. */
interface FilterOutcome {
  sequence: boolean;
}

/**
 * jsonata's evaluatePath/evaluateStep for name steps over an input sequence: each item is
 * looked up (arrays map over their items), filtered, and the results flattened into the next
 * input; a last step that yields exactly one real array yields that array.
 */
function sequencePath(input: readonly unknown[], steps: readonly NameStep[], from: number): unknown {
  let items = input;
  const outcome: FilterOutcome = { sequence: false };
  for (let i = from; i < steps.length; i++) {
    const step = steps[i]!;
    const results: unknown[] = [];
    let firstIsSequence = false;
    for (let j = 0; j < items.length; j++) {
      const item = items[j];
      let res: unknown;
      let sequence = false;
      if (Array.isArray(item)) {
        const mapped = lookupAll(item, step);
        if (mapped.length === 1) res = mapped[0];
        else if (mapped.length > 1) {
          res = mapped;
          sequence = true;
        }
      } else if (item !== null && typeof item === 'object') {
        res = step.read(item);
      }
      if (step.filters !== null) {
        res = applyIndexFilters(res, step.filters, outcome);
        sequence = outcome.sequence;
      }
      if (res !== undefined) {
        if (results.length === 0) firstIsSequence = sequence;
        results.push(res);
      }
    }
    if (i === steps.length - 1 && results.length === 1 && Array.isArray(results[0]) && !firstIsSequence) return results[0];
    const flat: unknown[] = [];
    for (const r of results) {
      if (Array.isArray(r)) for (const x of r) flat.push(x);
      else flat.push(r);
    }
    if (flat.length === 0) return undefined;
    items = flat;
  }
  return items.length === 1 ? items[0] : items;
}

/** jsonata's `lookup` over an array: every item's value, arrays flattened one level. */
function lookupAll(array: readonly unknown[], step: NameStep): unknown[] {
  const out: unknown[] = [];
  for (const item of array) {
    let found: unknown;
    if (Array.isArray(item)) found = lookupAll(item, step);
    else if (item !== null && typeof item === 'object') found = step.read(item);
    if (found === undefined) continue;
    if (Array.isArray(found)) for (const x of found) out.push(x);
    else out.push(found);
  }
  return out;
}

/** The numbers of `[n]` filters; null when any filter is something else. */
function indexFilters(filters: readonly ExprNode[]): number[] | null {
  const out: number[] = [];
  for (const f of filters) {
    if (f.type !== 'filter' || f.expr === undefined || f.expr.type !== 'number') return null;
    out.push(f.expr.value as number);
  }
  return out;
}

/** jsonata's evaluateFilter for a number: the item at that index (from the end when negative). */
function applyIndexFilters(value: unknown, indexes: readonly number[], outcome: FilterOutcome): unknown {
  let current = value;
  let sequence = false;
  for (const n of indexes) {
    const items = Array.isArray(current) ? current : [current];
    let index = Math.floor(n);
    if (index < 0) index = items.length + index;
    const item = items[index];
    if (item === undefined) {
      current = [];
      sequence = true;
    } else if (Array.isArray(item)) {
      current = item;
      sequence = false;
    } else {
      current = [item];
      sequence = true;
    }
  }
  outcome.sequence = sequence;
  return current;
}

/** A node's `[n]` predicates, then jsonata's unwrapping of the sequence they leave. */
function withIndexFilters(direct: Direct, indexes: readonly number[]): Direct {
  return function filterByIndex(scope) {
    const outcome: FilterOutcome = { sequence: false };
    const filtered = applyIndexFilters(direct(scope), indexes, outcome) as unknown[];
    if (!outcome.sequence) return filtered;
    return filtered.length === 0 ? undefined : filtered.length === 1 ? filtered[0] : filtered;
  };
}

// ---------------------------------------------------------------------------------------------
// Operators

function compileBinary(node: ExprNode): Direct | null {
  const left = compileNode(node.lhs as ExprNode);
  const right = compileNode(node.rhs!);
  if (left === null || right === null) return null;
  switch (node.value) {
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return arithmetic(node.value, left, right);
    case '=':
      return function equals(scope) {
        const l = left(scope);
        const r = right(scope);
        return l !== undefined && r !== undefined && deepEqual(l, r);
      };
    case '!=':
      return function notEquals(scope) {
        const l = left(scope);
        const r = right(scope);
        return l !== undefined && r !== undefined && !deepEqual(l, r);
      };
    case '<':
    case '<=':
    case '>':
    case '>=':
      return comparison(node.value, left, right);
    case 'and':
      return function and(scope) {
        return toBoolean(left(scope)) && toBoolean(right(scope));
      };
    case 'or':
      return function or(scope) {
        return toBoolean(left(scope)) || toBoolean(right(scope));
      };
    case '&':
      return function concatenate(scope) {
        const l = left(scope);
        const r = right(scope);
        return (l === undefined ? '' : toText(l)) + (r === undefined ? '' : toText(r));
      };
    case 'in':
      return function includes(scope) {
        const l = left(scope);
        const r = right(scope);
        if (l === undefined || r === undefined) return false;
        if (!Array.isArray(r)) return r === l;
        for (let i = 0; i < r.length; i++) if (r[i] === l) return true;
        return false;
      };
    default:
      return null;
  }
}

function arithmetic(op: string, left: Direct, right: Direct): Direct {
  const compute = arithmeticOperators[op]!;
  return function calculate(scope) {
    const l = left(scope);
    const r = right(scope);
    if (typeof l === 'number' && typeof r === 'number') {
      const value = compute(l, r);
      if (!Number.isFinite(value) || !Number.isFinite(l) || !Number.isFinite(r)) throw BAIL;
      return value;
    }
    // An undefined operand makes the result undefined, unless the other one is not a number (an error).
    if ((l === undefined && (r === undefined || typeof r === 'number')) || (r === undefined && typeof l === 'number')) return undefined;
    throw BAIL;
  };
}

const arithmeticOperators: Readonly<Record<string, (a: number, b: number) => number>> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
};

function comparison(op: string, left: Direct, right: Direct): Direct {
  const compare = comparisonOperators[op]!;
  return function compareValues(scope) {
    const l = left(scope);
    const r = right(scope);
    const lt = typeof l;
    const rt = typeof r;
    if ((lt === 'number' && rt === 'number') || (lt === 'string' && rt === 'string')) return compare(l as number, r as number);
    const lComparable = lt === 'undefined' || lt === 'string' || lt === 'number';
    const rComparable = rt === 'undefined' || rt === 'string' || rt === 'number';
    if (lComparable && rComparable && (lt === 'undefined' || rt === 'undefined')) return undefined;
    throw BAIL;
  };
}

const comparisonOperators: Readonly<Record<string, (a: number | string, b: number | string) => boolean>> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function compileUnary(node: ExprNode): Direct | null {
  if (node.value === '-') {
    const operand = compileNode(node.expression!);
    if (operand === null) return null;
    return function negate(scope) {
      const v = operand(scope);
      if (v === undefined) return undefined;
      if (typeof v === 'number') return -v;
      throw BAIL;
    };
  }
  if (node.value === '[') return compileArray(node.expressions!, compileNode);
  if (node.value === '{') return compileObject(node.lhs as readonly (readonly [ExprNode, ExprNode])[], compileNode);
  return null;
}

function compileCondition(node: ExprNode): Direct | null {
  const test = compileNode(node.condition!);
  const then = compileNode(node.then!);
  const otherwise = node.else === undefined ? constant(undefined) : compileNode(node.else);
  if (test === null || then === null || otherwise === null) return null;
  return function choose(scope) {
    return toBoolean(test(scope)) ? then(scope) : otherwise(scope);
  };
}

function compileCall(node: ExprNode): Direct | null {
  const procedure = node.procedure!;
  if (procedure.type !== 'variable' || procedure.predicate !== undefined) return null;
  const name = procedure.value as string;
  const builtin = builtins.get(name);
  const arity = node.arguments!.length;
  if (builtin === undefined || arity < builtin.minArity || arity > builtin.maxArity) return null;
  const variable = new VariableRead(name);
  const argument = node.arguments![0];
  if (name === 'merge' && argument!.type === 'unary' && argument!.value === '[') {
    const merge = compileMergeOfArray(argument!, compileNode);
    if (merge !== null) {
      return function callMerge(scope) {
        if (hidden(scope, variable)) throw BAIL;
        return merge(scope);
      };
    }
  }
  const args: Direct[] = [];
  for (const a of node.arguments!) {
    const arg = compileNode(a);
    if (arg === null) return null;
    args.push(arg);
  }
  const call = builtin.call;
  // One closure per arity, so no array of argument values is built per call.
  const [first, second, third] = args;
  switch (args.length) {
    case 0:
      return function callBuiltin0(scope) {
        if (hidden(scope, variable)) throw BAIL;
        return call(undefined, undefined, undefined, scope);
      };
    case 1:
      return function callBuiltin1(scope) {
        if (hidden(scope, variable)) throw BAIL;
        return call(first!(scope), undefined, undefined, scope);
      };
    case 2:
      return function callBuiltin2(scope) {
        if (hidden(scope, variable)) throw BAIL;
        const a = first!(scope);
        return call(a, second!(scope), undefined, scope);
      };
    default:
      return function callBuiltin3(scope) {
        if (hidden(scope, variable)) throw BAIL;
        const a = first!(scope);
        const b = second!(scope);
        return call(a, b, third!(scope), scope);
      };
  }
}

/** A workflow variable of a built-in's name hides the built-in. */
function hidden(scope: StatesScope, variable: VariableRead): boolean {
  return variable.valueIn(scope.frame.vars) !== UNSET;
}
