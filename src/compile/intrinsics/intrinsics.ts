/**
 * Intrinsic functions of JSONPath states (`"key.$": "States.Format('{}', $.name)"`).
 *
 * A call is parsed once, at compile time, into a tree; checkIntrinsic reports everything
 * knowable from the text (syntax, names, arity, literal argument kinds and values, nesting,
 * paths), and compileIntrinsic turns the same tree into closures. A pure call whose arguments
 * are all constants is evaluated at compile time; its closure returns the value (a fresh copy
 * when it is an array or object). The parser and the table of functions are in parse.ts, the
 * functions' bodies in functions.ts; the checks and closures here.
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
 * instead of failing; MathAdd rounds fractional numbers half up (recorded), and so do
 * ArrayPartition, ArrayRange and MathRandom's bounds (the developer guide: "round it off to
 * the nearest integer"), while ArrayGetItem's index and MathRandom's seed, of which neither
 * says anything, drop their fractions; ArrayContains compares scalars by their text
 * (`true` matches `"true"`) and containers by their JSON text (key order matters); Hash
 * accepts any value (we hash a non-string's JSON text: what AWS hashes is not recorded);
 * StringToJson of a blank string is null. A seeded MathRandom draws from java.util.Random, the
 * likeliest generator behind AWS (its seeded values are not recorded either).
 */
import { setOwn } from '../../json.js';
import { jsonForCause, runtimeError } from '../../run/errors.js';
import { compileParsed, type Accessor } from '../jsonpath/paths.js';
import { isRejection } from './functions.js';
import {
  IntrinsicProblems,
  IntrinsicSyntaxError,
  parseIntrinsic,
  type ArgNode,
  type CallNode,
  type Evaluator,
  type FunctionSpec,
  type Kind,
  type PathNode,
} from './parse.js';

export { IntrinsicProblems, IntrinsicSyntaxError, type IntrinsicProblem } from './parse.js';

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
// Checks that need the whole call: arity, argument kinds, literal values, constant folding

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
  if (fn.compile) return fn.compile(call, (arg) => compileArgument(arg, root), invalid);
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
  for (const key of Object.keys(value)) setOwn(copy, key, copyJson((value as Record<string, unknown>)[key]));
  return copy;
}
