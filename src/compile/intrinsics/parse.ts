import { randomUUID } from 'node:crypto';
import type { Frame } from '../../run/frame.js';
import { parsePath, PathSyntaxError, type ParsedPath } from '../jsonpath/paths.js';
import { isSpace } from '../jsonpath/filter.js';
import {
  MAX_TEXT_INPUT,
  arrayContains,
  arrayGetItem,
  arrayPartition,
  arrayRange,
  arrayUnique,
  base64Decode,
  base64Encode,
  checkFormatTemplate,
  checkRandomBounds,
  roundHalfUp,
  compileFormat,
  foldFormat,
  formatValues,
  hash,
  hashAlgorithms,
  jsonMerge,
  mathAdd,
  mathRandom,
  reject,
  stringSplit,
  stringToJson,
  textTooLong,
} from './functions.js';

/**
 * An intrinsic call as text: its syntax tree, the parser that builds it, and the table of the
 * functions a call may name (their arguments, their bodies in functions.ts).
 */

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

export interface PathNode {
  readonly type: 'path';
  readonly text: string;
  readonly parsed: ParsedPath;
  readonly at: number;
}

export interface CallNode {
  readonly type: 'call';
  readonly fn: FunctionSpec;
  readonly args: readonly ArgNode[];
  readonly at: number;
  /** Set by analyse() when the call is pure and every argument is constant. */
  folded: { readonly value: unknown } | null;
}

export type ArgNode = LiteralNode | PathNode | CallNode;

// ---------------------------------------------------------------------------------------
// Parser

interface Cursor {
  readonly text: string;
  pos: number;
}

const functionName = /States\.([A-Za-z][A-Za-z0-9]*)/y;
const numberToken = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const keywordToken = /(?:true|false|null)(?![A-Za-z0-9_$.])/y;

export function parseIntrinsic(text: string): CallNode {
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
    throw new IntrinsicSyntaxError(`${fn.name} argument ${index}: '${text.slice(at, stop)}' at position ${at} is not a number`, IntrinsicProblems.SYNTAX, at);
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

// ---------------------------------------------------------------------------------------
// The function table

/** What a value is, as far as the compiler can tell. */
export type Kind = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object' | 'any';

export interface Param {
  /** Kinds the argument may have; 'any' accepts everything. */
  readonly kinds: readonly Kind[] | 'any';
  /** The argument must be written as a path (JsonToString). */
  readonly pathOnly?: boolean;
  /** Checks a constant argument; returns why it can never work, or null. */
  readonly check?: (value: unknown) => string | null;
}

export type Evaluator = (document: unknown, frame: Frame) => unknown;

/** A body taking up to three arguments; an absent optional argument is undefined. */
export type Apply = (a: unknown, b: unknown, c: unknown) => unknown;

export interface FunctionSpec {
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
  readonly compile?: (call: CallNode, compileArgument: (arg: ArgNode) => Evaluator, invalid: string) => Evaluator;
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
  fixed(
    'States.ArrayPartition',
    [arrayParam, { kinds: ['number'], check: (v) => (roundHalfUp(v as number) > 0 ? null : 'must be at least 1 once rounded') }],
    'array',
    arrayPartition,
  ),
  fixed('States.ArrayContains', [arrayParam, anyParam], 'boolean', arrayContains),
  fixed(
    'States.ArrayRange',
    [numberParam, numberParam, { kinds: ['number'], check: (v) => (roundHalfUp(v as number) !== 0 ? null : 'must not be 0 once rounded') }],
    'array',
    arrayRange,
  ),
  fixed(
    'States.ArrayGetItem',
    [arrayParam, { kinds: ['number'], check: (v) => (Math.trunc(v as number) >= 0 ? null : 'must not be negative') }],
    'any',
    arrayGetItem,
  ),
  fixed('States.ArrayLength', [arrayParam], 'number', (array) => (Array.isArray(array) ? array.length : reject('the argument is not an array'))),
  fixed('States.ArrayUnique', [arrayParam], 'array', arrayUnique),
  fixed('States.Base64Encode', [textInputParam], 'string', base64Encode),
  fixed('States.Base64Decode', [textInputParam], 'string', base64Decode),
  fixed(
    'States.Hash',
    [
      anyParam,
      {
        kinds: ['string'],
        check: (v) => (hashAlgorithms.has(v as string) ? null : `must be one of ${[...hashAlgorithms.keys()].join(', ')}, got '${String(v)}'`),
      },
    ],
    'string',
    hash,
  ),
  fixed(
    'States.JsonMerge',
    [objectParam, objectParam, { kinds: 'any', check: (v) => (v === true ? 'must be false: only shallow merging is supported' : null) }],
    'object',
    jsonMerge,
  ),
  fixed('States.MathRandom', [numberParam, numberParam, numberParam], 'number', mathRandom, { min: 2, pure: false, checkCall: checkRandomBounds }),
  fixed('States.MathAdd', [numberParam, numberParam], 'number', mathAdd),
  fixed('States.StringSplit', [stringParam, stringParam], 'array', stringSplit),
  fixed('States.UUID', [], 'string', () => randomUUID(), { pure: false }),
];

const functions = new Map<string, FunctionSpec>(functionList.map((fn) => [fn.name, fn]));
