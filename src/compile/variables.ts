import type { Problem } from '../asl/problems.js';
import { AslError, StatesErrors, runtimeError, stateCause } from '../run/errors.js';
import { type Frame } from '../run/frame.js';
import { VariableLayout, variableSize, type VariableScope } from '../run/variables.js';
import { jsonByteLength } from '../run/limits.js';
import { isPending } from '../run/state.js';
import { compileJsonataValue, isJsonataExpression, type Evaluate, type JsonataField } from './jsonata/index.js';
import { astOf, expressionText, parseJsonata, resultItemIndex } from './jsonata/ast.js';
import type { StatesScope } from './jsonata/scope.js';
import { compileDynamicValue, compileTemplate, type Builder } from './jsonpath/templates.js';

/**
 * Workflow variables: `Assign`. Its values are computed from what the state saw (its input,
 * result or error output, and the variables as they were when it was entered), and take
 * effect only once the state has produced its output: every expression of a state reads the
 * values from before it, so `{"x": "{% $y %}", "y": "{% $x %}"}` swaps two variables.
 *
 * Scopes follow the States blocks: a Parallel branch or a Map iteration reads the variables
 * of the blocks around it but may not assign one of their names, and what it assigns dies
 * with it (run/frame VariableScope). A distributed Map's iterations see nothing outside.
 *
 * The names an Assign sets are known at compile time, so it compiles to the list of names and
 * one evaluator per value; running it yields the values in that order. Each block's names
 * get fixed slots (layoutOf), which an Assign writes by index.
 */
export interface JsonPathAssign {
  readonly names: AssignedNames;
  evaluate(document: unknown, frame: Frame): unknown[];
}

export interface JsonataAssign {
  readonly names: AssignedNames;
  /** For each value, `k` when it is `$states.result[k]` alone (resultItemIndex), else -1. */
  readonly resultItems: readonly number[];
  /** The new values, in the order of `names`; a promise only when a value needed the jsonata library. */
  evaluate(scope: StatesScope): unknown[] | Promise<unknown[]>;
}

/** The names one Assign sets, with their slots in the layout of the scope it last assigned in (its block's, but for TestState's). */
export class AssignedNames {
  readonly list: readonly string[];
  private layout: VariableLayout | null;
  private slots: readonly number[];
  constructor(list: readonly string[]) {
    this.list = list;
    this.layout = null;
    this.slots = [];
  }
  /** The slot of each name in `scope`, which gains those its layout lacks. */
  slotsIn(scope: VariableScope): readonly number[] {
    if (scope.layout !== this.layout) {
      this.slots = this.list.map((name) => scope.slotFor(name));
      this.layout = scope.layout;
    }
    return this.slots;
  }
}

/** The names an Assign sets once its `.$` suffixes are taken off. */
function assignedNames(assign: unknown): string[] {
  return Object.keys(assign as Record<string, unknown>).map((key) => (key.endsWith('.$') ? key.slice(0, -2) : key));
}

/**
 * The slots of one States block's variables: the names the Assign fields of its states
 * set (the states', their Choices' and Catchers'), not those of the blocks inside them.
 */
export function layoutOf(block: Record<string, unknown>): VariableLayout {
  const names = new Set<string>();
  for (const state of Object.values((block.States ?? {}) as Record<string, unknown>)) collectAssigned(state, names);
  return new VariableLayout([...names]);
}

const NESTED_BLOCKS = new Set(['Branches', 'ItemProcessor', 'Iterator']);

function collectAssigned(node: unknown, names: Set<string>): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) collectAssigned(item, names);
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    if (NESTED_BLOCKS.has(key)) continue;
    if (key === 'Assign' && value !== null && typeof value === 'object' && !Array.isArray(value)) for (const name of assignedNames(value)) names.add(name);
    else collectAssigned(value, names);
  }
}

