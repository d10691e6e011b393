import { JSONPath } from 'jsonpath-plus';
import { contextFields, contextObject, type Frame } from '../run/frame.js';
import { copyOwn, setOwn } from './own-properties.js';

/**
 * JSONPath as ASL uses it (the Jayway dialect AWS runs). A path is parsed once, at compile
 * time, into an accessor closure. Definite paths (names and single indices only) become
 * direct property reads; anything richer (wildcards, slices, unions, filters, deep scan)
 * is handed to jsonpath-plus, whose filter expressions are evaluated by FilterScript
 * below over JSON data only: never JavaScript, never a method call.
 *
 * An accessor returns `undefined` when a definite path finds nothing (JSON has no
 * undefined, so it is unambiguous); callers turn that into the error AWS raises for
 * their field. An indefinite path always returns an array, empty when nothing matched.
 */
export type Accessor = (document: unknown, frame: Frame) => unknown;

export type PathRoot = 'input' | 'context' | 'variable';

export type Segment = { readonly name: string } | { readonly index: number };

export interface ParsedPath {
  readonly text: string;
  readonly root: PathRoot;
  /** The variable's name when root is 'variable'. */
  readonly variable: string;
  /** The segments of a definite path; null when the path is indefinite. */
  readonly segments: readonly Segment[] | null;
  /** The path as jsonpath-plus reads it (root rewritten to `$`), for indefinite paths. */
  readonly indefinite: string;
}

export class PathSyntaxError extends Error {
  override readonly name = 'PathSyntaxError';
}

const identStart = /[\p{ID_Start}_]/u;
const identPart = /[\p{ID_Continue}_$\u200c\u200d]/u;
const digits = /^-?\d+$/;

/** Parses a Path (`$`, `$$`, or `$name` for a variable) and says whether it is definite. */
export function parsePath(text: string): ParsedPath {
  if (typeof text !== 'string' || text[0] !== '$') throw new PathSyntaxError(`a path must start with '$'`);
  let i = 1;
  let root: PathRoot = 'input';
  let variable = '';
  if (text[1] === '$') {
    root = 'context';
    i = 2;
  } else if (i < text.length && identStart.test(text[i]!)) {
    root = 'variable';
    let j = i;
    while (j < text.length && identPart.test(text[j]!)) j++;
    variable = text.slice(i, j);
    i = j;
  }
  const segments: Segment[] = [];
  let definite = true;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '.') {
      if (text[i + 1] === '.') {
        definite = false;
        i += 2;
        if (text[i] === '*') {
          i++;
          continue;
        }
        if (text[i] === '[') continue;
        const end = scanName(text, i);
        if (end === i) throw new PathSyntaxError(`'..' must be followed by a name, '*' or '[' at position ${i}`);
        i = end;
        continue;
      }
      i++;
      if (text[i] === '*') {
        definite = false;
        i++;
        continue;
      }
      const end = scanName(text, i);
      if (end === i) throw new PathSyntaxError(`'.' must be followed by a name at position ${i - 1}`);
      segments.push({ name: text.slice(i, end) });
      i = end;
    } else if (c === '[') {
      const close = findBracketEnd(text, i);
      const inner = text.slice(i + 1, close).trim();
      i = close + 1;
      if (inner.length === 0) throw new PathSyntaxError(`empty brackets '[]'`);
      const quoted = parseQuoted(inner);
      if (quoted !== null) {
        segments.push({ name: quoted });
      } else if (digits.test(inner)) {
        segments.push({ index: Number(inner) });
      } else {
        checkBracketExpression(inner);
        definite = false;
      }
    } else {
      throw new PathSyntaxError(`unexpected '${c}' at position ${i}; expected '.' or '['`);
    }
  }
  const indefinite = definite ? '' : '$' + text.slice(root === 'context' ? 2 : root === 'variable' ? 1 + variable.length : 1);
  if (!definite) {
    try {
      JSONPath.toPathArray(indefinite);
    } catch (e) {
      throw new PathSyntaxError((e as Error).message);
    }
  }
  return { text, root, variable, segments: definite ? segments : null, indefinite };
}

