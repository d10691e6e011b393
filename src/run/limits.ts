/** Execution limits, configurable per compiled machine. */
export interface Limits {
  /** Largest state input, output or task result, in UTF-8 bytes (AWS: 262,144). */
  payloadBytes: number;
  /** Longest execution, in milliseconds of the machine's clock (Express: 5 minutes; Standard: a year). */
  executionMs: number;
}

export const defaultLimits: Limits = Object.freeze({
  payloadBytes: 262_144,
  executionMs: 300_000,
});

/** A Standard workflow's longest execution: one year (365 days). */
export const STANDARD_EXECUTION_MS = 365 * 24 * 3_600_000;

/**
 * True when a value's JSON text fits in `limit` UTF-8 bytes. Most payloads are far below
 * the limit, so a first walk adds cheap upper bounds (6 bytes per string unit covers the
 * worst escape, 25 per number) without reading any string; only a value whose bound passes
 * the limit is measured exactly.
 */
export function fitsPayload(value: unknown, limit: number): boolean {
  return payloadBound(value, limit) <= limit;
}

/**
 * An upper bound of a value's JSON size while it fits in `limit`; past the limit, the exact
 * size (from the point it passed). States keep these bounds so the run loop can often prove
 * an output fits by adding numbers instead of walking it.
 */
export function payloadBound(value: unknown, limit: number): number {
  if (limit === Infinity) return 0;
  if (value === null || typeof value !== 'object') {
    const leaf = leafBound(value);
    return leaf <= limit ? leaf : jsonByteLength(value, limit);
  }
  const shallow = shallowBound(value, limit, 0);
  if (shallow >= 0) return shallow;
  let bound = 0;
  const stack: object[] = [value];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (Array.isArray(v)) {
      bound += 2 + v.length;
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        if (item !== null && typeof item === 'object') stack.push(item);
        else bound += leafBound(item);
      }
    } else {
      bound += 2;
      for (const key in v) {
        const item: unknown = (v as Record<string, unknown>)[key];
        bound += 6 * key.length + 4;
        if (item !== null && typeof item === 'object') stack.push(item);
        else bound += leafBound(item);
      }
    }
    if (bound > limit) {
      return jsonByteLength(value, limit);
    }
  }
  return bound;
}

/**
 * An upper bound of the JSON size, in UTF-8 bytes, of the value parsed from a JSON text:
 * 6 bytes per UTF-16 unit of the text. Writing the value again never takes more: a string's
 * unit takes at most 6 bytes (a lone surrogate, written `\ud800`), an escape in the text
 * at least as many units as it writes bytes, white space and repeated keys go, and the
 * number with the most growth per character is `1e20` (4 characters, written with 21).
 */
export function textBound(text: string): number {
  return 6 * text.length;
}

/** Nesting the recursive walk goes to; deeper values are left to the explicit stack. */
const SHALLOW_DEPTH = 16;

/**
 * payloadBound by recursion, for the usual payload (a few levels of objects and arrays,
 * well under the limit): about twice as fast as the stack walk on a workload's input. -1 as
 * soon as the bound passes `budget` (what the limit leaves), or when the value nests deeper
 * than SHALLOW_DEPTH: the stack walk then decides. Arrays count `2 + length` (brackets and at
 * most one comma per item).
 */
function shallowBound(value: object, budget: number, depth: number): number {
  if (depth === SHALLOW_DEPTH) return -1;
  let bound: number;
  if (Array.isArray(value)) {
    bound = 2 + value.length;
    for (let i = 0; i < value.length && bound <= budget; i++) {
      const item: unknown = value[i];
      if (item === null || typeof item !== 'object') bound += leafBound(item);
      else {
        const inner = shallowBound(item, budget - bound, depth + 1);
        if (inner < 0) return -1;
        bound += inner;
      }
    }
  } else {
    bound = 2;
    for (const key in value) {
      const item: unknown = (value as Record<string, unknown>)[key];
      bound += 6 * key.length + 4;
      if (item === null || typeof item !== 'object') bound += leafBound(item);
      else {
        const inner = shallowBound(item, budget - bound, depth + 1);
        if (inner < 0) return -1;
        bound += inner;
      }
      if (bound > budget) return -1;
    }
  }
  return bound <= budget ? bound : -1;
}

/**
 * Most bytes a string (every unit escaped as \uXXXX), number or literal can take. The
 * longest number JavaScript writes has 25 characters (`-0.0000013239486199772232`: 17
 * digits after five zeros).
 */
function leafBound(value: unknown): number {
  return typeof value === 'string' ? 6 * value.length + 2 : 25;
}

/**
 * UTF-8 size of a value's JSON text as JSON.stringify writes it (AWS's limit is on those
 * bytes), computed without building the text, giving up as soon as the size passes `limit`
 * (then returns a number above `limit`). As in JSON.stringify, an object member that is
 * undefined, a function or a symbol is left out, and in an array it is written `null`, as is
 * a number that is not finite.
 */
export function jsonByteLength(value: unknown, limit: number): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    // Every UTF-16 unit takes at least one UTF-8 byte, so a string longer than what is left
    // is over the limit without reading it (scanning a huge string costs seconds).
    if (typeof v === 'string') total += v.length > limit - total ? v.length + 2 : jsonStringBytes(v);
    else if (typeof v === 'number') total += v === (v | 0) && v > -1e9 && v < 1e9 ? digitCount(v) : Number.isFinite(v) ? String(v).length : 4;
    else if (typeof v === 'boolean') total += v ? 4 : 5;
    else if (Array.isArray(v)) {
      total += 2 + (v.length > 0 ? v.length - 1 : 0);
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      let members = 0;
      for (const k of keys) {
        const item: unknown = (v as Record<string, unknown>)[k];
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
        members++;
        total += jsonStringBytes(k) + 1;
        stack.push(item);
      }
      total += 2 + (members > 0 ? members - 1 : 0);
    } else total += 4;
    if (total > limit) return total;
  }
  return total;
}

function digitCount(n: number): number {
  let len = n < 0 ? 2 : 1;
  let a = Math.abs(n);
  while (a >= 10) {
    a = Math.floor(a / 10);
    len++;
  }
  return len;
}

const needsEscapeOrSurrogate = /[\u0000-\u001f"\\\ud800-\udfff]/;

/**
 * UTF-8 bytes of a string written as a JSON string, quotes included: `"` and `\` and the five
 * control characters with a short escape (\b \t \n \f \r) take 2, other control characters
 * and lone surrogates take 6 (`\u001f`), a surrogate pair 4, and the rest their UTF-8 size.
 */
function jsonStringBytes(s: string): number {
  // Most long strings have nothing to escape and no surrogate: then the native UTF-8 count is exact.
  if (s.length > 64 && !needsEscapeOrSurrogate.test(s)) return Buffer.byteLength(s, 'utf8') + 2;
  let bytes = s.length + 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) bytes += c >= 0x08 && c <= 0x0d && c !== 0x0b ? 1 : 5;
    else if (c < 0x80) {
      if (c === 0x22 || c === 0x5c) bytes += 1;
    } else if (c < 0x800) bytes += 1;
    else if (c < 0xd800 || c > 0xdfff) bytes += 2;
    else if (c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2;
      i++;
    } else bytes += 5;
  }
  return bytes;
}
