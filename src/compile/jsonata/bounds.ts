import { astOf, isJsonataExpression, parseJsonata, plainStep, type ExprNode } from './ast.js';
import { setOwn } from '../../json.js';
import type { TemplateBound } from '../jsonpath/templates.js';
import { VariableRead } from '../../run/variables.js';

/**
 * Size bounds of what JSONata fields build, as for JSONPath templates (jsonpath/templates.ts),
 * so that payload-limit checks add numbers instead of walking values: a field's JSON is at
 * most `fixed + input × (the state input's bound) + result × (the result's bound)`. Only
 * shapes whose size follows from their parts count:
 *
 * - `$states.input` or a path of plain names under it: parts of the input, each at most once,
 *   so never longer than the input (likewise `$states.result…`, and in an ItemSelector whose
 *   items come from the input, `$states.context.Map.Item.Value…`);
 * - `$states.context.Map.Item.Index`, a small integer;
 * - where the caller can take the variables' sizes before the state's Assign changes them
 *   (Arguments, an ItemSelector: `variables`), a variable or a path of plain names under
 *   it: parts of the variable, no longer than the size its scope keeps (run/variables.ts);
 * - literals; object and array constructors (their parts, keys, punctuation);
 * - `$merge(…)`: every pair of the merged object comes from one of the objects merged, so it
 *   is no longer than its argument; a condition: at most both branches; numbers and
 *   booleans that operators and $count/$exists compute.
 *
 * Anything else (the rest of the context, strings computed by `&` or functions) has no
 * bound: null.
 */
export interface ExpressionBound {
  readonly fixed: number;
  readonly input: number;
  readonly result: number;
  /** The variables read, a name once per read. */
  readonly variables: readonly string[];
}

/**
 * Where a bound may read from: in an ItemSelector whose items are parts of the input, an item
 * counts as a read of the input; variables only where `variables` (Output and Assign are
 * evaluated before their state's Assign takes effect, but their bounds are used after it).
 */
export interface BoundSources {
  readonly itemInInput: boolean;
  readonly variables: boolean;
}

const OUTPUT: BoundSources = { itemInInput: false, variables: false };
const ARGUMENTS: BoundSources = { itemInInput: false, variables: true };

/** Most bytes a number takes in JSON (as payloadBound counts them). */
const NUMBER_BYTES = 25;
/** `false`. */
const BOOLEAN_BYTES = 5;

/**
 * The bound of a Task's Arguments: reads of the input and of variables (the result does not
 * exist yet). Null when any part is unbounded.
 */
export function jsonataValueBound(value: unknown, sources: BoundSources = ARGUMENTS): TemplateBound | null {
  const bound = fieldBound(value, sources);
  if (bound === null || bound.result !== 0) return null;
  return { fixed: bound.fixed, reads: bound.input, variables: bound.variables.map((name) => new VariableRead(name)) };
}

/** The bound of a JSONata field's value (JSON with `{% … %}` strings at any depth); null when unbounded. */
export function fieldBound(value: unknown, sources: BoundSources = OUTPUT): ExpressionBound | null {
  const total = { fixed: 0, input: 0, result: 0, variables: [] as string[] };
  const skeleton = skeletonOf(value, sources, total);
  if (skeleton === UNBOUNDED) return null;
  // Each expression sits in the skeleton as `null`: its 4 bytes are counted on top of its own bound.
  return { fixed: total.fixed + utf8Length(JSON.stringify(skeleton)), input: total.input, result: total.result, variables: total.variables };
}

const UNBOUNDED = Symbol('unbounded');

/** The value with every expression written as null, its bound added to `total`. */
function skeletonOf(value: unknown, sources: BoundSources, total: { fixed: number; input: number; result: number; variables: string[] }): unknown {
  if (isJsonataExpression(value)) {
    const bound = textBound(value, sources);
    if (bound === null) return UNBOUNDED;
    total.fixed += bound.fixed;
    total.input += bound.input;
    total.result += bound.result;
    total.variables.push(...bound.variables);
    return null;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const s = skeletonOf(item, sources, total);
      if (s === UNBOUNDED) return UNBOUNDED;
      out.push(s);
    }
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const s = skeletonOf(item, sources, total);
      if (s === UNBOUNDED) return UNBOUNDED;
      setOwn(out, key, s);
    }
    return out;
  }
  return value;
}

