import type jsonata from 'jsonata';
import { setOwn } from '../../json.js';
import { childrenOf, type ExprNode } from './ast.js';

/**
 * What the jsonata library must not be handed, and what it must not build.
 *
 * jsonata takes any object whose `_jsonata_lambda` (or `_jsonata_function`) is true for a
 * function, and a lambda's `body` for a syntax tree to evaluate. Data shaped that way, from an
 * input or built by an expression, would run a syntax tree no parser checked: one that reads
 * `__proto__` and calls what it finds can change Object.prototype. So those two keys never
 * reach the library holding `true`: in data bound for an evaluation they hold FLAG_TRUE
 * instead (turned back into `true` in the result), and an object constructor the library
 * evaluates may not build them.
 *
 * jsonata also builds objects by assignment, so a `__proto__` key would set the new object's
 * prototype and vanish. statemill's own $merge, $sift, $spread and $keys keep such keys, and
 * object constructors evaluated directly (direct.ts) do too; one evaluated by the
 * library refuses the key rather than lose it.
 *
 * And jsonata writes `token` and `position` onto an object an expression calls, before it
 * finds that the object is no function: `$states.input.f()` would change the input. The call
 * fails before that, with jsonata's own error (T1006).
 *
 * Data is JSON, and JSON holds no functions: a JavaScript function in an input, a task result
 * or a variable (a member, an item, what a getter returns) would be called by jsonata like one
 * of its own wherever an expression calls a value (`$f()`, `~>`, `$map`, `$sort`'s comparator…).
 * Data bound for the library is therefore seen as JSON.stringify sees it: a member holding a
 * function is left out, an item holding one is null. What a getter returns when jsonata reads
 * it later is not seen here, so every step's result is checked too (refuseDataFunction).
 */

/** The keys jsonata reads as "this object is a function". */
const functionFlags: ReadonlySet<string> = new Set(['_jsonata_lambda', '_jsonata_function']);

/** Stands for `true` under a function flag in data handed to jsonata; a frozen empty object. */
export const FLAG_TRUE: object = Object.freeze({});

/** Objects visited before giving up on a value; only a cyclic value built in code gets this far. */
const MAX_VISITS = 50_000_000;

/**
 * The value with every function flag that is `true` replaced by FLAG_TRUE and every
 * JavaScript function left out (a member) or null (an item). The value itself (nothing
 * copied) when it holds neither, which one walk without allocation decides; otherwise a copy
 * of the objects and arrays on the way to each.
 */
export function neutralised(value: unknown): unknown {
  if (typeof value === 'function') return undefined;
  return holdsFunctionFlag(value) ? withoutFunctionFlags(value) : value;
}

function isFlagged(object: Record<string, unknown>): boolean {
  return object._jsonata_lambda === true || object._jsonata_function === true;
}

/** A loop with its own stack rather than recursion: inputs may be nested 100,000 levels deep. */
function holdsFunctionFlag(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const pending: object[] = [value];
  let visits = 0;
  while (pending.length > 0) {
    const v = pending.pop()!;
    if (++visits > MAX_VISITS) throw new RangeError('The data bound for the expression is too large or cyclic');
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        if (item !== null && typeof item === 'object') pending.push(item);
        else if (typeof item === 'function') return true;
      }
      continue;
    }
    const object = v as Record<string, unknown>;
    if (isFlagged(object)) return true;
    for (const key in object) {
      const item = object[key];
      if (item !== null && typeof item === 'object') pending.push(item);
      else if (typeof item === 'function') return true;
    }
  }
  return false;
}

/** The copy-on-write replacement; reached only for values that hold a flag. */
function withoutFunctionFlags(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const after = typeof item === 'function' ? null : withoutFunctionFlags(item);
      if (after === item) continue;
      copy ??= value.slice();
      copy[i] = after;
    }
    return copy ?? value;
  }
  const source = value as Record<string, unknown>;
  const keys = Object.keys(source);
  let copy: Record<string, unknown> | null = null;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = source[key];
    const after = item === true && functionFlags.has(key) ? FLAG_TRUE : typeof item === 'function' ? undefined : withoutFunctionFlags(item);
    if (copy === null) {
      if (after === item) continue;
      copy = {};
      for (let j = 0; j < i; j++) setOwn(copy, keys[j]!, source[keys[j]!]);
    }
    if (after !== undefined) setOwn(copy, key, after);
  }
  if (copy !== null) return copy;
  if (!isFlagged(source)) return source;
  // A flag inherited from a prototype (an object built in code): a plain copy shadows it.
  copy = {};
  for (const key of keys) setOwn(copy, key, source[key]);
  for (const flag of functionFlags) if (source[flag] === true) copy[flag] = FLAG_TRUE;
  return copy;
}