/** A name in dot notation runs to the next '.', '[' or the end. */
function scanName(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '.' || c === '[' || c === ']' || c === "'" || c === '"' || c === ' ' || c === '(' || c === ')') break;
    i++;
  }
  return i;
}

function findBracketEnd(text: string, open: number): number {
  let depth = 0;
  let quote = '';
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') {
      depth--;
      if (depth === 0) {
        if (c !== ']') throw new PathSyntaxError(`unbalanced ')' at position ${i}`);
        return i;
      }
    }
  }
  throw new PathSyntaxError(`'[' at position ${open} is never closed`);
}

/** `'name'` or `"name"` with backslash escapes; null when `inner` is not one quoted string. */
function parseQuoted(inner: string): string | null {
  const q = inner[0];
  if ((q !== "'" && q !== '"') || inner.length < 2 || inner[inner.length - 1] !== q) return null;
  let out = '';
  for (let i = 1; i < inner.length - 1; i++) {
    const c = inner[i]!;
    if (c === '\\' && i + 1 < inner.length - 1) {
      out += inner[++i];
    } else if (c === q) {
      return null;
    } else out += c;
  }
  return out;
}

const sliceOrUnion = /^(\*|-?\d*:-?\d*(:-?\d*)?|(-?\d+|'[^']*'|"[^"]*")(\s*,\s*(-?\d+|'[^']*'|"[^"]*"))+)$/;

function checkBracketExpression(inner: string) {
  if (sliceOrUnion.test(inner)) return;
  if (inner.startsWith('?(') && inner.endsWith(')')) {
    checkFilter(inner.slice(2, -1));
    return;
  }
  if (inner.startsWith('(') && inner.endsWith(')')) {
    throw new PathSyntaxError(`script expressions '[(…)]' are not supported`);
  }
  throw new PathSyntaxError(`'[${inner}]' is not an index, a quoted name, '*', a slice, a union or a filter`);
}

/** A Reference Path names at most one node: a definite path. */
export function parseReferencePath(text: string): ParsedPath {
  const parsed = parsePath(text);
  if (parsed.segments === null) {
    throw new PathSyntaxError(`a reference path must name a single node; wildcards, slices, unions, filters and '..' are not allowed`);
  }
  return parsed;
}

export function isDefinite(text: string): boolean {
  return parsePath(text).segments !== null;
}

const inherited = new Set<string>(Object.getOwnPropertyNames(Object.prototype));

/** Reads one property of a JSON object, never anything inherited from a prototype. */
function ownProperty(value: unknown, name: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.prototype.hasOwnProperty.call(value, name) ? (value as Record<string, unknown>)[name] : undefined;
}

function fastProperty(value: unknown, name: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
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
function walker(segments: readonly Segment[]): Step {
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
  }
  if (steps.length === 0) return (v) => v;
  return function readPath(v) {
    let x = v;
    for (let i = 0; i < steps.length && x !== undefined; i++) x = steps[i]!(x);
    return x;
  };
}

function indefiniteReader(jsonPath: string): Step {
  return function readIndefinite(v) {
    if (v === undefined) return [];
    return JSONPath({ path: jsonPath, json: v as object, wrap: true, eval: FilterScript, ignoreEvalErrors: true }) as unknown[];
  };
}

// ---------------------------------------------------------------------------------------------
// Filter expressions: `[?(@.price < 10 && @.tags[0] == 'new')]`

/**
 * jsonpath-plus parses a filter (with jsep) and hands it to an evaluator class; this one
 * evaluates it over JSON data only. A name reads an own property of an object or an element
 * of an array, never anything inherited (`@.toString`, `@.constructor`, a string's length),
 * and there are no calls, assignments or `this`: a filter cannot run a method (`@.list.push(1)`
 * would change the caller's input, `@.s.repeat(1e9)` exhaust memory), let alone reach code.
 * A name that is missing gives undefined, so, as in Jayway, the item does not match instead
 * of the state failing.
 */
interface FilterNode {
  readonly type: string;
  readonly operator?: string;
  readonly name?: string;
  readonly value?: unknown;
  readonly computed?: boolean;
  readonly object?: FilterNode;
  readonly property?: FilterNode;
  readonly argument?: FilterNode;
  readonly left?: FilterNode;
  readonly right?: FilterNode;
  readonly test?: FilterNode;
  readonly consequent?: FilterNode;
  readonly alternate?: FilterNode;
  readonly elements?: readonly FilterNode[];
}

/** jsonpath-plus's own parser for filter text (jsep with its plugins), exposed on its prototype. */
const FilterParser = (JSONPath.prototype as unknown as { safeVm: { Script: new (code: string) => { ast: FilterNode } } }).safeVm.Script;

/** The names jsonpath-plus binds for a filter: `@` is `_$_v`, `@root` is `_$_root`, and so on. */
const sandboxNames = new Set(['_$_v', '_$_root', '_$_parent', '_$_property', '_$_parentProperty', '_$_path']);

const binaryOperators = new Set(['||', '&&', '==', '!=', '===', '!==', '<', '<=', '>', '>=', '+', '-', '*', '/', '%']);
const unaryOperators = new Set(['!', '-', '+']);

class FilterScript {
  private readonly ast: FilterNode;
  constructor(code: string) {
    this.ast = parseFilter(code, code);
  }
  runInNewContext(context: Record<string, unknown>): unknown {
    return evaluateFilter(this.ast, context);
  }
}

/** A filter's text as jsonpath-plus rewrites it before evaluating: the `@` forms become sandbox names. */
function sandboxed(code: string): string {
  return code
    .replaceAll('@parentProperty', '_$_parentProperty')
    .replaceAll('@parent', '_$_parent')
    .replaceAll('@property', '_$_property')
    .replaceAll('@root', '_$_root')
    .replaceAll(/@([.\s)[])/gu, '_$_v$1')
    .replaceAll('@path', '_$_path');
}

/** At compile time: a filter must parse, and use only what evaluateFilter evaluates. */
function checkFilter(code: string): void {
  // jsonpath-plus evaluates a filter nested in a filter (`@.a[?(@.b)]`) piece by piece.
  if (code.includes('?(')) return;
  parseFilter(sandboxed(code), code);
}

/** Parses a sandboxed filter; `shown` is the filter as written, for messages. */
function parseFilter(code: string, shown: string): FilterNode {
  let ast: FilterNode;
  try {
    ast = new FilterParser(code).ast;
  } catch (e) {
    throw new PathSyntaxError(`the filter expression '${shown}' cannot be parsed: ${(e as Error).message}`);
  }
  checkFilterNode(ast, shown);
  return ast;
}

function checkFilterNode(node: FilterNode, code: string): void {
  const refuse = (what: string): never => {
    throw new PathSyntaxError(`the filter expression '${code}' uses ${what}; filters compare values read with @, @root or $ and literals only`);
  };
  switch (node.type) {
    case 'Literal':
      if (node.value instanceof RegExp) refuse('a regular expression');
      return;
    case 'Identifier':
      if (!sandboxNames.has(node.name!) && node.name !== '$') refuse(`the name '${node.name}'`);
      return;
    case 'MemberExpression':
      checkFilterNode(node.object!, code);
      if (node.computed) checkFilterNode(node.property!, code);
      return;
    case 'UnaryExpression':
      if (!unaryOperators.has(node.operator!)) refuse(`the operator '${node.operator}'`);
      checkFilterNode(node.argument!, code);
      return;
    case 'BinaryExpression':
    case 'LogicalExpression':
      if (!binaryOperators.has(node.operator!)) refuse(`the operator '${node.operator}'`);
      checkFilterNode(node.left!, code);
      checkFilterNode(node.right!, code);
      return;
    case 'ConditionalExpression':
      checkFilterNode(node.test!, code);
      checkFilterNode(node.consequent!, code);
      checkFilterNode(node.alternate!, code);
      return;
    case 'ArrayExpression':
      for (const element of node.elements!) checkFilterNode(element, code);
      return;
    case 'CallExpression':
      return refuse('a function call');
    default:
      return refuse(`a ${node.type}`);
  }
}

function evaluateFilter(node: FilterNode, context: Record<string, unknown>): unknown {
  switch (node.type) {
    case 'Literal':
      return node.value;
    case 'Identifier':
      // Jayway's `$` is the root of the document the path reads.
      if (node.name === '$') return context._$_root;
      return Object.prototype.hasOwnProperty.call(context, node.name!) ? context[node.name!] : undefined;
    case 'MemberExpression': {
      const target = evaluateFilter(node.object!, context);
      const key = node.computed ? evaluateFilter(node.property!, context) : node.property!.name;
      return jsonMember(target, key);
    }
    case 'UnaryExpression': {
      const value = evaluateFilter(node.argument!, context);
      return node.operator === '!' ? !value : node.operator === '-' ? -(value as number) : +(value as number);
    }
    case 'BinaryExpression':
    case 'LogicalExpression':
      return evaluateBinary(node, context);
    case 'ConditionalExpression':
      return evaluateFilter(node.test!, context) ? evaluateFilter(node.consequent!, context) : evaluateFilter(node.alternate!, context);
    case 'ArrayExpression':
      return node.elements!.map((element) => evaluateFilter(element, context));
    default:
      return undefined;
  }
}

/** `value.key` or `value[key]` over JSON: an own property of an object, an element of an array. */
function jsonMember(value: unknown, key: unknown): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    const index = typeof key === 'number' ? key : typeof key === 'string' && digits.test(key) ? Number(key) : NaN;
    return Number.isInteger(index) ? value[index < 0 ? value.length + index : index] : undefined;
  }
  const name = String(key);
  if (!Object.prototype.hasOwnProperty.call(value, name)) return undefined;
  const found = (value as Record<string, unknown>)[name];
  return typeof found === 'function' ? undefined : found;
}

