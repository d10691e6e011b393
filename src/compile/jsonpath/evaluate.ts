import { setOwn } from '../../json.js';
import type { Predicate } from './filter.js';
import type { PathFunction, Segment, Token } from './paths.js';

/**
 * Reading a document along a parsed path. Single names and indices become a walker of
 * property reads, specialised for the short paths most definitions hold; every other form
 * becomes a chain of token closures that follows Jayway's evaluation (see chain).
 */

/** The tokens as names and indices, when they are only single names and single indices. */
export function segmentsOf(tokens: readonly Token[]): Segment[] | null {
  const segments: Segment[] = [];
  for (const token of tokens) {
    if (token.kind === 'names' && token.names.length === 1) segments.push({ name: token.names[0]! });
    else if (token.kind === 'indices' && token.indices.length === 1) segments.push({ index: token.indices[0]! });
    else return null;
  }
  return segments;
}

const inherited = new Set<string>(Object.getOwnPropertyNames(Object.prototype));

/** Reads one own property of a JSON object (an array is no object here, as in Jayway), or undefined. */
function ownProperty(value: unknown, name: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.prototype.hasOwnProperty.call(value, name) ? (value as Record<string, unknown>)[name] : undefined;
}

function fastProperty(value: unknown, name: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return (value as Record<string, unknown>)[name];
}

/**
 * A member read by the token evaluator: own properties only for inherited names. Kept apart
 * from fastProperty so the many shapes an indefinite path meets do not slow the definite
 * paths' reads (V8 keeps one inline cache per function).
 */
function readName(value: unknown, name: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  if (inherited.has(name) && !Object.prototype.hasOwnProperty.call(value, name)) return undefined;
  return (value as Record<string, unknown>)[name];
}

function element(value: unknown, index: number): unknown {
  if (!Array.isArray(value)) return undefined;
  return value[index < 0 ? value.length + index : index];
}

type Step = (value: unknown) => unknown;

function stepFor(segment: Segment): Step {
  if ('index' in segment) {
    const index = segment.index;
    return function readElement(value) {
      return element(value, index);
    };
  }
  const name = segment.name;
  // Names that every object inherits ("constructor", "__proto__", …) need an own-property
  // check; any other name can use a plain read, which V8 optimises far better.
  if (inherited.has(name)) {
    return function readOwnProperty(value) {
      return ownProperty(value, name);
    };
  }
  return function readProperty(value) {
    return fastProperty(value, name);
  };
}

/** An accessor for the document's segments, specialised for the common short paths. */
export function walker(segments: readonly Segment[]): Step {
  const steps = segments.map(stepFor);
  if (segments.every((s) => 'name' in s && !inherited.has(s.name))) {
    const names = segments.map((s) => (s as { name: string }).name);
    if (names.length === 1) {
      const [a] = names as [string];
      return function readPath1(v) {
        return fastProperty(v, a);
      };
    }
    if (names.length === 2) {
      const [a, b] = names as [string, string];
      return function readPath2(v) {
        const x = fastProperty(v, a);
        return x === undefined ? undefined : fastProperty(x, b);
      };
    }
    if (names.length === 3) {
      const [a, b, c] = names as [string, string, string];
      return function readPath3(v) {
        const x = fastProperty(v, a);
        if (x === undefined) return undefined;
        const y = fastProperty(x, b);
        return y === undefined ? undefined : fastProperty(y, c);
      };
    }
  }
  if (steps.length === 0)
    return function readWhole(v) {
      return v;
    };
  return function readPath(v) {
    let x = v;
    for (let i = 0; i < steps.length && x !== undefined; i++) x = steps[i]!(x);
    return x;
  };
}

// ---------------------------------------------------------------------------------------------
// Evaluation of the other forms, token by token, as Jayway does it

/** Hands each value a token finds to the rest of the path; the last one collects results. */
type Emit = (value: unknown, root: unknown, found: unknown[]) => void;

