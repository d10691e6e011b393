/**
 * Intrinsic functions of JSONPath states (`"key.$": "States.Format('{}', $.name)"`).
 *
 * A call is parsed once, at compile time, into a tree; checkIntrinsic reports everything
 * knowable from the text (syntax, names, arity, literal argument kinds and values, nesting,
 * paths), and compileIntrinsic turns the same tree into closures. A pure call whose arguments
 * are all constants is evaluated at compile time; its closure returns the value (a fresh copy
 * when it is an array or object).
 *
 * Failures. The ASL spec calls every intrinsic failure States.IntrinsicFailure, but AWS raises
 * States.Runtime (terminal: never retried, never caught by States.ALL), with causes such as
 *   The function 'States.Format('{}', $.nope)' had the following error: The JsonPath argument
 *   for the field '$.nope' could not be found in the input '{"other":1}'
 *   The function 'States.MathAdd($.a, 1)' had the following error: Invalid arguments in States.MathAdd
 * after the usual "An error occurred while executing the state …" prefix. None of the recorded
 * conformance cases fails inside an intrinsic; these causes come from public parity suites that
 * captured them on AWS. We follow AWS: every run-time failure here is States.Runtime.
 *
 * Where AWS differs from the spec, AWS wins (each is observed on AWS by such suites or by the
 * conformance cases): States.Format prints arrays and objects the Java way (`{a=1, b=[]}`)
 * instead of failing; ArrayPartition, ArrayRange, ArrayGetItem and MathRandom truncate
 * fractional numbers, MathAdd rounds them half up; ArrayContains compares scalars by their text
 * (`true` matches `"true"`) and containers by their JSON text (key order matters); Hash
 * accepts any value (we hash a non-string's JSON text: what AWS hashes is not recorded);
 * StringToJson of a blank string is null. A seeded MathRandom draws from java.util.Random, the
 * likeliest generator behind AWS (its seeded values are not recorded either).
 */
import { createHash, randomUUID } from 'node:crypto';
import { jsonForCause, runtimeError } from '../../run/errors.js';
import type { Frame } from '../../run/frame.js';
import { copyOwn } from '../own-properties.js';
import { compileParsed, parsePath, PathSyntaxError, type Accessor, type ParsedPath } from '../jsonpath/paths.js';

/** Why checkIntrinsic rejected a call; stable, for callers and tests to match on. */
export const IntrinsicProblems = {
  SYNTAX: 'syntax',
  STRING: 'string',
  UNKNOWN_FUNCTION: 'unknown-function',
  ARITY: 'arity',
  ARGUMENT_KIND: 'argument-kind',
  ARGUMENT_VALUE: 'argument-value',
  PATH: 'path',
  NESTING: 'nesting',
} as const;

export type IntrinsicProblem = (typeof IntrinsicProblems)[keyof typeof IntrinsicProblems];

export class IntrinsicSyntaxError extends Error {
  override readonly name = 'IntrinsicSyntaxError';
  readonly problem: IntrinsicProblem;
  /** Offset in the call text where the problem starts, or -1 when it concerns the whole call. */
  readonly position: number;
  constructor(message: string, problem: IntrinsicProblem = IntrinsicProblems.SYNTAX, position = -1) {
    super(message);
    this.problem = problem;
    this.position = position;
  }
}

/** AWS allows up to 10 intrinsic calls nested in one field. */
const MAX_NESTING = 10;
/** Longest input of Base64Encode, Base64Decode and Hash, in characters. */
const MAX_TEXT_INPUT = 10_000;
/** Most items ArrayRange may produce. */
const MAX_RANGE_ITEMS = 1000;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

