import { createHash, randomUUID } from 'node:crypto';
import { BAIL } from './bail.js';
import { setOwn } from '../../json.js';
import { characterCount } from '../../run/characters.js';
import { dataValue } from './data.js';
import { booleanOf, extensionFunctionNames, parseJson } from './functions.js';
import { hashAlgorithms } from '../intrinsics/functions.js';
import type { StatesScope } from './scope.js';

/**
 * jsonata's built-in functions and casts as direct evaluation (direct.ts) runs them: each
 * follows jsonata 2.0.6's implementation and throws BAIL wherever jsonata would raise an error.
 */

/** jsonata 2.0.6's built-in functions: reading one of these names as a value yields a function. */
export const builtinNames: ReadonlySet<string> = new Set([
  'sum',
  'count',
  'max',
  'min',
  'average',
  'string',
  'substring',
  'substringBefore',
  'substringAfter',
  'lowercase',
  'uppercase',
  'length',
  'trim',
  'pad',
  'match',
  'contains',
  'replace',
  'split',
  'join',
  'formatNumber',
  'formatBase',
  'formatInteger',
  'parseInteger',
  'number',
  'floor',
  'ceil',
  'round',
  'abs',
  'sqrt',
  'power',
  'random',
  'boolean',
  'not',
  'map',
  'zip',
  'filter',
  'single',
  'reduce',
  'sift',
  'keys',
  'lookup',
  'append',
  'exists',
  'spread',
  'merge',
  'reverse',
  'each',
  'error',
  'assert',
  'type',
  'sort',
  'shuffle',
  'distinct',
  'base64encode',
  'base64decode',
  'encodeUrlComponent',
  'encodeUrl',
  'decodeUrlComponent',
  'decodeUrl',
  'eval',
  'toMillis',
  'fromMillis',
  'clone',
  'now',
  'millis',
  ...extensionFunctionNames,
]);

// ---------------------------------------------------------------------------------------------
// Built-in functions

/**
 * A built-in called with its arguments in place (those not written are undefined): no array
 * is built per call.
 */
type Builtin = (a: unknown, b: unknown, c: unknown, scope: StatesScope) => unknown;

export interface BuiltinSpec {
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
export const builtins: ReadonlyMap<string, BuiltinSpec> = new Map<string, BuiltinSpec>([
  ['exists', fixed(1, (v) => v !== undefined)],
  ['count', fixed(1, (v) => (v === undefined ? 0 : Array.isArray(v) ? v.length : 1))],
  ['sum', fixed(1, (v) => aggregate(v, sumOf))],
  ['max', fixed(1, (v) => aggregate(v, (n) => (n.length === 0 ? undefined : Math.max(...n))))],
  ['min', fixed(1, (v) => aggregate(v, (n) => (n.length === 0 ? undefined : Math.min(...n))))],
  ['average', fixed(1, (v) => aggregate(v, (n) => (n.length === 0 ? undefined : sumOf(n) / n.length)))],
  ['floor', fixed(1, (v) => numberFunction(v, Math.floor))],
  ['ceil', fixed(1, (v) => numberFunction(v, Math.ceil))],
  ['abs', fixed(1, (v) => numberFunction(v, Math.abs))],
  ['string', fixed(1, (v) => (v === undefined ? undefined : toText(v)))],
  ['number', fixed(1, (v) => toNumber(v))],
  ['length', fixed(1, (v) => stringFunction(v, characterCount))],
  ['uppercase', fixed(1, (v) => stringFunction(v, (s) => s.toUpperCase()))],
  ['lowercase', fixed(1, (v) => stringFunction(v, (s) => s.toLowerCase()))],
  ['trim', fixed(1, (v) => stringFunction(v, trim))],
  ['substring', { minArity: 2, maxArity: 3, call: substring }],
  ['substringBefore', fixed(2, (s, chars) => substringAround(s, chars, true))],
  ['substringAfter', fixed(2, (s, chars) => substringAround(s, chars, false))],
  ['contains', fixed(2, contains)],
  ['join', { minArity: 1, maxArity: 2, call: join }],
  ['boolean', fixed(1, (v) => booleanOf(v))],
  ['not', fixed(1, (v) => (v === undefined ? undefined : !booleanOf(v)))],
  ['keys', fixed(1, (v) => unwrap(keysOf(v)))],
  ['lookup', fixed(2, lookup)],
  ['merge', fixed(1, merge)],
  ['append', fixed(2, append)],
  ['now', fixed(0, (_a, _b, _c, scope) => new Date(scope.now()).toISOString())],
  ['millis', fixed(0, (_a, _b, _c, scope) => scope.now())],
  ['uuid', fixed(0, () => randomUUID())],
  ['hash', fixed(2, hash)],
  ['parse', fixed(1, parse)],
]);

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

const SURROGATE = /[\ud800-\udfff]/;

/**
 * jsonata's $substring, counting code points; a negative start counts from the end. A string
 * without surrogates has one code point per UTF-16 unit, and String.prototype.slice takes its
 * arguments as Array.prototype.slice does: it is cut where it is, without an array of its
 * characters (a Choice rule of a workload calls this once per execution).
 */
function substring(s: unknown, start: unknown, length: unknown): unknown {
  if ((s !== undefined && typeof s !== 'string') || typeof start !== 'number' || (length !== undefined && typeof length !== 'number')) throw BAIL;
  if (s === undefined) return undefined;
  if (!SURROGATE.test(s)) return unitSubstring(s, start, length as number | undefined);
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

/** $substring of a string whose code points are its UTF-16 units. */
function unitSubstring(s: string, start: number, length: number | undefined): string {
  let from = start;
  if (s.length + from < 0) from = 0;
  if (length !== undefined) {
    if (length <= 0) return '';
    return s.slice(from, from >= 0 ? from + length : s.length + from + length);
  }
  return s.slice(from);
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
    for (const key of Object.keys(object)) setOwn(out, key, (object as Record<string, unknown>)[key]);
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

export function toBoolean(v: unknown): boolean {
  return booleanOf(v) === true;
}

/** jsonata's `string()` for JSON values: strings as they are, numbers to 15 significant digits. */
export function toText(v: unknown): string {
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
export function deepEqual(a: unknown, b: unknown): boolean {
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