function textBound(text: string, sources: BoundSources): ExpressionBound | null {
  let ast: ExprNode;
  try {
    ast = astOf(parseJsonata(text.slice(2, -2)));
  } catch {
    return null;
  }
  return nodeBound(ast, sources);
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function constantBound(bytes: number): ExpressionBound {
  return { fixed: bytes, input: 0, result: 0, variables: [] };
}

function sum(bounds: readonly ExpressionBound[], fixed: number): ExpressionBound {
  let input = 0;
  let result = 0;
  const variables: string[] = [];
  for (const b of bounds) {
    fixed += b.fixed;
    input += b.input;
    result += b.result;
    variables.push(...b.variables);
  }
  return { fixed, input, result, variables };
}

/** Operators whose value is a number, or undefined. */
const numberOperators: ReadonlySet<string> = new Set(['+', '-', '*', '/', '%']);
/** Operators whose value is a boolean, or undefined. */
const booleanOperators: ReadonlySet<string> = new Set(['=', '!=', '<', '<=', '>', '>=', 'and', 'or', 'in']);

function nodeBound(node: ExprNode, sources: BoundSources): ExpressionBound | null {
  if (node.group !== undefined || node.keepArray === true || node.tuple === true || node.predicate !== undefined || node.stages !== undefined) return null;
  switch (node.type) {
    case 'string':
      return constantBound(utf8Length(JSON.stringify(node.value)));
    case 'number':
      return constantBound(NUMBER_BYTES);
    case 'value':
      return constantBound(BOOLEAN_BYTES);
    case 'path':
      return pathBound(node, sources);
    case 'variable':
      return variableBound(node.value as string, sources);
    case 'binary':
      if (numberOperators.has(node.value as string)) return constantBound(NUMBER_BYTES);
      if (booleanOperators.has(node.value as string)) return constantBound(BOOLEAN_BYTES);
      return null;
    case 'condition': {
      const then = nodeBound(node.then!, sources);
      const otherwise = node.else === undefined ? constantBound(0) : nodeBound(node.else, sources);
      return then === null || otherwise === null ? null : sum([then, otherwise], 0);
    }
    case 'block':
      return node.expressions!.length === 1 ? nodeBound(node.expressions![0]!, sources) : null;
    case 'unary':
      return constructorBound(node, sources);
    case 'function':
      return callBound(node, sources);
    default:
      return null;
  }
}

/**
 * An array constructor: brackets, and each item with a comma (an array value spliced in loses
 * its brackets). An object constructor with string keys: braces, each key quoted with its
 * colon and comma, and the values.
 */
function constructorBound(node: ExprNode, sources: BoundSources): ExpressionBound | null {
  if (node.value === '[') {
    const items: ExpressionBound[] = [];
    for (const e of node.expressions!) {
      const b = nodeBound(e, sources);
      if (b === null) return null;
      items.push(b);
    }
    return sum(items, 2 + items.length);
  }
  if (node.value !== '{') return null;
  const parts: ExpressionBound[] = [];
  let fixed = 2;
  for (const [key, value] of node.lhs as readonly (readonly [ExprNode, ExprNode])[]) {
    if (key.type !== 'string') return null;
    const b = nodeBound(value, sources);
    if (b === null) return null;
    fixed += utf8Length(JSON.stringify(key.value)) + 2;
    parts.push(b);
  }
  return sum(parts, fixed);
}

function callBound(node: ExprNode, sources: BoundSources): ExpressionBound | null {
  const procedure = node.procedure!;
  if (procedure.type !== 'variable' || !plainStep(procedure)) return null;
  const args = node.arguments!;
  switch (procedure.value) {
    case 'merge':
      return args.length === 1 ? nodeBound(args[0]!, sources) : null;
    case 'count':
      return constantBound(NUMBER_BYTES);
    case 'exists':
      return constantBound(BOOLEAN_BYTES);
    default:
      return null;
  }
}

/**
 * `$states.input…`, `$states.result…`, `$states.context.Map.Item.Index`, `$states.context.Map.Item.Value…`,
 * and a variable's: plain name steps only.
 */
function pathBound(node: ExprNode, sources: BoundSources): ExpressionBound | null {
  if (node.keepSingletonArray === true) return null;
  const steps = node.steps!;
  if (steps.length < 2 || steps[0]!.type !== 'variable') return null;
  if (!steps.every((step, i) => plainStep(step) && (i === 0 || step.type === 'name'))) return null;
  if (steps[0]!.value !== 'states') return variableBound(steps[0]!.value as string, sources);
  const names = steps.slice(1).map((step) => step.value as string);
  switch (names[0]) {
    case 'input':
      return { fixed: 0, input: 1, result: 0, variables: [] };
    case 'result':
      return { fixed: 0, input: 0, result: 1, variables: [] };
    case 'context':
      if (names[1] !== 'Map' || names[2] !== 'Item') return null;
      if (names[3] === 'Index' && names.length === 4) return constantBound(NUMBER_BYTES);
      if (names[3] === 'Value' && sources.itemInInput) return { fixed: 0, input: 1, result: 0, variables: [] };
      return null;
    default:
      return null;
  }
}

/** A workflow variable (`$` and `$$` are not; `$states` whole is unbounded); one of a built-in's name that no scope holds has no size, so no bound at run time. */
function variableBound(name: string, sources: BoundSources): ExpressionBound | null {
  if (!sources.variables || name === '' || name === '$' || name === 'states') return null;
  return { fixed: 0, input: 0, result: 0, variables: [name] };
}

/**
 * The bound of each iteration's input of a JSONata Map, when its items are parts of the
 * Map's input (no Items field, or Items a path of plain names under `$states.input`): the
 * ItemSelector's, or the item's own. Null otherwise (and for a Map with an ItemReader or an
 * ItemBatcher, which the caller leaves out).
 */
export function jsonataItemBound(def: Record<string, unknown>): TemplateBound | null {
  const itemInInput = !('Items' in def) || (isJsonataExpression(def.Items) && readsInputPath(def.Items));
  if ('ItemSelector' in def) return jsonataValueBound(def.ItemSelector, { itemInInput, variables: true });
  return itemInInput ? { fixed: 0, reads: 1, variables: [] } : null;
}

function readsInputPath(text: string): boolean {
  let ast: ExprNode;
  try {
    ast = astOf(parseJsonata(text.slice(2, -2)));
  } catch {
    return false;
  }
  if (ast.type !== 'path') return false;
  const bound = pathBound(ast, OUTPUT);
  return bound !== null && bound.input === 1 && bound.fixed === 0;
}
