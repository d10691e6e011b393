import { createHash, randomUUID } from 'node:crypto';
import type jsonata from 'jsonata';
import { jsonataLibrary } from './ast.js';
import { setOwn } from '../../json.js';
import { neutralised } from './data.js';
import { hashAlgorithms } from '../intrinsics/functions.js';
import { GUARD_BINDING, type EvaluationGuard } from './guard.js';

/**
 * The functions Step Functions adds to JSONata ($partition, $range, $hash, $random with an
 * optional seed, $uuid, $parse), and the built-ins statemill replaces: $now and $millis read
 * the execution's clock, $lookup reads own properties only, $merge, $sift, $spread and $keys
 * keep `__proto__` keys (jsonata's own lose them, data.ts), and $eval is gone (AWS
 * removes it). Registered on every expression the library evaluates, each with jsonata's
 * signature notation.
 */

/** The binding holding the evaluation's timestamp; a name with a space no expression can write. */
export const NOW_BINDING = ' now';

/** `this` inside a function jsonata calls: the evaluation's environment and context value. */
interface Focus {
  readonly environment: { lookup(name: string): unknown };
  readonly input: unknown;
}

/** A failure inside one of these functions; jsonata passes it through and statemill reports its message. */
class FunctionError {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

/**
 * Chunks of `size` items; the last one may be shorter. AWS documents none of these edges:
 * a fractional size is truncated (towards zero), a size of 0 yields nothing, a negative one
 * fails (README, "Differences from AWS Step Functions").
 */
function partition(array: unknown[] | undefined, fractionalSize: number): unknown[] | undefined {
  if (array === undefined) return undefined;
  const size = Math.trunc(fractionalSize);
  if (size < 0) throw new FunctionError(`The chunk size of $partition must not be negative; found ${fractionalSize}`);
  if (size === 0) return undefined;
  const chunks: unknown[][] = [];
  for (let i = 0; i < array.length; i += size) chunks.push(array.slice(i, i + size));
  return chunks;
}

/**
 * From `start` towards `end` in steps of `step`, `end` included when a step lands on it. The
 * result is a JSONata sequence, so a single number comes back unwrapped, as on AWS, and no
 * number at all is nothing (a step of 0, or one leading away from `end`). Its arguments are
 * truncated as $partition's are. The 1,000-item limit of States.ArrayRange is not $range's:
 * only the evaluation's limit on items produced (guard.ts) bounds it, checked before the
 * numbers are made.
 */
function range(this: Focus, fractionalStart: number, fractionalEnd: number, fractionalStep: number): unknown[] | undefined {
  const start = Math.trunc(fractionalStart);
  const end = Math.trunc(fractionalEnd);
  const step = Math.trunc(fractionalStep);
  if (step === 0) return undefined;
  const count = Math.max(0, Math.floor((end - start) / step) + 1);
  (this.environment.lookup(GUARD_BINDING) as EvaluationGuard).makeRoom(count);
  const out: number[] & { sequence?: boolean } = new Array<number>(count);
  for (let i = 0; i < count; i++) out[i] = start + i * step;
  out.sequence = true;
  return out;
}

function hash(data: string | undefined, algorithm: string): string | undefined {
  if (data === undefined) return undefined;
  const name = hashAlgorithms.get(algorithm);
  if (name === undefined) {
    throw new FunctionError(`The hash algorithm '${algorithm}' is not supported; use one of ${[...hashAlgorithms.keys()].join(', ')}`);
  }
  return createHash(name).update(data, 'utf8').digest('hex');
}

const MULTIPLIER = 0x5deece66dn;
const INCREMENT = 0xbn;
const MASK = (1n << 48n) - 1n;
const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);

/** The first nextDouble() of `new java.util.Random(seed)`: AWS seeds $random that way. */
export function javaRandomDouble(seed: number): number {
  let long = BigInt(Math.trunc(seed));
  if (long > LONG_MAX) long = LONG_MAX;
  else if (long < LONG_MIN) long = LONG_MIN;
  let state = (long ^ MULTIPLIER) & MASK;
  function next(bits: number): number {
    state = (state * MULTIPLIER + INCREMENT) & MASK;
    return Number(state >> BigInt(48 - bits));
  }
  const high = next(26);
  const low = next(27);
  return (high * 2 ** 27 + low) / 2 ** 53;
}

function random(seed?: number): number {
  return seed === undefined ? Math.random() : javaRandomDouble(seed);
}

/** $parse for the library: the parsed data may not pose as a function there (data.ts). */
function parse(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (error) {
    throw new FunctionError(`$parse could not parse its argument as JSON: ${(error as Error).message}`);
  }
  return neutralised(value);
}

