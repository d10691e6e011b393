import type { Problem, ProblemCode } from '../../asl/problems.js';

/** How problems read: values described, names shown short, did-you-mean suggestions. */

export function problem(code: ProblemCode, pointer: string, message: string): Problem {
  return { code, pointer, message };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function article(word: string): string {
  return /^[AEIOU]/.test(word) ? 'an' : 'a';
}

/** A name or value as messages show it: cut short when long. */
export function shown(text: string): string {
  return text.length > 100 ? `${text.slice(0, 97)}…` : text;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(shown(value))}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    case 'undefined':
      return 'nothing';
    default:
      return `a ${typeof value}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Did-you-mean

/**
 * The candidate closest to `name`, if close enough to be a likely typo: the same name in another
 * case, or at most 40% of the name's characters edited (at least one edit, and never all of them).
 */
export function closestName(name: string, candidates: Iterable<string>): string | null {
  const lower = name.toLowerCase();
  let best: string | null = null;
  let limit = Math.min(Math.max(1, Math.floor(name.length * 0.4)), name.length - 1) + 1;
  for (const candidate of candidates) {
    if (candidate.toLowerCase() === lower) return candidate;
    if (Math.abs(candidate.length - name.length) >= limit) continue;
    const distance = editDistance(name, candidate, limit);
    if (distance < limit) {
      best = candidate;
      limit = distance;
    }
  }
  return best;
}

/** Levenshtein distance, or `limit` as soon as it is sure to reach it. */
function editDistance(a: string, b: string, limit: number): number {
  let previous = new Array<number>(b.length + 1);
  let current = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin >= limit) return limit;
    [previous, current] = [current, previous];
  }
  return Math.min(previous[b.length]!, limit);
}