/** JSONPath Assign: `name.$` keys hold paths (over `$`, `$$` or `$var`) or intrinsic calls; other values are literal. */
export function compileJsonPathAssign(assign: unknown): JsonPathAssign {
  const entries = Object.entries(assign as Record<string, unknown>);
  const names = new AssignedNames(assignedNames(assign));
  const builders: Builder[] = entries.map(([key, value]) => (key.endsWith('.$') ? compileDynamicValue(value as string, key) : compileTemplate(value)));
  return {
    names,
    evaluate(document, frame) {
      const values = new Array<unknown>(builders.length);
      for (let i = 0; i < builders.length; i++) values[i] = builders[i]!(document, frame);
      return values;
    },
  };
}

/** JSONata Assign: each value may hold `{% … %}` expressions over `$states`. */
export function compileJsonataAssign(assign: unknown, field: JsonataField, problems: Problem[]): JsonataAssign {
  const keys = Object.keys(assign as Record<string, unknown>);
  const names = new AssignedNames(keys);
  const entries: Evaluate[] = keys.map((name) => compileJsonataValue((assign as Record<string, unknown>)[name], field.child(name), problems));
  return {
    names,
    resultItems: keys.map((name) => resultItemOf((assign as Record<string, unknown>)[name])),
    evaluate(scope) {
      const values = new Array<unknown>(entries.length);
      for (let i = 0; i < entries.length; i++) {
        const v = entries[i]!(scope);
        if (isPending(v)) return evaluateRest(entries, scope, values, i, v);
        values[i] = v;
      }
      return values;
    },
  };
}

/** resultItemIndex of an Assign value: -1 for a value that is not one expression, or one that does not parse (compileJsonataValue reports it). */
function resultItemOf(value: unknown): number {
  if (!isJsonataExpression(value)) return -1;
  try {
    return resultItemIndex(astOf(parseJsonata(expressionText(value))));
  } catch {
    return -1;
  }
}

/** Once one value needed the library, the rest are evaluated one by one, in order. */
async function evaluateRest(entries: Evaluate[], scope: StatesScope, values: unknown[], from: number, pending: PromiseLike<unknown>): Promise<unknown[]> {
  values[from] = await pending;
  for (let i = from + 1; i < entries.length; i++) values[i] = await entries[i]!(scope);
  return values;
}

/**
 * AWS's quotas on variables, in UTF-8 bytes of JSON: one variable and the values of one
 * Assign hold at most 256 KiB, all variables at most 10 MiB. They follow the machine's
 * payload limit (AWS's 256 KiB by default): a machine without that limit has none here, and
 * the total is 40 times it (10 MiB for 256 KiB). The total counts the variables visible
 * from the assigning scope: its own and those of the scopes around it.
 */
const TOTAL_PAYLOADS = 40;

/**
 * Sets the variables of one Assign in the frame's scope, once the state's output is known.
 * Each value's size is first an upper bound (payloadBound: string lengths, no string read),
 * which is what the scopes keep; only when the bounds do not prove a quota kept are the
 * values measured exactly (sizesExactly), so no quota refuses what fits. `measured`, an
 * object whose payloadBound the state already took (`$states.result`, once the result's
 * check measured it), is `measuredBound` wherever a value is that object: not walked again.
 * When `measured` is an array (a Parallel's or Map's result), an object that is its item at
 * `resultItems[i]` (the value `$states.result[k]`) is within the array's bound less its
 * brackets, and is kept at that bound unwalked.
 */
