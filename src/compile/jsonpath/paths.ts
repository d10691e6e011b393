import { contextFields, contextObject, type Frame } from '../../run/frame.js';
import { UNSET, VariableRead } from '../../run/variables.js';
import { compileFilter, FilterSyntaxError, isSpace, unescapeJayway, type Operand, type Predicate } from './filter.js';
import { copyOwn, setOwn } from '../../json.js';
import { segmentsOf, tokensReader, walker } from './evaluate.js';

/**
 * JSONPath as ASL uses it: the Jayway JsonPath dialect AWS runs. A path is parsed once, at
 * compile time, into an accessor closure. Paths of single names and indices become direct
 * property reads; every other form is compiled into a chain of token closures that follows
 * Jayway's evaluation (evaluate.ts). Filters (`[?(…)]`) are Jayway's filter language over
 * JSON data (filter.ts), never JavaScript.
 *
 * An accessor returns `undefined` when a definite path finds nothing (JSON has no
 * undefined, so it is unambiguous); callers turn that into the error AWS raises for
 * their field. An indefinite path always returns an array, empty when nothing matched.
 *
 * Definite, as in Jayway: no `..`, `*`, slice, filter, index list, and no name list except
 * as the last token (`$['a','b']` builds one object of those members).
 */
export type Accessor = (document: unknown, frame: Frame) => unknown;

export type PathRoot = 'input' | 'context' | 'variable';

export type Segment = { readonly name: string } | { readonly index: number };

/** One Jayway path token. */
export type Token =
  | { readonly kind: 'names'; readonly names: readonly string[] }
  | { readonly kind: 'indices'; readonly indices: readonly number[] }
  | { readonly kind: 'slice'; readonly from: number | null; readonly to: number | null }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'scan' }
  | { readonly kind: 'filter'; readonly text: string; readonly predicate: Predicate }
  | { readonly kind: 'function'; readonly name: PathFunction };

export interface ParsedPath {
  /** The path as written (before trimming). */
  readonly text: string;
  readonly root: PathRoot;
  /** The variable's name when root is 'variable'. */
  readonly variable: string;
  /** The tokens after the root. */
  readonly tokens: readonly Token[];
  /** The path names one node at most (Jayway's definite path): the accessor returns a value, not an array. */
  readonly definite: boolean;
  /** The segments when the path is single names and indices only (a Reference Path); null otherwise. */
  readonly segments: readonly Segment[] | null;
}

export class PathSyntaxError extends Error {
  override readonly name = 'PathSyntaxError';
}

/** The functions Jayway applies at the end of a path that take no argument. */
const pathFunctions = ['length', 'size', 'min', 'max', 'avg', 'stddev', 'sum', 'keys', 'first', 'last'] as const;
export type PathFunction = (typeof pathFunctions)[number];

const identStart = /[\p{ID_Start}_]/u;
const identPart = /[\p{ID_Continue}_$\u200c\u200d]/u;

/** Parses a Path (`$`, `$$`, or `$name` for a variable); surrounding whitespace is ignored, as Jayway trims it. */
export function parsePath(text: string): ParsedPath {
  if (typeof text !== 'string') throw new PathSyntaxError(`a path must be a string`);
  const trimmed = trimSpace(text);
  if (trimmed[0] !== '$') throw new PathSyntaxError(`a path must start with '$'`);
  let i = 1;
  let root: PathRoot = 'input';
  let variable = '';
  if (trimmed[1] === '$') {
    root = 'context';
    i = 2;
  } else if (i < trimmed.length && identStart.test(trimmed[i]!)) {
    root = 'variable';
    let j = i;
    while (j < trimmed.length && identPart.test(trimmed[j]!)) j++;
    variable = trimmed.slice(i, j);
    i = j;
  }
  const tokens = parseTokens(trimmed, i);
  return described(text, root, variable, tokens);
}