const callStart = /^States\.[A-Za-z][A-Za-z0-9]*\(/;

/** True when a `.$` value is an intrinsic call rather than a path. */
export function isIntrinsicCall(text: string): boolean {
  return typeof text === 'string' && callStart.test(text);
}

/** Parses and checks an intrinsic call; throws IntrinsicSyntaxError naming the problem. */
export function checkIntrinsic(text: string): void {
  analyse(parseIntrinsic(text));
}

/** Compiles an intrinsic call into an accessor; throws IntrinsicSyntaxError when checkIntrinsic would. */
export function compileIntrinsic(text: string): Accessor {
  const call = parseIntrinsic(text);
  analyse(call);
  return compileCall(call, text);
}

// ---------------------------------------------------------------------------------------
// Syntax tree

type Literal = string | number | boolean | null;

interface LiteralNode {
  readonly type: 'literal';
  readonly value: Literal;
  /** For strings, the text between the quotes with its escapes (Format templates need them). */
  readonly raw: string;
  readonly at: number;
}

interface PathNode {
  readonly type: 'path';
  readonly text: string;
  readonly parsed: ParsedPath;
  readonly at: number;
}

interface CallNode {
  readonly type: 'call';
  readonly fn: FunctionSpec;
  readonly args: readonly ArgNode[];
  readonly at: number;
  /** Set by analyse() when the call is pure and every argument is constant. */
  folded: { readonly value: unknown } | null;
}

type ArgNode = LiteralNode | PathNode | CallNode;

// ---------------------------------------------------------------------------------------
// Parser

interface Cursor {
  readonly text: string;
  pos: number;
}

const functionName = /States\.([A-Za-z][A-Za-z0-9]*)/y;
const numberToken = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const keywordToken = /(?:true|false|null)(?![A-Za-z0-9_$.])/y;

function parseIntrinsic(text: string): CallNode {
  if (typeof text !== 'string' || !text.startsWith('States.')) {
    throw new IntrinsicSyntaxError(`an intrinsic function call must start with 'States.'`, IntrinsicProblems.SYNTAX, 0);
  }
  const cursor: Cursor = { text, pos: 0 };
  const call = parseCall(cursor, 1);
  skipSpaces(cursor);
  if (cursor.pos < text.length) {
    throw new IntrinsicSyntaxError(
      `unexpected '${text[cursor.pos]}' at position ${cursor.pos} after the end of the ${call.fn.name} call`,
      IntrinsicProblems.SYNTAX,
      cursor.pos,
    );
  }
  return call;
}

function parseCall(cursor: Cursor, depth: number): CallNode {
  const { text } = cursor;
  const at = cursor.pos;
  functionName.lastIndex = at;
  const match = functionName.exec(text);
  if (match === null) throw new IntrinsicSyntaxError(`expected a function name after 'States.' at position ${at}`, IntrinsicProblems.SYNTAX, at);
  const name = match[0];
  cursor.pos = functionName.lastIndex;
  if (text[cursor.pos] !== '(') {
    throw new IntrinsicSyntaxError(`expected '(' after ${name} at position ${cursor.pos}`, IntrinsicProblems.SYNTAX, cursor.pos);
  }
  const fn = functions.get(name);
  if (fn === undefined) {
    throw new IntrinsicSyntaxError(`unknown intrinsic function '${name}'`, IntrinsicProblems.UNKNOWN_FUNCTION, at);
  }
  if (depth > MAX_NESTING) {
    throw new IntrinsicSyntaxError(
      `intrinsic functions may be nested at most ${MAX_NESTING} deep; ${name} at position ${at} is level ${depth}`,
      IntrinsicProblems.NESTING,
      at,
    );
  }
  cursor.pos++;
  const args: ArgNode[] = [];
  skipSpaces(cursor);
  if (text[cursor.pos] === ')') {
    cursor.pos++;
    return { type: 'call', fn, args, at, folded: null };
  }
  for (;;) {
    skipSpaces(cursor);
    args.push(parseArgument(cursor, fn, args.length + 1, depth));
    skipSpaces(cursor);
    const c = text[cursor.pos];
    if (c === ',') {
      cursor.pos++;
      continue;
    }
    if (c === ')') {
      cursor.pos++;
      return { type: 'call', fn, args, at, folded: null };
    }
    throw new IntrinsicSyntaxError(
      c === undefined
        ? `${name} is missing its closing ')'`
        : `expected ',' or ')' after argument ${args.length} of ${name} at position ${cursor.pos}, found '${c}'`,
      IntrinsicProblems.SYNTAX,
      cursor.pos,
    );
  }
}

function parseArgument(cursor: Cursor, fn: FunctionSpec, index: number, depth: number): ArgNode {
  const { text } = cursor;
  const at = cursor.pos;
  const c = text[at];
  if (c === "'") return parseString(cursor, fn, index);
  if (c === '$') return parsePathArgument(cursor, fn, index);
  if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return parseNumber(cursor, fn, index);
  if (text.startsWith('States.', at)) return parseCall(cursor, depth + 1);
  keywordToken.lastIndex = at;
  const keyword = keywordToken.exec(text);
  if (keyword !== null) {
    cursor.pos = keywordToken.lastIndex;
    const value = keyword[0] === 'null' ? null : keyword[0] === 'true';
    return { type: 'literal', value, raw: keyword[0], at };
  }
  const found = c === undefined ? 'the end of the text' : c === ',' || c === ')' ? `'${c}' (an empty argument)` : `'${c}'`;
  throw new IntrinsicSyntaxError(
    `${fn.name} argument ${index}: expected a 'string', a number, true, false, null, a path or an intrinsic call at position ${at}, found ${found}`,
    IntrinsicProblems.SYNTAX,
    at,
  );
}

/** A quoted string; the only escapes are \' \{ \} and \\ (written \\' … \\\\ inside JSON). */
function parseString(cursor: Cursor, fn: FunctionSpec, index: number): LiteralNode {
  const { text } = cursor;
  const at = cursor.pos;
  let value = '';
  let i = at + 1;
  for (;;) {
    if (i >= text.length) {
      throw new IntrinsicSyntaxError(`${fn.name} argument ${index}: the string starting at position ${at} is never closed`, IntrinsicProblems.STRING, at);
    }
    const c = text[i]!;
    if (c === "'") break;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === undefined) {
        throw new IntrinsicSyntaxError(`${fn.name} argument ${index}: dangling backslash at position ${i}`, IntrinsicProblems.STRING, i);
      }
      if (next !== "'" && next !== '{' && next !== '}' && next !== '\\') {
        throw new IntrinsicSyntaxError(
          `${fn.name} argument ${index}: invalid escape '\\${next}' at position ${i}; only \\' \\{ \\} and \\\\ are allowed`,
          IntrinsicProblems.STRING,
          i,
        );
      }
      value += next;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  cursor.pos = i + 1;
  return { type: 'literal', value, raw: text.slice(at + 1, i), at };
}

function parseNumber(cursor: Cursor, fn: FunctionSpec, index: number): LiteralNode {
  const { text } = cursor;
  const at = cursor.pos;
  numberToken.lastIndex = at;
  const match = numberToken.exec(text);
  const end = match === null ? at : numberToken.lastIndex;
  const next = text[end];
  if (match === null || (next !== undefined && next !== ',' && next !== ')' && !isSpace(next))) {
    let stop = at;
    while (stop < text.length && text[stop] !== ',' && text[stop] !== ')' && !isSpace(text[stop]!)) stop++;
    throw new IntrinsicSyntaxError(
      `${fn.name} argument ${index}: '${text.slice(at, stop)}' at position ${at} is not a number`,
      IntrinsicProblems.SYNTAX,
      at,
    );
  }
  const value = Number(match[0]);
  if (!Number.isFinite(value)) {
    throw new IntrinsicSyntaxError(`${fn.name} argument ${index}: ${match[0]} is out of range`, IntrinsicProblems.ARGUMENT_VALUE, at);
  }
  cursor.pos = end;
  return { type: 'literal', value: value === 0 ? 0 : value, raw: match[0], at };
}

/** A path runs to the next ',' or ')' outside brackets (brackets may hold unions, filters and quotes). */
function parsePathArgument(cursor: Cursor, fn: FunctionSpec, index: number): PathNode {
  const { text } = cursor;
  const at = cursor.pos;
  let i = at;
  let depth = 0;
  let quote = '';
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== '') {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (depth > 0 && (c === "'" || c === '"')) quote = c;
    else if (c === '[' || (depth > 0 && c === '(')) depth++;
    else if (depth > 0 && (c === ']' || c === ')')) depth--;
    else if (depth === 0 && (c === ',' || c === ')' || isSpace(c))) break;
  }
  const pathText = text.slice(at, i);
  let parsed: ParsedPath;
  try {
    parsed = parsePath(pathText);
  } catch (e) {
    const reason = e instanceof PathSyntaxError ? e.message : String(e);
    throw new IntrinsicSyntaxError(`${fn.name} argument ${index}: invalid path '${pathText}': ${reason}`, IntrinsicProblems.PATH, at);
  }
  cursor.pos = i;
  return { type: 'path', text: pathText, parsed, at };
}

