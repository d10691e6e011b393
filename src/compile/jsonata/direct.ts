import { createHash, randomUUID } from 'node:crypto';
import { inheritedNames, type ExprNode } from './ast.js';
import { defineKey } from './data.js';
import { booleanOf, extensionFunctionNames, hashAlgorithms, parseJson } from './functions.js';
import type { StatesScope } from './scope.js';
import { contextFields, type Frame } from '../../run/frame.js';

/**
 * Direct, synchronous evaluation of the JSONata that workflows mostly write: `$states.input.a.b`,
 * `$var`, literals, arithmetic, comparisons, `and`/`or`, `&`, conditions, array and object
 * constructors, `[n]` index filters and a handful of pure built-ins. Each expression of that
 * shape is compiled into a closure at compile time, following jsonata 2.0.6's own evaluation
 * rules (sequences, singleton unwrapping, flattening) so its results are the library's.
 *
 * A closure only ever returns a value it is sure of. Whenever the library would raise an error,
 * or would take a path not reproduced here, it throws BAIL instead and the caller evaluates the
 * expression with the library, which then produces the result or the error, worded as jsonata
 * words it. Compilation returns null for shapes this module does not handle at all.
 */
export const BAIL: unknown = Object.freeze({ notEvaluatedDirectly: true });

export type Direct = (scope: StatesScope) => unknown;

export function compileDirect(ast: ExprNode): Direct | null {
  return compileNode(ast);
}

/** jsonata 2.0.6's built-in functions: reading one of these names as a value yields a function. */
const builtinNames: ReadonlySet<string> = new Set([
  'sum', 'count', 'max', 'min', 'average', 'string', 'substring', 'substringBefore', 'substringAfter', 'lowercase',
  'uppercase', 'length', 'trim', 'pad', 'match', 'contains', 'replace', 'split', 'join', 'formatNumber', 'formatBase',
  'formatInteger', 'parseInteger', 'number', 'floor', 'ceil', 'round', 'abs', 'sqrt', 'power', 'random', 'boolean',
  'not', 'map', 'zip', 'filter', 'single', 'reduce', 'sift', 'keys', 'lookup', 'append', 'exists', 'spread', 'merge',
  'reverse', 'each', 'error', 'assert', 'type', 'sort', 'shuffle', 'distinct', 'base64encode', 'base64decode',
  'encodeUrlComponent', 'encodeUrl', 'decodeUrlComponent', 'decodeUrl', 'eval', 'toMillis', 'fromMillis', 'clone',
  'now', 'millis', ...extensionFunctionNames,
]);

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
  return function readVariable(scope) {
    const vars = scope.frame.vars;
    const value = vars === null ? undefined : vars.get(name);
    if (value === undefined && builtin) throw BAIL;
    return value;
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
  const statesField = first.value === 'states' && first.predicate === undefined ? statesFieldReader(names[0]) : null;
  if (statesField !== null) {
    // `$states.input…` starts from the field itself: no `$states` object is built.
    const rest = names.slice(1);
    if (rest.length === 0) return statesField;
    if (names[0]!.name === 'context') {
      const leaf = contextLeaf(rest);
      if (leaf !== null) return leaf;
    }
    return function readStatesPath(scope) {
      return continuePath(statesField(scope), rest);
    };
  }
  const start = compileNode(first);
  if (start === null) return null;
  return function readPath(scope) {
    return continuePath(start(scope), names);
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
  if (step === undefined || step.filters !== null) return null;
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

/** A value read from data: a JavaScript function is no JSON value, so it reads as absent. */
function dataValue(value: unknown): unknown {
  return typeof value === 'function' ? undefined : value;
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
    if (step.filters !== null) return sequencePath([v], steps, i);
    if (v === null || typeof v !== 'object') return undefined;
    v = step.read(v);
    if (v === undefined) return undefined;
  }
  return v;
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
  if (node.value === '[') return compileArray(node.expressions!);
  if (node.value === '{') return compileObject(node.lhs as readonly (readonly [ExprNode, ExprNode])[]);
  return null;
}

/** An array constructor: undefined items vanish, array values are spliced in unless written as `[…]`. */
function compileArray(expressions: readonly ExprNode[]): Direct | null {
  const items: Direct[] = [];
  const nested: boolean[] = [];
  for (const e of expressions) {
    const item = compileNode(e);
    if (item === null) return null;
    items.push(item);
    nested.push(e.type === 'unary' && e.value === '[');
  }
  return function buildArray(scope) {
    const out: unknown[] = [];
    for (let i = 0; i < items.length; i++) {
      const v = items[i]!(scope);
      if (v === undefined) continue;
      if (!nested[i] && Array.isArray(v)) for (const x of v) out.push(x);
      else out.push(v);
    }
    return out;
  };
}

/** An object constructor evaluated with no context item: one group, undefined keys and values dropped. */
function compileObject(pairs: readonly (readonly [ExprNode, ExprNode])[]): Direct | null {
  const keys: Direct[] = [];
  const values: Direct[] = [];
  const literalKeys: string[] = [];
  for (const [k, v] of pairs) {
    const key = compileNode(k);
    const value = compileNode(v);
    if (key === null || value === null) return null;
    keys.push(key);
    values.push(value);
    if (k.type === 'string') literalKeys.push(k.value as string);
  }
  const fixedKeys = literalKeys.length === pairs.length && new Set(literalKeys).size === literalKeys.length;
  if (fixedKeys && literalKeys.includes('__proto__')) {
    // AWS keeps `__proto__` as an ordinary key; jsonata would set the prototype and lose it.
    return function buildObjectWithProtoKey(scope) {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!(scope);
        if (v !== undefined) defineKey(out, literalKeys[i]!, v);
      }
      return out;
    };
  }
  if (fixedKeys) {
    return function buildObject(scope) {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!(scope);
        if (v !== undefined) out[literalKeys[i]!] = v;
      }
      return out;
    };
  }
  return function buildObjectWithComputedKeys(scope) {
    const names: (string | undefined)[] = new Array(keys.length);
    const seen = new Set<string>();
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!(scope);
      if (key === undefined) continue;
      // Non-string keys and one key from two pairs are errors the library words.
      if (typeof key !== 'string' || seen.has(key)) throw BAIL;
      seen.add(key);
      names[i] = key;
    }
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const name = names[i];
      if (name === undefined) continue;
      const v = values[i]!(scope);
      if (v !== undefined) defineKey(out, name, v);
    }
    return out;
  };
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