export function assignVariables(
  frame: Frame,
  target: AssignedNames,
  values: readonly unknown[],
  measured: unknown = null,
  measuredBound = Infinity,
  resultItems: readonly number[] | null = null,
): void {
  const scope = frame.vars!;
  const names = target.list;
  if (scope.parent !== null) {
    for (let i = 0; i < names.length; i++) {
      if (scope.parent.has(names[i]!)) {
        throw runtimeError(frame, `The variable '${names[i]}' belongs to an enclosing scope and cannot be assigned here.`);
      }
    }
  }
  const slots = target.slotsIn(scope);
  const limit = frame.exec.limits.payloadBytes;
  if (limit === Infinity) {
    for (let i = 0; i < slots.length; i++) scope.setSlot(slots[i]!, values[i], 0);
    if (frame.exec.history !== null) frame.exec.history.variablesAssigned(frame, names, values);
    return;
  }
  const sizes = new Array<number>(names.length);
  let assigned = 0;
  let replaced = 0;
  for (let i = 0; i < names.length; i++) {
    // Past the limit, payloadBound is the exact size.
    const value = values[i];
    const size = measuredBound <= limit ? measuredSize(value, measured, measuredBound, resultItems, i, limit) : variableSize(value, limit);
    if (size > limit) throw tooLarge(frame, `The variable '${names[i]}' exceeds the maximum size of ${limit} bytes.`);
    sizes[i] = size;
    assigned += size;
    replaced += scope.sizeAt(slots[i]!);
  }
  if (assigned > limit && sizesExactly(values, sizes, limit) > limit) {
    throw tooLarge(frame, `The variables assigned by this state exceed the maximum combined size of ${limit} bytes.`);
  }
  const total = limit * TOTAL_PAYLOADS;
  if (visibleBytes(scope) - replaced + assigned > total && exactTotal(scope, names, values, sizes, limit) > total) {
    throw tooLarge(frame, `The workflow variables exceed the maximum total size of ${total} bytes.`);
  }
  for (let i = 0; i < slots.length; i++) scope.setSlot(slots[i]!, values[i], sizes[i]!);
  if (frame.exec.history !== null) frame.exec.history.variablesAssigned(frame, names, values);
}

/** The size assignVariables keeps for the `i`th value, given a measured result within the limit. */
function measuredSize(value: unknown, measured: unknown, measuredBound: number, resultItems: readonly number[] | null, i: number, limit: number): number {
  if (value === measured) return measuredBound;
  const k = resultItems === null ? -1 : resultItems[i]!;
  // Numbers and booleans are sized exactly, as everywhere; an object item is inside the array's brackets.
  if (k >= 0 && value !== null && typeof value === 'object' && Array.isArray(measured) && measured[k] === value) return measuredBound - 2;
  return variableSize(value, limit);
}

/** Replaces each size by the exact one; their sum. */
function sizesExactly(values: readonly unknown[], sizes: number[], limit: number): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sizes[i] = jsonByteLength(values[i], limit);
    sum += sizes[i]!;
  }
  return sum;
}

/**
 * The exact total of the variables visible from `scope` once `names` are set to `values`
 * (their exact sizes written into `sizes`). The sizes the scopes keep for the other
 * variables are made exact too, so that the next Assign starts from them. Scopes cannot
 * hide an enclosing scope's variable (assignVariables refuses it), so each visible variable
 * is kept by exactly one scope.
 */
function exactTotal(scope: VariableScope, names: readonly string[], values: readonly unknown[], sizes: number[], limit: number): number {
  let total = sizesExactly(values, sizes, limit);
  for (const [name, value] of scope.visible()) {
    if (names.includes(name)) continue;
    const size = jsonByteLength(value, Infinity);
    total += size;
    let owner = scope;
    while (owner.parent !== null && owner.parent.has(name)) owner = owner.parent;
    owner.set(name, value, size);
  }
  return total;
}

function tooLarge(frame: Frame, detail: string): AslError {
  return new AslError(StatesErrors.DataLimitExceeded, stateCause(frame, detail));
}

/** Bytes held by this scope and every scope around it. */
function visibleBytes(scope: VariableScope): number {
  let total = 0;
  for (let s: VariableScope | null = scope; s !== null; s = s.parent) total += s.bytes;
  return total;
}

/** True when some state inside `block` (a Parallel branch, a Map processor, at any depth) has an Assign field. */
export function assignsAnywhere(block: unknown): boolean {
  return containsKey(block, 'Assign');
}

/** True when `key` is a field of `node` or of any object within it. */
function containsKey(node: unknown, key: string): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some((item) => containsKey(item, key));
  for (const [name, value] of Object.entries(node)) if (name === key || containsKey(value, key)) return true;
  return false;
}