function skipSpaces(cursor: Cursor): void {
  while (cursor.pos < cursor.text.length && isSpace(cursor.text[cursor.pos]!)) cursor.pos++;
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

// ---------------------------------------------------------------------------------------
// Checks that need the whole call: arity, argument kinds, literal values, constant folding

/** What a value is, as far as the compiler can tell. */
type Kind = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object' | 'any';

interface Param {
  /** Kinds the argument may have; 'any' accepts everything. */
  readonly kinds: readonly Kind[] | 'any';
  /** The argument must be written as a path (JsonToString). */
  readonly pathOnly?: boolean;
  /** Checks a constant argument; returns why it can never work, or null. */
  readonly check?: (value: unknown) => string | null;
}

function analyse(call: CallNode): void {
  const { fn, args } = call;
  if (args.length < fn.min || args.length > fn.max) {
    throw new IntrinsicSyntaxError(`${fn.name} takes ${arityText(fn)}, got ${args.length}`, IntrinsicProblems.ARITY, call.at);
  }
  let allConstant = true;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.type === 'call') analyse(arg);
    const param = fn.params[Math.min(i, fn.params.length - 1)]!;
    const where = `${fn.name} argument ${i + 1}`;
    if (param.pathOnly && arg.type !== 'path') {
      throw new IntrinsicSyntaxError(`${where} must be a path`, IntrinsicProblems.ARGUMENT_KIND, arg.at);
    }
    const kind = kindOf(arg);
    if (param.kinds !== 'any' && kind !== 'any' && !param.kinds.includes(kind)) {
      throw new IntrinsicSyntaxError(`${where} must be ${kindsText(param.kinds)}, got ${kindText(kind)}`, IntrinsicProblems.ARGUMENT_KIND, arg.at);
    }
    const constant = constantOf(arg);
    if (constant === undefined) {
      allConstant = false;
    } else if (param.check) {
      const problem = param.check(constant.value);
      if (problem !== null) throw new IntrinsicSyntaxError(`${where} ${problem}`, IntrinsicProblems.ARGUMENT_VALUE, arg.at);
    }
  }
  const problem = fn.checkCall?.(args) ?? null;
  if (problem !== null) throw new IntrinsicSyntaxError(`${fn.name}: ${problem}`, IntrinsicProblems.ARGUMENT_VALUE, call.at);
  if (allConstant && fn.pure) {
    const values = args.map((a) => constantOf(a)!.value);
    const value = fn.fold ? fn.fold(args, values) : fn.evaluate(values);
    if (isRejection(value)) {
      throw new IntrinsicSyntaxError(`${fn.name} can never succeed with these arguments: ${value.reason}`, IntrinsicProblems.ARGUMENT_VALUE, call.at);
    }
    call.folded = { value };
  }
}