// ---------------------------------------------------------------------------------------------
// Built-in functions

type Builtin = (args: readonly unknown[], scope: StatesScope) => unknown;

interface BuiltinSpec {
  readonly minArity: number;
  readonly maxArity: number;
  readonly call: Builtin;
}

function fixed(arity: number, call: Builtin): BuiltinSpec {
  return { minArity: arity, maxArity: arity, call };
}

/**
 * The pure built-ins (and Step Functions functions) evaluated directly, by name and arity.
 * Each follows jsonata's implementation, and bails wherever jsonata's signature check or the
 * function itself would raise an error, so the library words it.
 */
const builtins: ReadonlyMap<string, BuiltinSpec> = new Map<string, BuiltinSpec>([
  ['exists', fixed(1, ([v]) => v !== undefined)],
  ['count', fixed(1, ([v]) => (v === undefined ? 0 : Array.isArray(v) ? v.length : 1))],
  ['sum', fixed(1, ([v]) => aggregate(v, sumOf))],
  ['max', fixed(1, ([v]) => aggregate(v, (n) => (n.length === 0 ? undefined : Math.max(...n))))],
  ['min', fixed(1, ([v]) => aggregate(v, (n) => (n.length === 0 ? undefined : Math.min(...n))))],
  ['average', fixed(1, ([v]) => aggregate(v, (n) => (n.length === 0 ? undefined : sumOf(n) / n.length)))],
  ['floor', fixed(1, ([v]) => numberFunction(v, Math.floor))],
  ['ceil', fixed(1, ([v]) => numberFunction(v, Math.ceil))],
  ['abs', fixed(1, ([v]) => numberFunction(v, Math.abs))],
  ['string', fixed(1, ([v]) => (v === undefined ? undefined : toText(v)))],
  ['number', fixed(1, ([v]) => toNumber(v))],
  ['length', fixed(1, ([v]) => stringFunction(v, codePointLength))],
  ['uppercase', fixed(1, ([v]) => stringFunction(v, (s) => s.toUpperCase()))],
  ['lowercase', fixed(1, ([v]) => stringFunction(v, (s) => s.toLowerCase()))],
  ['trim', fixed(1, ([v]) => stringFunction(v, trim))],
  ['substring', { minArity: 2, maxArity: 3, call: ([s, start, length]) => substring(s, start, length) }],
  ['substringBefore', fixed(2, ([s, chars]) => substringAround(s, chars, true))],
  ['substringAfter', fixed(2, ([s, chars]) => substringAround(s, chars, false))],
  ['contains', fixed(2, ([s, p]) => contains(s, p))],
  ['join', { minArity: 1, maxArity: 2, call: ([strings, separator]) => join(strings, separator) }],
  ['boolean', fixed(1, ([v]) => booleanOf(v))],
  ['not', fixed(1, ([v]) => (v === undefined ? undefined : !booleanOf(v)))],
  ['keys', fixed(1, ([v]) => unwrap(keysOf(v)))],
  ['lookup', fixed(2, ([v, key]) => lookup(v, key))],
  ['merge', fixed(1, ([v]) => merge(v))],
  ['append', fixed(2, ([a, b]) => append(a, b))],
  ['now', fixed(0, (_, scope) => new Date(scope.now()).toISOString())],
  ['millis', fixed(0, (_, scope) => scope.now())],
  ['uuid', fixed(0, () => randomUUID())],
  ['hash', fixed(2, ([data, algorithm]) => hash(data, algorithm))],
  ['parse', fixed(1, ([text]) => parse(text))],
]);