/** Reads a token list from a value: a definite list gives the value or undefined, an indefinite one the array of values found. */
export function tokensReader(tokens: readonly Token[], definite: boolean): (value: unknown, root: unknown) => unknown {
  const segments = segmentsOf(tokens);
  if (segments !== null) {
    const read = walker(segments);
    return (value) => (value === undefined ? undefined : read(value));
  }
  const emit = chain(tokens, 0);
  if (definite) {
    return function readDefinite(value, root) {
      if (value === undefined) return undefined;
      const found: unknown[] = [];
      emit(value, root, found);
      return found.length > 0 ? found[0] : undefined;
    };
  }
  return function readIndefinite(value, root) {
    const found: unknown[] = [];
    if (value !== undefined) emit(value, root, found);
    return found;
  };
}

function collect(value: unknown, _root: unknown, found: unknown[]): void {
  found.push(value);
}

/** The closure for tokens[at…]: what each token does with a value, handing what it finds to the next. */
function chain(tokens: readonly Token[], at: number): Emit {
  if (at === tokens.length) return collect;
  const token = tokens[at]!;
  const isLeaf = at === tokens.length - 1;
  const next = chain(tokens, at + 1);
  switch (token.kind) {
    case 'names':
      return namesStep(token.names, isLeaf, next);
    case 'indices': {
      const indices = token.indices;
      return function readIndices(value, root, found) {
        if (!Array.isArray(value)) return;
        for (const index of indices) {
          const i = index < 0 ? value.length + index : index;
          if (i >= 0 && i < value.length) next(value[i], root, found);
        }
      };
    }
    case 'slice': {
      const { from, to } = token;
      return function readSlice(value, root, found) {
        if (!Array.isArray(value)) return;
        const length = value.length;
        const start = from === null ? 0 : from < 0 ? Math.max(0, length + from) : from;
        const end = to === null ? length : Math.min(length, to < 0 ? length + to : to);
        for (let i = start; i < end; i++) next(value[i], root, found);
      };
    }
    case 'wildcard':
      return function readAll(value, root, found) {
        if (Array.isArray(value)) for (const item of value) next(item, root, found);
        else if (value !== null && typeof value === 'object') for (const key of Object.keys(value)) next((value as Record<string, unknown>)[key], root, found);
      };
    case 'filter':
      return filterStep(token.predicate, next);
    case 'function':
      return functionStep(token.name, next);
    case 'scan':
      return scanStep(tokens, at);
  }
}

/** One name reads that member of an object; a list at the end builds an object of the members present; elsewhere it reads each. */
function namesStep(names: readonly string[], isLeaf: boolean, next: Emit): Emit {
  if (names.length === 1) {
    const name = names[0]!;
    return function readName1(value, root, found) {
      const member = readName(value, name);
      if (member !== undefined) next(member, root, found);
    };
  }
  if (isLeaf) {
    return function readMembers(value, root, found) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
      const merged: Record<string, unknown> = {};
      for (const name of names) {
        const member = ownProperty(value, name);
        if (member !== undefined) setOwn(merged, name, member);
      }
      next(merged, root, found);
    };
  }
  return function readEachName(value, root, found) {
    for (const name of names) {
      const member = readName(value, name);
      if (member !== undefined) next(member, root, found);
    }
  };
}

/** `[?(…)]`: the items of an array that match, or an object itself when it matches. */
function filterStep(predicate: Predicate, next: Emit): Emit {
  return function readMatching(value, root, found) {
    if (Array.isArray(value)) {
      for (const item of value) if (predicate(item, root)) next(item, root, found);
    } else if (value !== null && typeof value === 'object' && predicate(value, root)) next(value, root, found);
  };
}

/**
 * `..`: visits the value and everything inside it, parents before children, and applies the
 * next token wherever it can apply: a name (or list) to objects that have all those names, an
 * index or slice to arrays, a filter to what it accepts, `*` everywhere. As in Jayway, an
 * array that matches hands its items straight to the token after the next one.
 */