function kindOf(arg: ArgNode): Kind {
  if (arg.type === 'path') return 'any';
  if (arg.type === 'literal') return valueKind(arg.value);
  return arg.folded !== null ? valueKind(arg.folded.value) : arg.fn.result;
}

function constantOf(arg: ArgNode): { readonly value: unknown } | undefined {
  if (arg.type === 'literal') return arg;
  if (arg.type === 'call' && arg.folded !== null) return arg.folded;
  return undefined;
}

function valueKind(value: unknown): Kind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean' || t === 'object' ? (t as Kind) : 'any';
}

function arityText(fn: FunctionSpec): string {
  if (fn.max === 0) return 'no arguments';
  const plural = (n: number) => `${n} argument${n === 1 ? '' : 's'}`;
  if (fn.min === fn.max) return plural(fn.min);
  if (fn.max === Infinity) return `at least ${plural(fn.min)}`;
  return `${fn.min} to ${plural(fn.max)}`;
}

function kindText(kind: Kind): string {
  return kind === 'null' ? 'null' : kind === 'array' || kind === 'object' ? `an ${kind}` : `a ${kind}`;
}

function kindsText(kinds: readonly Kind[]): string {
  return kinds.map(kindText).join(' or ');
}

// ---------------------------------------------------------------------------------------
// Closures