function compileCall(node: ExprNode): Direct | null {
  const procedure = node.procedure!;
  if (procedure.type !== 'variable' || procedure.predicate !== undefined) return null;
  const name = procedure.value as string;
  const builtin = builtins.get(name);
  const arity = node.arguments!.length;
  if (builtin === undefined || arity < builtin.minArity || arity > builtin.maxArity) return null;
  const args: Direct[] = [];
  for (const a of node.arguments!) {
    const arg = compileNode(a);
    if (arg === null) return null;
    args.push(arg);
  }
  const call = builtin.call;
  return function callBuiltin(scope) {
    // A workflow variable of the same name hides the built-in.
    const vars = scope.frame.vars;
    if (vars !== null && vars.has(name)) throw BAIL;
    const values = new Array<unknown>(args.length);
    for (let i = 0; i < args.length; i++) values[i] = args[i]!(scope);
    return call(values, scope);
  };
}

/** A function of an array of numbers (`<a<n>:n>`): a single number counts as an array of one. */
function aggregate(v: unknown, f: (numbers: number[]) => unknown): unknown {
  if (v === undefined) return undefined;
  const items = Array.isArray(v) ? v : [v];
  for (const n of items) if (typeof n !== 'number' || !Number.isFinite(n)) throw BAIL;
  return f(items as number[]);
}

function sumOf(numbers: number[]): number {
  let total = 0;
  for (const n of numbers) total += n;
  return total;
}

function numberFunction(v: unknown, f: (n: number) => number): unknown {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw BAIL;
  return f(v);
}

const decimalNumber = /^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/;

function toNumber(v: unknown): unknown {
  if (v === undefined || typeof v === 'number') return v;
  if (typeof v === 'string' && decimalNumber.test(v) && Number.isFinite(Number(v))) return parseFloat(v);
  if (v === true) return 1;
  if (v === false) return 0;
  throw BAIL;
}

function stringFunction(v: unknown, f: (s: string) => unknown): unknown {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw BAIL;
  return f(v);
}

function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function contains(s: unknown, pattern: unknown): unknown {
  // jsonata checks every argument's type before it looks at any value.
  if (typeof pattern !== 'string' || (s !== undefined && typeof s !== 'string')) throw BAIL;
  return s === undefined ? undefined : s.includes(pattern);
}

/** jsonata's $trim: runs of spaces, tabs and line breaks become one space, then the ends are trimmed. */
function trim(s: string): string {
  let result = s.replace(/[ \t\n\r]+/gm, ' ');
  if (result.charAt(0) === ' ') result = result.substring(1);
  if (result.charAt(result.length - 1) === ' ') result = result.substring(0, result.length - 1);
  return result;
}

/** jsonata's $substring, counting code points; a negative start counts from the end. */
function substring(s: unknown, start: unknown, length: unknown): unknown {
  if ((s !== undefined && typeof s !== 'string') || typeof start !== 'number' || (length !== undefined && typeof length !== 'number')) throw BAIL;
  if (s === undefined) return undefined;
  const chars = Array.from(s);
  let from = start;
  if (chars.length + from < 0) from = 0;
  if (length !== undefined) {
    if (length <= 0) return '';
    const end = from >= 0 ? from + length : chars.length + from + length;
    return chars.slice(from, end).join('');
  }
  return chars.slice(from).join('');
}

function substringAround(s: unknown, chars: unknown, before: boolean): unknown {
  if ((s !== undefined && typeof s !== 'string') || typeof chars !== 'string') throw BAIL;
  if (s === undefined) return undefined;
  const at = s.indexOf(chars);
  if (at < 0) return s;
  return before ? s.slice(0, at) : s.slice(at + chars.length);
}