function scanStep(tokens: readonly Token[], at: number): Emit {
  const target = tokens[at + 1]!;
  const applyTarget = chain(tokens, at + 1);
  const targetIsLeaf = at + 1 === tokens.length - 1;
  const afterTarget = chain(tokens, at + 2);
  const matches = scanPredicate(target);
  return function scan(value, root, found) {
    const pending: unknown[] = [value];
    let visits = 0;
    while (pending.length > 0) {
      const v = pending.pop();
      if (++visits > MAX_SCAN_VISITS) throw new RangeError(`The JSONPath '..' visited more than ${MAX_SCAN_VISITS} values: the data is too large or cyclic`);
      if (Array.isArray(v)) {
        if (matches(v, root)) {
          if (targetIsLeaf) applyTarget(v, root, found);
          else for (const item of v) afterTarget(item, root, found);
        }
        for (let i = v.length - 1; i >= 0; i--) pending.push(v[i]);
      } else if (v !== null && typeof v === 'object') {
        if (matches(v, root)) applyTarget(v, root, found);
        const keys = Object.keys(v);
        for (let i = keys.length - 1; i >= 0; i--) pending.push((v as Record<string, unknown>)[keys[i]!]);
      }
    }
  };
}

/** Values one `..` visits at most: far above what a JSON text within any payload limit holds; only a cyclic value built in code gets there. */
const MAX_SCAN_VISITS = 20_000_000;

function scanPredicate(target: Token): (value: object, root: unknown) => boolean {
  switch (target.kind) {
    case 'names': {
      const names = target.names;
      return (value) => !Array.isArray(value) && names.every((name) => Object.prototype.hasOwnProperty.call(value, name));
    }
    case 'indices':
    case 'slice':
      return (value) => Array.isArray(value);
    case 'wildcard':
      return () => true;
    case 'filter':
      return target.predicate;
    default:
      return () => false;
  }
}

/** Jayway's functions that end a path: sizes, numeric aggregates over an array's numbers, keys, first and last items. */
function functionStep(name: PathFunction, next: Emit): Emit {
  const apply = functions[name];
  return function applyFunction(value, root, found) {
    const result = apply(value);
    if (result !== undefined) next(result, root, found);
  };
}

function numbersOf(value: unknown): number[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const numbers = value.filter((item): item is number => typeof item === 'number');
  return numbers.length > 0 ? numbers : undefined;
}

function sizeOf(value: unknown): number | null {
  if (Array.isArray(value)) return value.length;
  if (value !== null && typeof value === 'object') return Object.keys(value).length;
  return null;
}

const functions: Record<PathFunction, (value: unknown) => unknown> = {
  length: sizeOf,
  size: sizeOf,
  sum: (value) => numbersOf(value)?.reduce((a, b) => a + b, 0),
  min: (value) => {
    const numbers = numbersOf(value);
    return numbers === undefined ? undefined : Math.min(...numbers);
  },
  max: (value) => {
    const numbers = numbersOf(value);
    return numbers === undefined ? undefined : Math.max(...numbers);
  },
  avg: (value) => {
    const numbers = numbersOf(value);
    return numbers === undefined ? undefined : numbers.reduce((a, b) => a + b, 0) / numbers.length;
  },
  stddev: (value) => {
    const numbers = numbersOf(value);
    if (numbers === undefined) return undefined;
    const mean = numbers.reduce((a, b) => a + b, 0) / numbers.length;
    return Math.sqrt(numbers.reduce((a, b) => a + b * b, 0) / numbers.length - mean * mean);
  },
  keys: (value) => (value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : undefined),
  first: (value) => (Array.isArray(value) && value.length > 0 ? value[0] : undefined),
  last: (value) => (Array.isArray(value) && value.length > 0 ? value[value.length - 1] : undefined),
};