/** A value read from data: a JavaScript function is no JSON value, so it reads as absent. */
export function dataValue(value: unknown): unknown {
  return typeof value === 'function' ? undefined : value;
}

// ---------------------------------------------------------------------------------------------
// Keys of objects the library builds

/** The name of the key check; its space keeps expressions from calling it. */
const KEY_CHECK = ' checkObjectKey';

/** A key the library must not build, and why. */
const refusedKeys: ReadonlyMap<string, string> = new Map([
  [
    '__proto__',
    "jsonata would make the value the object's prototype; statemill keeps the key only in object constructors it evaluates directly (whose keys and values are literals, paths, operators and simple functions)",
  ],
  ['_jsonata_lambda', 'jsonata would take the object for a function'],
  ['_jsonata_function', 'jsonata would take the object for a function'],
]);

class ObjectKeyError {
  readonly message: string;
  constructor(key: string, reason: string) {
    this.message = `An object built by this expression cannot have the key '${key}': ${reason}.`;
  }
}

/** Passes a key through unchanged (jsonata itself refuses what is not a string), unless it is refused. */
function checkObjectKey(key: unknown): unknown {
  if (typeof key === 'string') {
    const reason = refusedKeys.get(key);
    if (reason !== undefined) throw new ObjectKeyError(key, reason);
  }
  return key;
}

type Pair = [ExprNode, ExprNode];

/** The nodes that compute what a function call calls, in every expression prepared for the library. */
const callees = new WeakSet<ExprNode>();

/**
 * Prepares an expression's own syntax tree for the library, once. Every object-constructor
 * key it would evaluate (in `{…}` and in grouping `path{…}`) is wrapped in a call of the key
 * check, except string literals that are not refused: those cost nothing at run time. And the
 * node that computes what each function call calls is noted, for refuseDataCall.
 */
export function prepareSyntaxTree(expression: jsonata.Expression, ast: ExprNode): void {
  expression.registerFunction(KEY_CHECK, checkObjectKey as never);
  const pending: ExprNode[] = [ast];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.type === 'unary' && node.value === '{') wrapKeys(node.lhs as Pair[]);
    if (node.group !== undefined) wrapKeys(node.group.lhs as Pair[]);
    if (node.type === 'function') callees.add(node.procedure!);
    for (const child of childrenOf(node)) pending.push(child);
  }
}

/** jsonata's error for calling what is not a function; it words the message from the code. */
class NotAFunction {
  readonly code = 'T1006';
  readonly message = 'Attempted to invoke a non-function';
}

/**
 * Called with every step's result (guard.ts): a data object or array about to be
 * called fails here, as jsonata would fail it a moment later, but before jsonata writes to it.
 */
export function refuseDataCall(node: unknown, result: object): void {
  if (callees.has(node as ExprNode) && !isFlagged(result as Record<string, unknown>)) throw new NotAFunction();
}

/** The closures jsonata builds for regex literals (`/…/`): the only JavaScript functions an evaluation makes itself. */
const regexClosures = new WeakSet<object>();

/** A JavaScript function that came from data, met as the value of a step. */
class DataFunctionError {
  readonly message =
    'A JavaScript function found in the data (an input, a task result or a variable) cannot be used in an expression: data is JSON, and JSON holds no functions.';
}

/**
 * Called with every step's result that is a function, or a sequence of one function
 * (jsonata unwraps it after the step): only a regex literal's closure may be one. Anything
 * else came from data (a member, an item, a getter), and would be called if used.
 */
export function refuseDataFunction(node: unknown, fn: object): void {
  if ((node as ExprNode).type === 'regex') regexClosures.add(fn);
  else if (!regexClosures.has(fn)) throw new DataFunctionError();
}

function wrapKeys(pairs: Pair[]): void {
  for (const pair of pairs) {
    const key = pair[0];
    if (key.type === 'string' && !refusedKeys.has(key.value as string)) continue;
    pair[0] = {
      type: 'function',
      value: '(',
      position: key.position,
      procedure: { type: 'variable', value: KEY_CHECK, position: key.position },
      arguments: [key],
    };
  }
}