/** A path inside a filter: `@…` (the item) or `$…` (the document's root). */
function parseFilterPath(text: string): { tokens: readonly Token[]; fromRoot: boolean; definite: boolean } {
  const c = text[0];
  if (c !== '@' && c !== '$') throw new PathSyntaxError(`a filter path must start with '@' or '$'`);
  const tokens = parseTokens(text, 1);
  return { tokens, fromRoot: c === '$', definite: isDefiniteTokens(tokens) };
}

function trimSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text[start])) start++;
  while (end > start && isSpace(text[end - 1])) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function described(text: string, root: PathRoot, variable: string, tokens: readonly Token[]): ParsedPath {
  return { text, root, variable, tokens, definite: isDefiniteTokens(tokens), segments: segmentsOf(tokens) };
}

function isDefiniteTokens(tokens: readonly Token[]): boolean {
  return tokens.every((token, i) => {
    switch (token.kind) {
      case 'names':
        return token.names.length === 1 || i === tokens.length - 1;
      case 'indices':
        return token.indices.length === 1;
      case 'function':
        return true;
      default:
        return false;
    }
  });
}

/** Jayway's tokens from `start` (just after the root) to the end of `text`. */
function parseTokens(text: string, start: number): Token[] {
  const tokens: Token[] = [];
  let i = start;
  if (i < text.length && text[i] !== '.' && text[i] !== '[') {
    throw new PathSyntaxError(`unexpected '${text[i]}' at position ${i}; expected '.' or '['`);
  }
  if (text.endsWith('.')) throw new PathSyntaxError(`a path must not end with '.' or '..'`);
  while (i < text.length) {
    const c = text[i]!;
    if (c === '.') {
      if (text[i + 1] === '.') {
        tokens.push({ kind: 'scan' });
        i += 2;
      } else i++;
      if (text[i] === '.') throw new PathSyntaxError(`'.' at position ${i} is not valid`);
      continue;
    }
    if (tokens.length > 0 && tokens[tokens.length - 1]!.kind === 'function') {
      throw new PathSyntaxError(`a function such as ${functionName(tokens)}() must end the path`);
    }
    if (c === '[') i = parseBracket(text, i, tokens);
    else if (c === '*') {
      tokens.push({ kind: 'wildcard' });
      i++;
    } else i = parseName(text, i, tokens);
  }
  const last = tokens.findIndex((t) => t.kind === 'function');
  if (last >= 0 && !isDefiniteTokens(tokens.slice(0, last))) {
    throw new PathSyntaxError(`the function ${functionName(tokens)}() can only follow a definite path (no '..', '*', slices, filters or lists)`);
  }
  return tokens;
}

function functionName(tokens: Token[]): string {
  const found = tokens.find((t) => t.kind === 'function');
  return found !== undefined && found.kind === 'function' ? found.name : '';
}

/** A name in dot notation runs to the next '.', '[' or '('; '(' makes it a function. */
function parseName(text: string, start: number, tokens: Token[]): number {
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '.' || c === '[' || c === '(') break;
    if (isSpace(c)) throw new PathSyntaxError(`a name in dot notation cannot hold a space (position ${i}); write ['my name']`);
    i++;
  }
  const name = text.slice(start, i);
  if (text[i] !== '(') {
    tokens.push({ kind: 'names', names: [name] });
    return i;
  }
  let close = i + 1;
  while (close < text.length && isSpace(text[close])) close++;
  if (text[close] !== ')') {
    throw new PathSyntaxError(`the function '${name}' takes no arguments here; functions with arguments (concat, append, index) are not supported`);
  }
  if (!(pathFunctions as readonly string[]).includes(name)) {
    throw new PathSyntaxError(`'${name}()' is not a JSONPath function; the functions are ${pathFunctions.map((f) => `${f}()`).join(', ')}`);
  }
  tokens.push({ kind: 'function', name: name as PathFunction });
  return close + 1;
}

/** The index of the next character that is not whitespace, from `from`. */
function significant(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpace(text[i])) i++;
  return i;
}

