import { createHash } from 'node:crypto';
import { runtimeError } from '../../run/errors.js';
import { copyOwn } from '../../json.js';
import type { ArgNode, CallNode, Evaluator } from './parse.js';
import { isObject } from '../../json.js';

/**
 * The bodies of the intrinsic functions. A body returns a Rejection (never throws) when its
 * arguments are unusable: at compile time that is the problem reported, at run time
 * States.Runtime ("Invalid arguments in …").
 */

/** Longest input of Base64Encode, Base64Decode and Hash, in characters. */
export const MAX_TEXT_INPUT = 10_000;
/** Most items ArrayRange may produce. */
const MAX_RANGE_ITEMS = 1000;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** Returned by a function body whose arguments are unusable; `reason` explains it at compile time. */
export class Rejection {
  readonly reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
}

/** The typeof guard keeps the common case (a number, a string) off instanceof's slow path. */
export function isRejection(value: unknown): value is Rejection {
  return typeof value === 'object' && value instanceof Rejection;
}

export function reject(reason: string): Rejection {
  return new Rejection(reason);
}

export function textTooLong(text: string): boolean {
  return text.length > MAX_TEXT_INPUT;
}

// --- States.Format ----------------------------------------------------------------------

/**
 * Splits a literal template at its `{}` placeholders. In the raw text (escapes intact) `\{`
 * and `\}` are literal braces; any other brace on its own can never format.
 */
function templateSegments(raw: string): string[] | string {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\') {
      current += raw[++i];
    } else if (c === '{' && raw[i + 1] === '}') {
      segments.push(current);
      current = '';
      i++;
    } else if (c === '{' || c === '}') {
      return `the template has an unescaped '${c}' that is not part of a '{}' placeholder; escape a literal brace with a backslash`;
    } else {
      current += c;
    }
  }
  segments.push(current);
  return segments;
}

export function checkFormatTemplate(args: readonly ArgNode[]): string | null {
  const template = args[0];
  if (template === undefined || template.type !== 'literal' || typeof template.value !== 'string') return null;
  const segments = templateSegments(template.raw);
  if (typeof segments === 'string') return segments;
  const placeholders = segments.length - 1;
  const values = args.length - 1;
  if (placeholders === values) return null;
  return `the template has ${placeholders} '{}' placeholder${placeholders === 1 ? '' : 's'} but ${values} value${values === 1 ? ' was' : 's were'} given`;
}

export function compileFormat(call: CallNode, compileArgument: (arg: ArgNode) => Evaluator, invalid: string): Evaluator {
  const template = call.args[0]!;
  const values = call.args.slice(1).map((a) => compileArgument(a));
  if (template.type === 'literal') {
    const segments = templateSegments(template.raw) as string[];
    const head = segments[0]!;
    if (values.length === 1) {
      const [value] = values as [Evaluator];
      const tail = segments[1]!;
      return function formatOne(document, frame) {
        return head + formatText(value(document, frame)) + tail;
      };
    }
    return function formatTemplate(document, frame) {
      let out = head;
      for (let i = 0; i < values.length; i++) out += formatText(values[i]!(document, frame)) + segments[i + 1]!;
      return out;
    };
  }
  const readTemplate = compileArgument(template);
  return function formatDynamicTemplate(document, frame) {
    const args = new Array<unknown>(values.length + 1);
    args[0] = readTemplate(document, frame);
    for (let i = 0; i < values.length; i++) args[i + 1] = values[i]!(document, frame);
    const result = formatValues(args);
    if (isRejection(result)) throw runtimeError(frame, invalid);
    return result;
  };
}

export function foldFormat(args: readonly ArgNode[], values: readonly unknown[]): unknown {
  const template = args[0]!;
  if (template.type !== 'literal') return formatValues(values);
  const segments = templateSegments(template.raw) as string[];
  let out = segments[0]!;
  for (let i = 1; i < values.length; i++) out += formatText(values[i]) + segments[i]!;
  return out;
}

/** Format with a template known only at run time: there `{}` is the only special sequence. */
export function formatValues(values: readonly unknown[]): unknown {
  const template = values[0];
  if (typeof template !== 'string') return reject('the template is not a string');
  const segments = template.split('{}');
  if (segments.length !== values.length) return reject(`the template has ${segments.length - 1} '{}' placeholders but ${values.length - 1} values were given`);
  let out = segments[0]!;
  for (let i = 1; i < values.length; i++) out += formatText(values[i]) + segments[i]!;
  return out;
}