/**
 * JSON.parse, except that JSON has no negative zero: "-0" reads as 0, as it does on AWS.
 * A reviver would cost a call per value, so the result is only walked when the text could hold one.
 */
export function parseJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  return mayHoldNegativeZero(text) ? withoutNegativeZero(value) : value;
}

/**
 * Whether the text may hold a number token that reads as -0 (`-0`, `-0.00`, `-0e5`): some
 * `-0` where a value may start (after `[`, `,`, `:`, white space, or at the start), not
 * followed by a digit, nor by a fraction with a digit other than 0. Dates such as 2024-05-01
 * and ids such as `ab-0c` do not count. A scan from one `-0` to the next, where a regular
 * expression took a few percent of a workload that parses a webhook body per execution.
 */
export function mayHoldNegativeZero(text: string): boolean {
  for (let at = text.indexOf('-0'); at >= 0; at = text.indexOf('-0', at + 2)) {
    if (at > 0 && !valueStart(text.charCodeAt(at - 1))) continue;
    let next = at + 2;
    let c = text.charCodeAt(next);
    if (c === DOT) {
      do c = text.charCodeAt(++next);
      while (c === ZERO);
      if (c > ZERO && c <= NINE) continue;
      return true;
    }
    if (c >= ZERO && c <= NINE) continue;
    return true;
  }
  return false;
}

/** `[`, `,`, `:` or JSON white space: what may come before a value. */
function valueStart(c: number): boolean {
  return c === 91 || c === 44 || c === 58 || c === 32 || c === 10 || c === 13 || c === 9;
}

const DOT = 46;
const ZERO = 48;
const NINE = 57;

/** Replaces -0 by 0 in a freshly parsed value, in place. */
function withoutNegativeZero(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (value === null || typeof value !== 'object') return value;
  const container = value as Record<string, unknown>;
  for (const key of Object.keys(container)) {
    const v = container[key];
    // Set without the `__proto__` setter: JSON.parse makes such keys own properties.
    if (Object.is(v, -0)) Object.defineProperty(container, key, { value: 0, enumerable: true, writable: true, configurable: true });
    else if (v !== null && typeof v === 'object') withoutNegativeZero(v);
  }
  return value;
}

function now(this: Focus, picture?: string, timezone?: string): unknown {
  const ms = this.environment.lookup(NOW_BINDING) as number;
  if (picture === undefined && timezone === undefined) return new Date(ms).toISOString();
  return builtinFromMillis().then((fromMillis) => fromMillis.implementation.call(this, ms, picture, timezone));
}

function millis(this: Focus): number {
  return this.environment.lookup(NOW_BINDING) as number;
}

interface BuiltinFunction {
  readonly implementation: (...args: unknown[]) => unknown;
}

let fromMillis: Promise<BuiltinFunction> | null = null;

/** jsonata's own $fromMillis (its date formatter is not exported otherwise), fetched once. */
function builtinFromMillis(): Promise<BuiltinFunction> {
  fromMillis ??= jsonataLibrary()('$fromMillis').evaluate(undefined) as Promise<BuiltinFunction>;
  return fromMillis;
}

/**
 * $lookup as jsonata defines it (arrays map over their items), reading own properties only:
 * `$lookup($x, "constructor")` must never hand an expression a function of the engine.
 */
function lookup(input: unknown, key: string): unknown {
  if (Array.isArray(input)) {
    const out: unknown[] & { sequence?: boolean } = [];
    for (const item of input) {
      const found = lookup(item, key);
      if (found === undefined) continue;
      if (Array.isArray(found)) for (const v of found) out.push(v);
      else out.push(found);
    }
    out.sequence = true;
    return out;
  }
  // Like jsonata's own lookup, nothing is read off a function (a jsonata lambda or built-in).
  if (input === null || typeof input !== 'object' || isFunctionValue(input)) return undefined;
  return Object.prototype.hasOwnProperty.call(input, key) ? (input as Record<string, unknown>)[key] : undefined;
}

/** jsonata's `boolean()`: the effective boolean value; undefined stays undefined. */
export function booleanOf(v: unknown): boolean | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) {
    if (v.length === 1) return booleanOf(v[0]);
    for (const x of v) if (booleanOf(x)) return true;
    return false;
  }
  switch (typeof v) {
    case 'string':
      return v.length > 0;
    case 'number':
      return v !== 0 && !Number.isNaN(v);
    case 'boolean':
      return v;
    case 'object':
      return v !== null && Object.keys(v).length > 0;
    default:
      return false;
  }
}