function evaluateBinary(node: FilterNode, context: Record<string, unknown>): unknown {
  const left = evaluateFilter(node.left!, context);
  if (node.operator === '&&') return left && evaluateFilter(node.right!, context);
  if (node.operator === '||') return left || evaluateFilter(node.right!, context);
  const right = evaluateFilter(node.right!, context);
  const a = left as number;
  const b = right as number;
  switch (node.operator) {
    case '==':
      return left == right;
    case '!=':
      return left != right;
    case '===':
      return left === right;
    case '!==':
      return left !== right;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    default:
      return a % b;
  }
}

/** Compiles a Path into an accessor over the state's document, the context object or a variable. */
export function compilePath(text: string): Accessor {
  return compileParsed(parsePath(text));
}

export function compileReferencePath(text: string): Accessor {
  return compileParsed(parseReferencePath(text));
}

export function compileParsed(parsed: ParsedPath): Accessor {
  const read = parsed.segments !== null ? walker(parsed.segments) : indefiniteReader(parsed.indefinite);
  if (parsed.root === 'input') {
    if (parsed.segments !== null && parsed.segments.length === 0) return (document) => document;
    return function readInputPath(document) {
      return read(document);
    };
  }
  if (parsed.root === 'context') {
    const field = parsed.segments === null ? null : contextField(parsed.segments);
    if (field !== null) {
      const rest = walker(parsed.segments!.slice(field.depth));
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
  const name = parsed.variable;
  return function readVariablePath(_document, frame) {
    if (frame.vars === null || !frame.vars.has(name)) return undefined;
    return read(frame.vars.get(name));
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
    return head + parsed.segments.map((s) => ('index' in s ? `[${s.index}]` : `['${s.name}']`)).join('');
  } catch {
    return text;
  }
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
  const existing = Object.prototype.hasOwnProperty.call(source, segment.name) ? source[segment.name] : undefined;
  const child = last ? value : writeAt(existing === undefined || existing === null ? {} : existing, segments, at + 1, value);
  if (child === undefined) return undefined;
  const copy = copyOwn({}, source);
  setOwn(copy, segment.name, child);
  return copy;
}
