/** Express-workflow limits, configurable per compiled machine. */
export interface Limits {
  /** Largest state input, output or task result, in UTF-8 bytes (AWS: 262,144). */
  payloadBytes: number;
  /** Longest execution, in milliseconds of the machine's clock (Express: 5 minutes). */
  executionMs: number;
}

export const defaultLimits: Limits = Object.freeze({
  payloadBytes: 262_144,
  executionMs: 300_000,
});

/**
 * True when a value's JSON text fits in `limit` UTF-8 bytes. Most payloads are far below
 * the limit, so a first walk adds cheap upper bounds (6 bytes per string unit covers the
 * worst escape, 24 per number) without reading any string; only a value whose bound passes
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

/** Most bytes a string (every unit escaped as \uXXXX), number or literal can take. */
function leafBound(value: unknown): number {
  return typeof value === 'string' ? 6 * value.length + 2 : 24;
}

/**
 * UTF-8 size of a value's JSON text, computed without building the text, giving up as
 * soon as the size passes `limit` (then returns a number above `limit`).
 */
export function jsonByteLength(value: unknown, limit: number): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || v === undefined) total += 4;
    // Every UTF-16 unit takes at least one UTF-8 byte, so a string longer than what is left
    // is over the limit without reading it (scanning a huge string costs seconds).
    else if (typeof v === 'string') total += v.length > limit - total ? v.length + 2 : utf8Length(v) + 2;
    else if (typeof v === 'number') total += v === (v | 0) && v > -1e9 && v < 1e9 ? digitCount(v) : String(v).length;
    else if (typeof v === 'boolean') total += v ? 4 : 5;
    else if (Array.isArray(v)) {
      total += 2 + (v.length > 0 ? v.length - 1 : 0);
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    } else if (typeof v === 'object') {
      const keys = Object.keys(v as object);
      total += 2 + (keys.length > 0 ? keys.length - 1 : 0);
      for (const k of keys) {
        total += utf8Length(k) + 3;
        stack.push((v as Record<string, unknown>)[k]);
      }
    }
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

function utf8Length(s: string): number {
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c) bytes += 1;
    else if (c >= 0x80) bytes += c < 0x800 ? 1 : c >= 0xd800 && c <= 0xdbff ? 1 : 2;
  }
  return bytes;
}