type Evaluator = (document: unknown, frame: Frame) => unknown;

function compileArgument(arg: ArgNode, root: string): Evaluator {
  if (arg.type === 'literal') {
    const value = arg.value;
    return function literalArgument() {
      return value;
    };
  }
  if (arg.type === 'path') return compilePathArgument(arg, root);
  return compileCall(arg, root);
}

/** A path that finds nothing fails the call, naming the whole expression as AWS does. */
function compilePathArgument(arg: PathNode, root: string): Evaluator {
  const read = compileParsed(arg.parsed);
  // Step Functions Local reports a context path as the state-input path it searched for.
  const shown = arg.parsed.root === 'context' ? arg.text.slice(1) : arg.text;
  const prefix = `The function '${root}' had the following error: The JsonPath argument for the field '${shown}' could not be found in the input '`;
  return function readIntrinsicArgument(document, frame) {
    const value = read(document, frame);
    if (value === undefined) throw runtimeError(frame, `${prefix}${jsonForCause(document)}'`);
    return value;
  };
}

function compileCall(call: CallNode, root: string): Evaluator {
  if (call.folded !== null) return constantResult(call.folded.value);
  const fn = call.fn;
  const invalid = `The function '${root}' had the following error: Invalid arguments in ${fn.name}`;
  if (fn.compile) return fn.compile(call, root, invalid);
  const args = call.args.map((a) => compileArgument(a, root));
  const apply = fn.apply;
  if (apply === undefined) {
    const evaluate = fn.evaluate;
    return function callIntrinsicN(document, frame) {
      const values = new Array<unknown>(args.length);
      for (let i = 0; i < args.length; i++) values[i] = args[i]!(document, frame);
      const result = evaluate(values);
      if (isRejection(result)) throw runtimeError(frame, invalid);
      return result;
    };
  }
  switch (args.length) {
    case 0:
      return function callIntrinsic0(_document, frame) {
        const result = apply(undefined, undefined, undefined);
        if (isRejection(result)) throw runtimeError(frame, invalid);
        return result;
      };
    case 1: {
      const [a] = args as [Evaluator];
      return function callIntrinsic1(document, frame) {
        const result = apply(a(document, frame), undefined, undefined);
        if (isRejection(result)) throw runtimeError(frame, invalid);
        return result;
      };
    }
    case 2: {
      const [a, b] = args as [Evaluator, Evaluator];
      return function callIntrinsic2(document, frame) {
        const result = apply(a(document, frame), b(document, frame), undefined);
        if (isRejection(result)) throw runtimeError(frame, invalid);
        return result;
      };
    }
    default: {
      const [a, b, c] = args as [Evaluator, Evaluator, Evaluator];
      return function callIntrinsic3(document, frame) {
        const result = apply(a(document, frame), b(document, frame), c(document, frame));
        if (isRejection(result)) throw runtimeError(frame, invalid);
        return result;
      };
    }
  }
}

/** A value computed at compile time; arrays and objects are copied so no two uses share one. */
function constantResult(value: unknown): Evaluator {
  if (value === null || typeof value !== 'object') {
    return function constantValue() {
      return value;
    };
  }
  return function constantCopy() {
    return copyJson(value);
  };
}

function copyJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = copyJson(value[i]);
    return copy;
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = copyJson((value as Record<string, unknown>)[key]);
    if (key === '__proto__') Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    else copy[key] = item;
  }
  return copy;
}

// ---------------------------------------------------------------------------------------
// The functions

/** Returned by a function body whose arguments are unusable; `reason` explains it at compile time. */
class Rejection {
  readonly reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
}

/** The typeof guard keeps the common case (a number, a string) off instanceof's slow path. */
function isRejection(value: unknown): value is Rejection {
  return typeof value === 'object' && value instanceof Rejection;
}

/** A body taking up to three arguments; an absent optional argument is undefined. */
type Apply = (a: unknown, b: unknown, c: unknown) => unknown;

interface FunctionSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** One entry per argument; the last repeats for variadic functions. */
  readonly params: readonly Param[];
  readonly result: Kind;
  /** Same arguments, same result, no effects: may be evaluated at compile time. */
  readonly pure: boolean;
  /** The body over an argument list (constant folding, variadic calls). */
  readonly evaluate: (values: readonly unknown[]) => unknown;
  /** Constant folding when the body needs more than the values (a literal template's escapes). */
  readonly fold?: (args: readonly ArgNode[], values: readonly unknown[]) => unknown;
  /** The body over positional arguments, for calls without an argument array. */
  readonly apply?: Apply;
  /** A specialised compiler, when the generic closures are not the best. */
  readonly compile?: (call: CallNode, root: string, invalid: string) => Evaluator;
  /** Checks across arguments known at compile time; returns why the call can never work, or null. */
  readonly checkCall?: (args: readonly ArgNode[]) => string | null;
}

const anyParam: Param = { kinds: 'any' };
const stringParam: Param = { kinds: ['string'] };
const numberParam: Param = { kinds: ['number'] };
const arrayParam: Param = { kinds: ['array'] };
const objectParam: Param = { kinds: ['object'] };
const textInputParam: Param = { kinds: ['string'], check: (v) => (textTooLong(v as string) ? `is longer than ${MAX_TEXT_INPUT} characters` : null) };

function fixed(
  name: string,
  params: readonly Param[],
  result: Kind,
  apply: Apply,
  options: { min?: number; pure?: boolean; checkCall?: FunctionSpec['checkCall'] } = {},
): FunctionSpec {
  return {
    name,
    min: options.min ?? params.length,
    max: params.length,
    params,
    result,
    pure: options.pure ?? true,
    apply,
    evaluate: (values) => apply(values[0], values[1], values[2]),
    checkCall: options.checkCall,
  };
}

const functionList: FunctionSpec[] = [
  {
    name: 'States.Format',
    min: 1,
    max: Infinity,
    params: [stringParam, anyParam],
    result: 'string',
    pure: true,
    evaluate: formatValues,
    fold: foldFormat,
    compile: compileFormat,
    checkCall: checkFormatTemplate,
  },
  fixed('States.StringToJson', [stringParam], 'any', stringToJson),
  fixed('States.JsonToString', [{ kinds: 'any', pathOnly: true }], 'string', (value) => JSON.stringify(value)),
  {
    name: 'States.Array',
    min: 0,
    max: Infinity,
    params: [anyParam],
    result: 'array',
    pure: true,
    evaluate: (values) => values.slice(),
  },
  fixed('States.ArrayPartition', [arrayParam, { kinds: ['number'], check: (v) => (Math.trunc(v as number) > 0 ? null : 'must be at least 1') }], 'array', arrayPartition),
  fixed('States.ArrayContains', [arrayParam, anyParam], 'boolean', arrayContains),
  fixed('States.ArrayRange', [numberParam, numberParam, { kinds: ['number'], check: (v) => (Math.trunc(v as number) !== 0 ? null : 'must not be 0') }], 'array', arrayRange),
  fixed('States.ArrayGetItem', [arrayParam, { kinds: ['number'], check: (v) => (Math.trunc(v as number) >= 0 ? null : 'must not be negative') }], 'any', arrayGetItem),
  fixed('States.ArrayLength', [arrayParam], 'number', (array) => (Array.isArray(array) ? array.length : reject('the argument is not an array'))),
  fixed('States.ArrayUnique', [arrayParam], 'array', arrayUnique),
  fixed('States.Base64Encode', [textInputParam], 'string', base64Encode),
  fixed('States.Base64Decode', [textInputParam], 'string', base64Decode),
  fixed('States.Hash', [anyParam, { kinds: ['string'], check: (v) => (hashAlgorithms.has(v as string) ? null : `must be one of ${[...hashAlgorithms.keys()].join(', ')}, got '${String(v)}'`) }], 'string', hash),
  fixed('States.JsonMerge', [objectParam, objectParam, { kinds: 'any', check: (v) => (v === true ? 'must be false: only shallow merging is supported' : null) }], 'object', jsonMerge),
  fixed('States.MathRandom', [numberParam, numberParam, numberParam], 'number', mathRandom, { min: 2, pure: false, checkCall: checkRandomBounds }),
  fixed('States.MathAdd', [numberParam, numberParam], 'number', mathAdd),
  fixed('States.StringSplit', [stringParam, stringParam], 'array', stringSplit),
  fixed('States.UUID', [], 'string', () => randomUUID(), { pure: false }),
];