/** A jsonata sequence: an array jsonata unwraps when it holds one item or none. */
type Sequence<T = unknown> = T[] & { sequence?: boolean };

function sequence<T>(): Sequence<T> {
  const out: Sequence<T> = [];
  out.sequence = true;
  return out;
}

/** jsonata's $merge (`<a<o>:o>`): later objects' keys win. */
function merge(objects: Record<string, unknown>[] | undefined): unknown {
  if (objects === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const object of objects) {
    const keys = Object.keys(object);
    for (let i = 0; i < keys.length; i++) setOwn(out, keys[i]!, object[keys[i]!]);
  }
  return out;
}

/** A function argument as jsonata hands it to a built-in: a JavaScript function, with the arity of the jsonata function it wraps. */
type Callable = ((...args: unknown[]) => unknown) & { arity?: number };

/** jsonata's $sift (`<o-f?:o>`): the entries for which the predicate is true; undefined when none is. */
async function sift(this: unknown, object: Record<string, unknown>, predicate: Callable | undefined): Promise<unknown> {
  if (typeof predicate !== 'function') throw new FunctionError('$sift needs a predicate function as its second argument');
  const arity = typeof predicate.arity === 'number' ? predicate.arity : predicate.length;
  const out: Record<string, unknown> = {};
  let kept = 0;
  for (const key of Object.keys(object)) {
    const value = object[key];
    const args: unknown[] = arity >= 3 ? [value, key, object] : arity >= 2 ? [value, key] : [value];
    if (booleanOf(await predicate.apply(this, args)) === true) {
      setOwn(out, key, value);
      kept++;
    }
  }
  return kept === 0 ? undefined : out;
}

/** jsonata's $append, which $spread builds on: concatenation leaves a plain array, not a sequence. */
function append(a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const left: unknown[] = Array.isArray(a) ? a : [a];
  return left.concat(Array.isArray(b) ? b : [b]);
}

/** jsonata's $spread (`<x-:a<o>>`): an object as one single-key object per key; functions are left whole. */
function spread(value: unknown): unknown {
  if (Array.isArray(value)) {
    let out: unknown = sequence<unknown>();
    for (const item of value) out = append(out, spread(item));
    return out;
  }
  if (value === null || typeof value !== 'object' || isFunctionValue(value)) return value;
  const out = sequence<unknown>();
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const single: Record<string, unknown> = {};
    setOwn(single, key, source[key]);
    out.push(single);
  }
  return out;
}

/** jsonata's $keys (`<x-:a<s>>`): an object's keys, or the distinct keys of an array's objects. */
function keys(value: unknown): Sequence<string> {
  const out = sequence<string>();
  if (Array.isArray(value)) {
    // No prototype, so `__proto__` is a key like any other; the order is that of an object's keys, as in jsonata.
    const merged: Record<string, true> = Object.create(null);
    for (const item of value) for (const key of keys(item)) merged[key] = true;
    for (const key of Object.keys(merged)) out.push(key);
  } else if (value !== null && typeof value === 'object' && !isFunctionValue(value)) {
    for (const key of Object.keys(value)) out.push(key);
  }
  return out;
}

/** A jsonata lambda or built-in function, as jsonata represents them. */
export function isFunctionValue(value: object): boolean {
  const v = value as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  return v._jsonata_function === true || v._jsonata_lambda === true;
}

/** Names statemill binds itself; a workflow variable of the same name shadows them in the fast path too. */
export const extensionFunctionNames: readonly string[] = ['partition', 'range', 'hash', 'random', 'uuid', 'parse', 'now', 'millis', 'lookup'];

/** Installs the Step Functions dialect on one compiled expression. */
export function installFunctions(expression: jsonata.Expression): void {
  expression.registerFunction('partition', partition as never, '<an:a>');
  expression.registerFunction('range', range as never, '<nnn:a>');
  expression.registerFunction('hash', hash as never, '<ss:s>');
  expression.registerFunction('random', random as never, '<n?:n>');
  expression.registerFunction('uuid', randomUUID as never, '<:s>');
  expression.registerFunction('parse', parse as never, '<s:x>');
  expression.registerFunction('now', now as never, '<s?s?:s>');
  expression.registerFunction('millis', millis as never, '<:n>');
  expression.registerFunction('lookup', lookup as never, '<x-s:x>');
  expression.registerFunction('merge', merge as never, '<a<o>:o>');
  expression.registerFunction('sift', sift as never, '<o-f?:o>');
  expression.registerFunction('spread', spread as never, '<x-:a<o>>');
  expression.registerFunction('keys', keys as never, '<x-:a<s>>');
  expression.assign('eval', undefined);
}