/** `['a']`, `['a','b']`, `[0]`, `[0,1]`, `[1:2]`, `[*]`, `[?(…)]`; returns the position after ']'. */
function parseBracket(text: string, open: number, tokens: Token[]): number {
  const first = significant(text, open + 1);
  const c = text[first];
  if (c === "'" || c === '"') return parseBracketNames(text, first, c, tokens);
  if (c === '*') {
    const close = significant(text, first + 1);
    if (text[close] !== ']') throw new PathSyntaxError(`'[*' at position ${open} must end with ']'`);
    tokens.push({ kind: 'wildcard' });
    return close + 1;
  }
  if (c === '?') return parseFilterToken(text, open, first, tokens);
  const close = text.indexOf(']', open);
  if (close < 0) throw new PathSyntaxError(`'[' at position ${open} is never closed`);
  const inner = text.slice(open + 1, close).trim();
  if (inner === '') throw new PathSyntaxError(`empty brackets '[]' at position ${open}`);
  if (!/^[-\d,: ]+$/.test(inner)) {
    throw new PathSyntaxError(`'[${inner}]' is not a quoted name, an index, a slice, '*' or a filter '?(…)'`);
  }
  if (inner.includes(':')) tokens.push(parseSlice(inner));
  else {
    const indices = inner.split(',').map((part) => {
      const t = part.trim();
      if (!/^-?\d+$/.test(t)) throw new PathSyntaxError(`'${t}' in '[${inner}]' is not an index`);
      return Number(t);
    });
    tokens.push({ kind: 'indices', indices });
  }
  return close + 1;
}

function parseSlice(inner: string): Token {
  const parts = inner.split(':').map((p) => p.trim());
  if (parts.length !== 2) throw new PathSyntaxError(`'[${inner}]': a slice is [start:end], [start:] or [:end]; JSONPath (Jayway) has no step`);
  const bound = (p: string): number | null => {
    if (p === '') return null;
    if (!/^-?\d+$/.test(p)) throw new PathSyntaxError(`'${p}' in '[${inner}]' is not an index`);
    return Number(p);
  };
  const from = bound(parts[0]!);
  const to = bound(parts[1]!);
  if (from === null && to === null) throw new PathSyntaxError(`'[${inner}]' needs a start or an end; use [*] for all items`);
  return { kind: 'slice', from, to };
}

/** Quoted names, one or a comma-separated list, each with Jayway's backslash escapes. */
function parseBracketNames(text: string, first: number, quote: string, tokens: Token[]): number {
  const names: string[] = [];
  let i = first;
  for (;;) {
    if (text[i] !== quote) throw new PathSyntaxError(`expected a name quoted with ${quote} at position ${i}`);
    let j = i + 1;
    while (j < text.length && text[j] !== quote) j += text[j] === '\\' ? 2 : 1;
    if (j >= text.length) throw new PathSyntaxError(`the name opened with ${quote} at position ${i} is never closed`);
    names.push(unescapeName(text.slice(i + 1, j), quote));
    const next = significant(text, j + 1);
    if (text[next] === ']') {
      tokens.push({ kind: 'names', names });
      return next + 1;
    }
    if (text[next] !== ',') throw new PathSyntaxError(`a quoted name must be followed by ',' or ']' (position ${next})`);
    i = significant(text, next + 1);
  }
}

/**
 * Jayway's escapes, except that a backslash before the other kind of quote stays: AWS resolves
 * `$['Test\""Name"']` to the key `Test\""Name"` (an AWS-recorded escape-sequence case).
 */
function unescapeName(raw: string, quote: string): string {
  const otherQuote = quote === "'" ? '"' : "'";
  let out = '';
  let start = 0;
  try {
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] !== '\\') continue;
      if (raw[i + 1] === otherQuote) {
        out += unescapeJayway(raw.slice(start, i)) + '\\' + otherQuote;
        start = i + 2;
      }
      i++;
    }
    return out + unescapeJayway(raw.slice(start));
  } catch (e) {
    throw new PathSyntaxError((e as Error).message);
  }
}