const functions = new Map<string, FunctionSpec>(functionList.map((fn) => [fn.name, fn]));

function reject(reason: string): Rejection {
  return new Rejection(reason);
}

function textTooLong(text: string): boolean {
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

function checkFormatTemplate(args: readonly ArgNode[]): string | null {
  const template = args[0];
  if (template === undefined || template.type !== 'literal' || typeof template.value !== 'string') return null;
  const segments = templateSegments(template.raw);
  if (typeof segments === 'string') return segments;
  const placeholders = segments.length - 1;
  const values = args.length - 1;
  if (placeholders === values) return null;
  return `the template has ${placeholders} '{}' placeholder${placeholders === 1 ? '' : 's'} but ${values} value${values === 1 ? ' was' : 's were'} given`;
}

function compileFormat(call: CallNode, root: string, invalid: string): Evaluator {
  const template = call.args[0]!;
  const values = call.args.slice(1).map((a) => compileArgument(a, root));
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
  const readTemplate = compileArgument(template, root);
  return function formatDynamicTemplate(document, frame) {
    const args = new Array<unknown>(values.length + 1);
    args[0] = readTemplate(document, frame);
    for (let i = 0; i < values.length; i++) args[i + 1] = values[i]!(document, frame);
    const result = formatValues(args);
    if (isRejection(result)) throw runtimeError(frame, invalid);
    return result;
  };
}

function foldFormat(args: readonly ArgNode[], values: readonly unknown[]): unknown {
  const template = args[0]!;
  if (template.type !== 'literal') return formatValues(values);
  const segments = templateSegments(template.raw) as string[];
  let out = segments[0]!;
  for (let i = 1; i < values.length; i++) out += formatText(values[i]) + segments[i]!;
  return out;
}

/** Format with a template known only at run time: there `{}` is the only special sequence. */
function formatValues(values: readonly unknown[]): unknown {
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

function stringToJson(text: unknown): unknown {
  if (typeof text !== 'string') return reject('the argument is not a string');
  if (text.trim() === '') return null;
  try {
    const value: unknown = JSON.parse(text);
    return value === 0 ? 0 : value;
  } catch {
    return reject('the argument is not JSON text');
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function jsonMerge(left: unknown, right: unknown, deep: unknown): unknown {
  if (!isPlainObject(left) || !isPlainObject(right)) return reject('both values must be objects');
  if (deep === true) return reject('only shallow merging is supported');
  return copyOwn(copyOwn({}, left), right);
}

// --- Arrays -----------------------------------------------------------------------------

function arrayPartition(array: unknown, size: unknown): unknown {
  if (!Array.isArray(array) || typeof size !== 'number') return reject('expected an array and a number');
  const chunk = Math.trunc(size);
  if (chunk < 1) return reject('the chunk size must be at least 1');
  const chunks: unknown[][] = [];
  for (let i = 0; i < array.length; i += chunk) chunks.push(array.slice(i, i + chunk));
  return chunks;
}

/** AWS compares scalars by their text and arrays/objects by their JSON text. */
function arrayContains(array: unknown, target: unknown): unknown {
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

function arrayRange(first: unknown, last: unknown, step: unknown): unknown {
  if (typeof first !== 'number' || typeof last !== 'number' || typeof step !== 'number') return reject('expected three numbers');
  const start = Math.trunc(first);
  const end = Math.trunc(last);
  const by = Math.trunc(step);
  if (by === 0) return reject('the step must not be 0');
  const count = (end - start) / by < 0 ? 0 : Math.floor((end - start) / by) + 1;
  if (count > MAX_RANGE_ITEMS) return reject(`the range has more than ${MAX_RANGE_ITEMS} items`);
  const items = new Array<number>(count);
  for (let i = 0; i < count; i++) items[i] = start + i * by;
  return items;
}

function arrayGetItem(array: unknown, index: unknown): unknown {
  if (!Array.isArray(array) || typeof index !== 'number') return reject('expected an array and a number');
  const i = Math.trunc(index);
  if (i < 0) return reject('the index is negative');
  if (i < array.length) return array[i];
  // Observed on AWS: any index into an empty array gives null, past the end of others fails.
  return array.length === 0 ? null : reject('the index is past the end of the array');
}

function arrayUnique(array: unknown): unknown {
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

function base64Encode(text: unknown): unknown {
  if (typeof text !== 'string') return reject('the argument is not a string');
  if (textTooLong(text)) return reject(`the text is longer than ${MAX_TEXT_INPUT} characters`);
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Lenient like the MIME decoder AWS uses: characters outside the alphabet are skipped. */
function base64Decode(text: unknown): unknown {
  if (typeof text !== 'string') return reject('the argument is not a string');
  if (textTooLong(text)) return reject(`the text is longer than ${MAX_TEXT_INPUT} characters`);
  return Buffer.from(text, 'base64').toString('utf8');
}

const hashAlgorithms = new Map<string, string>([
  ['MD5', 'md5'],
  ['SHA-1', 'sha1'],
  ['SHA-256', 'sha256'],
  ['SHA-384', 'sha384'],
  ['SHA-512', 'sha512'],
]);

function hash(data: unknown, algorithm: unknown): unknown {
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

/** Java's Math.round (half up), without JavaScript's negative zero. */
function roundHalfUp(n: number): number {
  return Math.round(n) + 0;
}

function mathAdd(a: unknown, b: unknown): unknown {
  if (typeof a !== 'number' || typeof b !== 'number') return reject('expected two numbers');
  const x = roundHalfUp(a);
  const y = roundHalfUp(b);
  const sum = x + y;
  if (!isInt(x) || !isInt(y) || !isInt(sum)) return reject('the numbers are outside the 32-bit integer range');
  return sum;
}

function mathRandom(first: unknown, last: unknown, seed: unknown): unknown {
  if (typeof first !== 'number' || typeof last !== 'number') return reject('expected two numbers');
  if (seed !== undefined && typeof seed !== 'number') return reject('the seed is not a number');
  const start = Math.trunc(first);
  const end = Math.trunc(last);
  if (!isInt(start) || !isInt(end) || start >= end || end - start > INT_MAX) return reject('the range is empty or too large');
  const bound = end - start;
  if (seed === undefined) return start + Math.floor(Math.random() * bound);
  return start + seededNextInt(Math.trunc(seed), bound);
}

function checkRandomBounds(args: readonly ArgNode[]): string | null {
  const [first, last] = args;
  if (first?.type !== 'literal' || last?.type !== 'literal') return null;
  if (typeof first.value !== 'number' || typeof last.value !== 'number') return null;
  return Math.trunc(first.value) < Math.trunc(last.value) ? null : 'the start must be less than the end (after dropping fractions)';
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
function stringSplit(text: unknown, delimiters: unknown): unknown {
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