/** How AWS prints a value into a template: strings raw, containers the Java way (`{a=1, b=[x]}`). */
function formatText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(formatText).join(', ')}]`;
  const parts: string[] = [];
  for (const key of Object.keys(value)) parts.push(`${key}=${formatText((value as Record<string, unknown>)[key])}`);
  return `{${parts.join(', ')}}`;
}

// --- JSON -------------------------------------------------------------------------------

export function stringToJson(text: unknown): unknown {
  if (typeof text !== 'string') return reject('the argument is not a string');
  if (text.trim() === '') return null;
  try {
    const value: unknown = JSON.parse(text);
    return value === 0 ? 0 : value;
  } catch {
    return reject('the argument is not JSON text');
  }
}

export function jsonMerge(left: unknown, right: unknown, deep: unknown): unknown {
  if (!isObject(left) || !isObject(right)) return reject('both values must be objects');
  if (deep === true) return reject('only shallow merging is supported');
  return copyOwn(copyOwn({}, left), right);
}

// --- Arrays -----------------------------------------------------------------------------

export function arrayPartition(array: unknown, size: unknown): unknown {
  if (!Array.isArray(array) || typeof size !== 'number') return reject('expected an array and a number');
  const chunk = roundHalfUp(size);
  if (chunk < 1) return reject('the chunk size must be at least 1');
  const chunks: unknown[][] = [];
  for (let i = 0; i < array.length; i += chunk) chunks.push(array.slice(i, i + chunk));
  return chunks;
}

/** AWS compares scalars by their text and arrays/objects by their JSON text. */
export function arrayContains(array: unknown, target: unknown): unknown {
  if (!Array.isArray(array)) return reject('the first argument is not an array');
  if (target !== null && typeof target === 'object') {
    const text = JSON.stringify(target);
    for (const item of array) if (item !== null && typeof item === 'object' && JSON.stringify(item) === text) return true;
    return false;
  }
  const text = String(target);
  for (const item of array) if ((item === null || typeof item !== 'object') && String(item) === text) return true;
  return false;
}

export function arrayRange(first: unknown, last: unknown, step: unknown): unknown {
  if (typeof first !== 'number' || typeof last !== 'number' || typeof step !== 'number') return reject('expected three numbers');
  const start = roundHalfUp(first);
  const end = roundHalfUp(last);
  const by = roundHalfUp(step);
  if (by === 0) return reject('the step must not be 0');
  const count = (end - start) / by < 0 ? 0 : Math.floor((end - start) / by) + 1;
  if (count > MAX_RANGE_ITEMS) return reject(`the range has more than ${MAX_RANGE_ITEMS} items`);
  const items = new Array<number>(count);
  for (let i = 0; i < count; i++) items[i] = start + i * by;
  return items;
}

export function arrayGetItem(array: unknown, index: unknown): unknown {
  if (!Array.isArray(array) || typeof index !== 'number') return reject('expected an array and a number');
  const i = Math.trunc(index);
  if (i < 0) return reject('the index is negative');
  if (i < array.length) return array[i];
  // Observed on AWS: any index into an empty array gives null, past the end of others fails.
  return array.length === 0 ? null : reject('the index is past the end of the array');
}

export function arrayUnique(array: unknown): unknown {
  if (!Array.isArray(array)) return reject('the argument is not an array');
  const scalars = new Set<unknown>();
  const containers = new Set<string>();
  const unique: unknown[] = [];
  for (const item of array) {
    if (item !== null && typeof item === 'object') {
      const key = JSON.stringify(item);
      if (containers.has(key)) continue;
      containers.add(key);
    } else {
      if (scalars.has(item)) continue;
      scalars.add(item);
    }
    unique.push(item);
  }
  return unique;
}

// --- Encoding and hashing ----------------------------------------------------------------

export function base64Encode(text: unknown): unknown {
  if (typeof text !== 'string') return reject('the argument is not a string');
  if (textTooLong(text)) return reject(`the text is longer than ${MAX_TEXT_INPUT} characters`);
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Lenient like the MIME decoder AWS uses: characters outside the alphabet are skipped. */
export function base64Decode(text: unknown): unknown {
  if (typeof text !== 'string') return reject('the argument is not a string');
  if (textTooLong(text)) return reject(`the text is longer than ${MAX_TEXT_INPUT} characters`);
  return Buffer.from(text, 'base64').toString('utf8');
}

/** The algorithms of States.Hash and JSONata's $hash, by the names node:crypto knows them. */
export const hashAlgorithms: ReadonlyMap<string, string> = new Map([
  ['MD5', 'md5'],
  ['SHA-1', 'sha1'],
  ['SHA-256', 'sha256'],
  ['SHA-384', 'sha384'],
  ['SHA-512', 'sha512'],
]);

export function hash(data: unknown, algorithm: unknown): unknown {
  const digest = typeof algorithm === 'string' ? hashAlgorithms.get(algorithm) : undefined;
  if (digest === undefined) return reject('unknown algorithm');
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  if (textTooLong(text)) return reject(`the data is longer than ${MAX_TEXT_INPUT} characters`);
  return createHash(digest).update(text, 'utf8').digest('hex');
}

// --- Numbers ----------------------------------------------------------------------------

function isInt(n: number): boolean {
  return n >= INT_MIN && n <= INT_MAX;
}

/**
 * Java's Math.round (half up), without JavaScript's negative zero: how AWS makes whole numbers
 * of MathAdd's arguments (recorded: 2.5 → 3, -2.5 → -2) and, as its developer guide says,
 * rounds ArrayPartition's chunk size, ArrayRange's arguments and MathRandom's bounds "to the
 * nearest integer".
 */
export function roundHalfUp(n: number): number {
  return Math.round(n) + 0;
}

export function mathAdd(a: unknown, b: unknown): unknown {
  if (typeof a !== 'number' || typeof b !== 'number') return reject('expected two numbers');
  const x = roundHalfUp(a);
  const y = roundHalfUp(b);
  const sum = x + y;
  if (!isInt(x) || !isInt(y) || !isInt(sum)) return reject('the numbers are outside the 32-bit integer range');
  return sum;
}

export function mathRandom(first: unknown, last: unknown, seed: unknown): unknown {
  if (typeof first !== 'number' || typeof last !== 'number') return reject('expected two numbers');
  if (seed !== undefined && typeof seed !== 'number') return reject('the seed is not a number');
  const start = roundHalfUp(first);
  const end = roundHalfUp(last);
  if (!isInt(start) || !isInt(end) || start >= end || end - start > INT_MAX) return reject('the range is empty or too large');
  const bound = end - start;
  if (seed === undefined) return start + Math.floor(Math.random() * bound);
  return start + seededNextInt(Math.trunc(seed), bound);
}

export function checkRandomBounds(args: readonly ArgNode[]): string | null {
  const [first, last] = args;
  if (first?.type !== 'literal' || last?.type !== 'literal') return null;
  if (typeof first.value !== 'number' || typeof last.value !== 'number') return null;
  return roundHalfUp(first.value) < roundHalfUp(last.value) ? null : 'the start must be less than the end (after rounding to whole numbers)';
}

/**
 * The first `nextInt(bound)` of `new java.util.Random(seed)`: a 48-bit linear congruential
 * generator, kept as two 24-bit halves so every product stays exact in a double.
 */
function seededNextInt(seed: number, bound: number): number {
  const scrambled = BigInt.asUintN(48, BigInt(seed) ^ 0x5deece66dn);
  const state = { hi: Number(scrambled >> 24n), lo: Number(scrambled & 0xffffffn) };
  const mask = bound - 1;
  let u = next31(state);
  // A power-of-two bound takes the high bits; scaling by a power of two is exact in a double.
  if ((bound & mask) === 0) return Math.floor((u * bound) / 0x80000000);
  let r = u % bound;
  // Java redraws while `u - r + mask` overflows an int, so every remainder is equally likely.
  while (((u - r + mask) | 0) < 0) {
    u = next31(state);
    r = u % bound;
  }
  return r;
}

const TWO_24 = 0x1000000;
const MULTIPLIER_HI = 0x5de;
const MULTIPLIER_LO = 0xece66d;

function next31(state: { hi: number; lo: number }): number {
  const low = state.lo * MULTIPLIER_LO + 0xb;
  const carry = Math.floor(low / TWO_24);
  const high = state.hi * MULTIPLIER_LO + state.lo * MULTIPLIER_HI + carry;
  state.lo = low - carry * TWO_24;
  state.hi = high % TWO_24;
  // The top 31 of the 48 bits.
  return state.hi * 128 + Math.floor(state.lo / 131072);
}

// --- Strings ----------------------------------------------------------------------------

/** Every character of the delimiter string separates; empty pieces are dropped. */
export function stringSplit(text: unknown, delimiters: unknown): unknown {
  if (typeof text !== 'string' || typeof delimiters !== 'string') return reject('expected two strings');
  const pieces: string[] = [];
  if (delimiters.length === 1) {
    for (const piece of text.split(delimiters)) if (piece !== '') pieces.push(piece);
    return pieces;
  }
  const separators = new Set(Array.from(delimiters));
  let current = '';
  for (const c of text) {
    if (separators.has(c)) {
      if (current !== '') pieces.push(current);
      current = '';
    } else current += c;
  }
  if (current !== '') pieces.push(current);
  return pieces;
}