/** `[?( … )]`: the filter runs to the ')' that closes its '(' (outside quotes), then ']'. */
function parseFilterToken(text: string, open: number, question: number, tokens: Token[]): number {
  const paren = significant(text, question + 1);
  if (text[paren] !== '(') throw new PathSyntaxError(`a filter is written [?( … )] (position ${open})`);
  let depth = 0;
  let quote = '';
  let i = paren;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== '') {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) break;
  }
  if (i >= text.length) throw new PathSyntaxError(`the filter at position ${open} is never closed`);
  const close = significant(text, i + 1);
  if (text[close] !== ']') throw new PathSyntaxError(`the filter at position ${open} must end with ')]'`);
  const filterText = text.slice(paren + 1, i);
  let predicate: Predicate;
  try {
    predicate = compileFilter(filterText, compileFilterPath);
  } catch (e) {
    if (e instanceof FilterSyntaxError || e instanceof PathSyntaxError) throw new PathSyntaxError(e.message);
    throw e;
  }
  tokens.push({ kind: 'filter', text: filterText, predicate });
  return close + 1;
}

/** A path inside a filter, read from the item (`@`) or the root (`$`). */
function compileFilterPath(text: string): { read: Operand; definite: boolean } {
  const parsed = parseFilterPath(text);
  const read = tokensReader(parsed.tokens, parsed.definite);
  if (parsed.fromRoot) {
    return {
      read: function readFilterRoot(_current, root) {
        return read(root, root);
      },
      definite: parsed.definite,
    };
  }
  return { read, definite: parsed.definite };
}

/** A Reference Path names one node: names and single indices only (the ASL spec: no `@ , : ?`, no `*` or `..`). */
export function parseReferencePath(text: string): ParsedPath {
  const parsed = parsePath(text);
  if (parsed.segments === null) {
    throw new PathSyntaxError(`a reference path must name a single node; wildcards, slices, lists, filters, functions and '..' are not allowed`);
  }
  return parsed;
}

/** Compiles a Path into an accessor over the state's document, the context object or a variable. */
export function compilePath(text: string): Accessor {
  return compileParsed(parsePath(text));
}

export function compileReferencePath(text: string): Accessor {
  return compileParsed(parseReferencePath(text));
}

export function compileParsed(parsed: ParsedPath): Accessor {
  if (parsed.segments === null) return compileTokens(parsed);
  const read = walker(parsed.segments);
  // The walker itself reads the document: no wrapper call per read.
  if (parsed.root === 'input') return read;
  if (parsed.root === 'context') {
    const field = contextField(parsed.segments);
    if (field !== null) {
      const rest = walker(parsed.segments.slice(field.depth));
      const readField = field.read;
      return function readContextField(_document, frame) {
        if (frame.exec.suppliedContext !== null) return read(frame.exec.suppliedContext);
        const value = readField(frame);
        return value === undefined ? undefined : rest(value);
      };
    }
    return function readContextPath(_document, frame) {
      return read(contextObject(frame));
    };
  }
  const variable = new VariableRead(parsed.variable);
  return function readVariablePath(_document, frame) {
    const value = variable.valueIn(frame.vars);
    return value === UNSET ? undefined : read(value);
  };
}

/** A path of other forms than names and indices: `$` inside its filters is the document the path reads. */
function compileTokens(parsed: ParsedPath): Accessor {
  const read = tokensReader(parsed.tokens, parsed.definite);
  if (parsed.root === 'input') {
    return function readInputTokens(document) {
      return read(document, document);
    };
  }
  if (parsed.root === 'context') {
    return function readContextTokens(_document, frame) {
      const context = contextObject(frame);
      return read(context, context);
    };
  }
  const variable = new VariableRead(parsed.variable);
  return function readVariableTokens(_document, frame) {
    const value = variable.valueIn(frame.vars);
    return value === UNSET ? undefined : read(value, value);
  };
}

/** The context-object field a definite `$$` path starts with, and how many segments it spans. */
function contextField(segments: readonly Segment[]): { read: (frame: Frame) => unknown; depth: number } | null {
  for (const depth of [3, 2]) {
    if (segments.length < depth || !segments.slice(0, depth).every((s) => 'name' in s)) continue;
    const key = segments
      .slice(0, depth)
      .map((s) => (s as { name: string }).name)
      .join('.');
    if (Object.prototype.hasOwnProperty.call(contextFields, key)) return { read: contextFields[key]!, depth };
  }
  return null;
}