/** jsonata's $join (`<a<s>s?:s>`): a single string counts as an array of one. */
function join(strings: unknown, separator: unknown): unknown {
  if (separator !== undefined && typeof separator !== 'string') throw BAIL;
  if (strings === undefined) return undefined;
  const items = Array.isArray(strings) ? strings : [strings];
  for (const item of items) if (typeof item !== 'string') throw BAIL;
  return items.join(separator ?? '');
}

/** jsonata's $keys: an object's keys, or the distinct keys of an array's objects; a sequence. */
function keysOf(v: unknown): string[] {
  if (Array.isArray(v)) {
    // No prototype, so `__proto__` is a key like any other; the order is that of an object's keys, as in jsonata.
    const merged: Record<string, true> = Object.create(null);
    for (const item of v) for (const key of keysOf(item)) merged[key] = true;
    return Object.keys(merged);
  }
  if (v === null || typeof v !== 'object') return [];
  return Object.keys(v);
}

/** jsonata's unwrapping of a sequence: nothing is undefined, one item is that item. */
function unwrap(sequence: unknown[]): unknown {
  return sequence.length === 0 ? undefined : sequence.length === 1 ? sequence[0] : sequence;
}

/** $lookup as statemill installs it: own properties only, arrays mapped over. */
function lookup(v: unknown, key: unknown): unknown {
  if (typeof key !== 'string') throw BAIL;
  if (!Array.isArray(v)) {
    if (v === null || typeof v !== 'object') return undefined;
    return Object.prototype.hasOwnProperty.call(v, key) ? dataValue((v as Record<string, unknown>)[key]) : undefined;
  }
  return unwrap(lookupOwn(v, key));
}

function lookupOwn(array: readonly unknown[], key: string): unknown[] {
  const out: unknown[] = [];
  for (const item of array) {
    const found = Array.isArray(item) ? lookupOwn(item, key) : lookup(item, key);
    if (found === undefined) continue;
    if (Array.isArray(found)) for (const x of found) out.push(x);
    else out.push(found);
  }
  return out;
}

/** jsonata's $merge (`<a<o>:o>`): later objects' keys win. */
function merge(v: unknown): unknown {
  if (v === undefined) return undefined;
  const objects = Array.isArray(v) ? v : [v];
  const out: Record<string, unknown> = {};
  for (const object of objects) {
    if (object === null || typeof object !== 'object' || Array.isArray(object)) throw BAIL;
    for (const key of Object.keys(object)) defineKey(out, key, (object as Record<string, unknown>)[key]);
  }
  return out;
}

/** jsonata's $append: undefined on either side gives the other; otherwise one array of both. */
function append(a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return (Array.isArray(a) ? a : [a]).concat(Array.isArray(b) ? b : [b]);
}

/** Step Functions' $hash: the algorithm must be one AWS offers. */
function hash(data: unknown, algorithm: unknown): unknown {
  if ((data !== undefined && typeof data !== 'string') || typeof algorithm !== 'string') throw BAIL;
  if (data === undefined) return undefined;
  const name = hashAlgorithms.get(algorithm);
  if (name === undefined) throw BAIL;
  return createHash(name).update(data, 'utf8').digest('hex');
}

/** Step Functions' $parse: JSON text to a value. */
function parse(text: unknown): unknown {
  if (text === undefined) return undefined;
  if (typeof text !== 'string') throw BAIL;
  try {
    return parseJson(text);
  } catch {
    throw BAIL;
  }
}

// ---------------------------------------------------------------------------------------------
// jsonata's casts

function toBoolean(v: unknown): boolean {
  return booleanOf(v) === true;
}

/** jsonata's `string()` for JSON values: strings as they are, numbers to 15 significant digits. */
function toText(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      if (!Number.isFinite(v)) throw BAIL;
      // JSON.stringify of a finite number is String(); integers below 1e15 need no rounding.
      return Number.isInteger(v) && Math.abs(v) < 1e15 ? String(v) : String(Number(v.toPrecision(15)));
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return v === null ? 'null' : JSON.stringify(v, fifteenDigits);
  }
}

function fifteenDigits(_key: string, value: unknown): unknown {
  return typeof value === 'number' && Number.isFinite(value) ? Number(value.toPrecision(15)) : value;
}

/** jsonata's isDeepEqual, for JSON values. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  // jsonata compares an array with an object by their property names; leave that to it.
  if (Array.isArray(a) !== Array.isArray(b)) throw BAIL;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  for (const key of aKeys) {
    if (!Object.prototype.hasOwnProperty.call(b, key)) return false;
    if (!deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}
