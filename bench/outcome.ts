/**
 * Answers in one shape whatever engine produced them, and a comparison that says where
 * two answers differ. JSON semantics: key order does not matter, `undefined` members are
 * absent, numbers compare by value.
 */
import type { Outcome } from '../workloads/types.js';

export type { Outcome };

interface ResultLike {
  readonly status: string;
  readonly output?: unknown;
  readonly error?: string | null;
  readonly cause?: string | null;
}

/** TIMED_OUT and ABORTED count as failures; their error names (States.Timeout, …) tell them apart. */
export function outcomeOf(result: ResultLike): Outcome {
  if (result.status === 'SUCCEEDED') return { status: 'SUCCEEDED', output: result.output };
  return { status: 'FAILED', error: result.error ?? null, cause: result.cause ?? null };
}

/** In an expected outcome: a value that differs from run to run (an id, a time), which any value matches. */
export const VARIES: unique symbol = Symbol('varies');

/**
 * The outcome of a first run with every value that differs in a second run of the same input
 * replaced by VARIES, so that a workflow whose output holds a generated id or a time can be its
 * own reference. Outcomes of different statuses are left as the first: that is a real difference.
 */
export function markVarying(first: Outcome, second: Outcome): Outcome {
  if (first.status !== second.status) return first;
  return varying(first, second) as Outcome;
}

function varying(first: unknown, second: unknown): unknown {
  if (differenceBetween(first, second) === null) return first;
  if (first === null || second === null || typeof first !== 'object' || typeof second !== 'object') return VARIES;
  if (Array.isArray(first) || Array.isArray(second)) {
    if (!Array.isArray(first) || !Array.isArray(second) || first.length !== second.length) return VARIES;
    return first.map((item, index) => varying(item, second[index]));
  }
  const left = first as Record<string, unknown>;
  const right = second as Record<string, unknown>;
  const marked: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) marked[key] = varying(left[key], right[key]);
  return marked;
}

/** The JSON pointers of the values marked VARIES in `outcome`, for the report. */
export function varyingPaths(value: unknown, path = ''): string[] {
  if (value === VARIES) return [path || '/'];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => varyingPaths(item, `${path}/${key}`));
}

/** Where `actual` differs from `expected` (a JSON-pointer-like path and both values), or null when equal. */
export function differenceBetween(expected: unknown, actual: unknown, path = ''): string | null {
  if (expected === actual || expected === VARIES) return null;
  if (typeof expected === 'number' && typeof actual === 'number' && Number.isNaN(expected) && Number.isNaN(actual)) return null;
  if (expected === null || actual === null || typeof expected !== 'object' || typeof actual !== 'object') {
    return `${path || '/'}: expected ${preview(expected)}, got ${preview(actual)}`;
  }
  if (Array.isArray(expected) !== Array.isArray(actual)) return `${path || '/'}: expected ${preview(expected)}, got ${preview(actual)}`;
  if (Array.isArray(expected)) {
    const other = actual as unknown[];
    if (expected.length !== other.length) return `${path || '/'}: expected ${expected.length} items, got ${other.length}`;
    for (let i = 0; i < expected.length; i++) {
      const found = differenceBetween(expected[i], other[i], `${path}/${i}`);
      if (found !== null) return found;
    }
    return null;
  }
  const left = expected as Record<string, unknown>;
  const right = actual as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) {
    if (left[key] === undefined && right[key] === undefined) continue;
    const found = differenceBetween(left[key], right[key], `${path}/${key}`);
    if (found !== null) return found;
  }
  return null;
}

function preview(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 120 ? text.slice(0, 117) + '...' : text;
}