/**
 * AWS names a missing path in its causes as Jayway prints it: `$['a']['b'][0]`.
 */
export function bracketNotation(text: string): string {
  try {
    const parsed = parsePath(text);
    if (parsed.segments === null) return text;
    const head = parsed.root === 'context' ? '$$' : parsed.root === 'variable' ? '$' + parsed.variable : '$';
    return bracketed(head, parsed.segments);
  } catch {
    return text;
  }
}

/**
 * Why a path over `document` found nothing, in Jayway's words (AWS's cause texts): a member
 * missing before the last step is "Missing property in path" up to that member; anything
 * else is "No results for path" with the whole path.
 */
export function missingPathReason(text: string, document: unknown): string {
  const whole = `No results for path: ${bracketNotation(text)}`;
  let segments: readonly Segment[] | null;
  try {
    const parsed = parsePath(text);
    segments = parsed.root === 'input' ? parsed.segments : null;
  } catch {
    return whole;
  }
  if (segments === null) return whole;
  let node = document;
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i]!;
    if ('index' in segment || node === null || typeof node !== 'object' || Array.isArray(node)) {
      if (!('index' in segment) || !Array.isArray(node)) return whole;
      node = node[segment.index < 0 ? node.length + segment.index : segment.index];
      if (node === undefined) return whole;
      continue;
    }
    if (!Object.hasOwn(node, segment.name)) return `Missing property in path ${bracketed('$', segments.slice(0, i + 1))}`;
    node = (node as Record<string, unknown>)[segment.name];
  }
  return whole;
}

function bracketed(head: string, segments: readonly Segment[]): string {
  return head + segments.map((s) => ('index' in s ? `[${s.index}]` : `['${s.name}']`)).join('');
}

/**
 * Writes `value` at a Reference Path inside `document`, returning a new document: objects
 * along the path are copied (never mutated, since other states may still hold them) and
 * missing ones created. Returns undefined when the path runs through a non-object, which
 * AWS reports as States.ResultPathMatchFailure.
 */
export type Setter = (document: unknown, value: unknown) => unknown;

export function compileSetter(text: string): Setter {
  const parsed = parseReferencePath(text);
  const segments = parsed.segments!;
  if (segments.length === 0) return (_document, value) => value;
  const first = segments[0]!;
  if (segments.length === 1 && 'name' in first) {
    // `$.name`, the usual ResultPath: a copy of the document with one member set.
    const name = first.name;
    return function writeMember(document, value) {
      if (value === undefined || document === null || typeof document !== 'object' || Array.isArray(document)) return undefined;
      const copy = copyOwn({}, document as Record<string, unknown>);
      setOwn(copy, name, value);
      return copy;
    };
  }
  return function writeResultPath(document, value) {
    return writeAt(document, segments, 0, value);
  };
}

function writeAt(target: unknown, segments: readonly Segment[], at: number, value: unknown): unknown {
  const segment = segments[at]!;
  const last = at === segments.length - 1;
  if ('index' in segment) {
    if (!Array.isArray(target)) return undefined;
    const index = segment.index < 0 ? target.length + segment.index : segment.index;
    if (index < 0 || index >= target.length) return undefined;
    const child = last ? value : writeAt(target[index], segments, at + 1, value);
    if (child === undefined) return undefined;
    const copy = target.slice();
    copy[index] = child;
    return copy;
  }
  if (target === null || typeof target !== 'object' || Array.isArray(target)) return undefined;
  const source = target as Record<string, unknown>;
  let child = value;
  if (!last) {
    const existing = Object.prototype.hasOwnProperty.call(source, segment.name) ? source[segment.name] : undefined;
    child = writeAt(existing === undefined || existing === null ? {} : existing, segments, at + 1, value);
  }
  if (child === undefined) return undefined;
  const copy = copyOwn({}, source);
  setOwn(copy, segment.name, child);
  return copy;
}
