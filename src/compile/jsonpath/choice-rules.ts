import { DefinitionError, ProblemCodes, pointerTo, type Problem, type ProblemCode } from '../../asl/problems.js';
import { runtimeError, type AslError } from '../../run/errors.js';
import type { Frame } from '../../run/frame.js';
import { compilePath, compileReferencePath, parsePath, parseReferencePath, PathSyntaxError, type Accessor } from './paths.js';
import { compareInstants, Instant, isTimestamp, parseInstant, readTimestamp } from '../timestamps.js';
import { hasOwn, isObject } from '../../json.js';

/**
 * JSONPath Choice rules (data-tests, And, Or, Not), compiled once into predicate closures
 * over the Choice state's effective input (after InputPath).
 *
 * AWS semantics kept here:
 * - a value of the wrong type makes a comparison false, never an error;
 * - a `Variable` (or a `…Path` operand) that names nothing is a States.Runtime failure, except
 *   for IsPresent, which is what it tests, and the other Is* tests, which are then false;
 * - strings compare by UTF-16 code unit, as Java's String.compareTo does (and JavaScript's `<`);
 * - timestamps compare at nanosecond precision;
 * - StringMatches has no `…Path` twin in AWS, so it has none here.
 *
 * A predicate throws an AslError (States.Runtime) for a missing path; the Choice state lets it
 * propagate.
 */
export type Predicate = (input: unknown, frame: Frame) => boolean;

type Primitive = string | number | boolean;
type Relation = (a: Primitive, b: Primitive) => boolean;
type Family = 'String' | 'Numeric' | 'Boolean' | 'Timestamp';

const relations = {
  Equals: function equals(a: Primitive, b: Primitive) {
    return a === b;
  },
  LessThan: function lessThan(a: Primitive, b: Primitive) {
    return a < b;
  },
  GreaterThan: function greaterThan(a: Primitive, b: Primitive) {
    return a > b;
  },
  LessThanEquals: function lessThanEquals(a: Primitive, b: Primitive) {
    return a <= b;
  },
  GreaterThanEquals: function greaterThanEquals(a: Primitive, b: Primitive) {
    return a >= b;
  },
} satisfies Record<string, Relation>;

type RelationName = keyof typeof relations;

/** Which relations each comparison family offers; every one also gets a `…Path` twin. */
const families: Record<Family, readonly RelationName[]> = {
  String: ['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals'],
  Numeric: ['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals'],
  Timestamp: ['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals'],
  Boolean: ['Equals'],
};

/** The JavaScript type a family's values have (timestamps are strings, checked further). */
const familyTypes: Record<Family, 'string' | 'number' | 'boolean'> = {
  String: 'string',
  Numeric: 'number',
  Timestamp: 'string',
  Boolean: 'boolean',
};

/** The Is* type tests; IsPresent is handled apart because it is about the path, not the value. */
const typeTests: Record<string, (value: unknown) => boolean> = {
  IsNull: function isNull(value) {
    return value === null;
  },
  IsNumeric: function isNumeric(value) {
    return typeof value === 'number';
  },
  IsString: function isString(value) {
    return typeof value === 'string';
  },
  IsBoolean: function isBoolean(value) {
    return typeof value === 'boolean';
  },
  IsTimestamp: isTimestamp,
};

type OperatorSpec =
  | { readonly kind: 'compare'; readonly family: Family; readonly relation: Relation; readonly viaPath: boolean }
  | { readonly kind: 'matches' }
  | { readonly kind: 'present' }
  | { readonly kind: 'test'; readonly test: (value: unknown) => boolean };

/** Every data-test operator, by field name. A Map, so names like `__proto__` never match. */
const operators = new Map<string, OperatorSpec>();
for (const family of Object.keys(families) as Family[]) {
  for (const name of families[family]) {
    const relation = relations[name];
    operators.set(family + name, { kind: 'compare', family, relation, viaPath: false });
    operators.set(family + name + 'Path', { kind: 'compare', family, relation, viaPath: true });
  }
}
operators.set('StringMatches', { kind: 'matches' });
operators.set('IsPresent', { kind: 'present' });
for (const name of Object.keys(typeTests)) operators.set(name, { kind: 'test', test: typeTests[name]! });

/** The names of every data-test operator, e.g. for documentation and tests. */
export const choiceOperators: readonly string[] = [...operators.keys()];

// ---------------------------------------------------------------------------------------------
// Structural check

/** Fields a JSONata rule (one with `Condition`) may carry; its contents are another module's job. */
const conditionRuleFields = new Set(['Condition', 'Next', 'Assign', 'Output', 'Comment']);

/**
 * Checks one Choice rule and everything nested in it. `pointer` is the rule's own pointer,
 * e.g. `/States/Check/Choices/2`. A top-level rule's `Next` (presence and target) is the
 * validator's to check; here only nested rules are refused a `Next`.
 */
export function checkChoiceRule(rule: unknown, pointer: string): Problem[] {
  const problems: Problem[] = [];
  checkRule(rule, pointer, false, true, problems);
  return problems;
}

/**
 * `acceptCondition` is true when validating: a top-level rule with `Condition` is a JSONata
 * rule, whose expression another module checks. When compiling a JSONPath rule it is false,
 * and a stray `Condition` is ignored.
 */
function checkRule(rule: unknown, pointer: string, nested: boolean, acceptCondition: boolean, problems: Problem[]): void {
  if (!isObject(rule)) {
    problems.push(problem(ProblemCodes.FIELD_TYPE, pointer, 'a Choice rule must be an object'));
    return;
  }
  if (!nested && acceptCondition && hasOwn(rule, 'Condition')) {
    checkConditionRule(rule, pointer, problems);
    return;
  }
  const heads: string[] = [];
  for (const key of Object.keys(rule)) {
    const at = pointerTo(pointer, key);
    if (key === 'And' || key === 'Or' || key === 'Not' || operators.has(key)) heads.push(key);
    else if (key === 'Variable') continue;
    else if (key === 'Comment') checkComment(rule[key], at, problems);
    else if (key === 'Next') {
      if (nested) problems.push(problem(ProblemCodes.CHOICE_RULE, at, 'a rule nested in And, Or or Not cannot have Next'));
    } else if (key === 'Assign' && !nested) continue;
    else if (key === 'Condition' && !nested && !acceptCondition) continue;
    else problems.push(problem(ProblemCodes.UNKNOWN_FIELD, at, `'${key}' is not a Choice rule field`));
  }
  if (heads.length === 0) {
    problems.push(problem(ProblemCodes.CHOICE_RULE, pointer, 'a Choice rule needs one comparison operator, or And, Or or Not'));
  } else if (heads.length > 1) {
    problems.push(problem(ProblemCodes.CHOICE_RULE, pointer, `a Choice rule takes exactly one of its operators, not ${heads.join(', ')}`));
  }
  for (const head of heads) checkHead(rule, head, pointerTo(pointer, head), acceptCondition, problems);

  const isDataTest = heads.some((head) => operators.has(head));
  if (hasOwn(rule, 'Variable')) {
    const at = pointerTo(pointer, 'Variable');
    if (heads.length > 0 && !isDataTest) {
      problems.push(problem(ProblemCodes.CHOICE_RULE, at, 'Variable belongs to comparisons, not to And, Or or Not'));
    } else {
      checkPath(rule.Variable, at, false, problems);
    }
  } else if (isDataTest) {
    problems.push(problem(ProblemCodes.CHOICE_RULE, pointer, 'a comparison needs a Variable'));
  }
}

function checkConditionRule(rule: Record<string, unknown>, pointer: string, problems: Problem[]): void {
  for (const key of Object.keys(rule)) {
    const at = pointerTo(pointer, key);
    if (key === 'Comment') checkComment(rule[key], at, problems);
    else if (!conditionRuleFields.has(key)) {
      problems.push(problem(ProblemCodes.UNKNOWN_FIELD, at, `'${key}' is not a field of a Choice rule with a Condition`));
    }
  }
}

function checkHead(rule: Record<string, unknown>, head: string, at: string, acceptCondition: boolean, problems: Problem[]): void {
  const value = rule[head];
  if (head === 'And' || head === 'Or') {
    if (!Array.isArray(value)) {
      problems.push(problem(ProblemCodes.FIELD_TYPE, at, `${head} must be an array of rules`));
    } else if (value.length === 0) {
      problems.push(problem(ProblemCodes.CHOICE_RULE, at, `${head} must hold at least one rule`));
    } else {
      for (let i = 0; i < value.length; i++) checkRule(value[i], pointerTo(at, i), true, acceptCondition, problems);
    }
    return;
  }
  if (head === 'Not') {
    if (!isObject(value)) problems.push(problem(ProblemCodes.FIELD_TYPE, at, 'Not must be one rule (an object)'));
    else checkRule(value, at, true, acceptCondition, problems);
    return;
  }
  const spec = operators.get(head)!;
  if (spec.kind === 'present' || spec.kind === 'test') {
    if (typeof value !== 'boolean') problems.push(problem(ProblemCodes.FIELD_TYPE, at, `${head} must be true or false`));
  } else if (spec.kind === 'matches') {
    if (typeof value !== 'string') problems.push(problem(ProblemCodes.FIELD_TYPE, at, `${head} must be a string pattern`));
  } else if (spec.viaPath) {
    checkPath(value, at, true, problems);
  } else {
    checkLiteral(spec.family, head, value, at, problems);
  }
}

const literalKinds: Record<Family, string> = {
  String: 'a string',
  Numeric: 'a number',
  Timestamp: 'a timestamp string',
  Boolean: 'true or false',
};

function checkLiteral(family: Family, head: string, value: unknown, at: string, problems: Problem[]): void {
  if (typeof value !== familyTypes[family] || (family === 'Numeric' && !Number.isFinite(value))) {
    problems.push(problem(ProblemCodes.FIELD_TYPE, at, `${head} must be ${literalKinds[family]}`));
  } else if (family === 'Timestamp' && !isTimestamp(value)) {
    problems.push(problem(ProblemCodes.TIMESTAMP, at, `${head} must be an RFC 3339 timestamp such as 2016-03-14T01:59:00Z`));
  }
}

/** `Variable` is a Path; a `…Path` operand is a Reference Path (it must name one value). */
function checkPath(value: unknown, at: string, reference: boolean, problems: Problem[]): void {
  if (typeof value !== 'string') {
    problems.push(problem(ProblemCodes.FIELD_TYPE, at, 'a path must be a string'));
    return;
  }
  try {
    if (reference) parseReferencePath(value);
    else parsePath(value);
  } catch (e) {
    if (!(e instanceof PathSyntaxError)) throw e;
    const code = reference && isPath(value) ? ProblemCodes.REFERENCE_PATH_SYNTAX : ProblemCodes.PATH_SYNTAX;
    problems.push(problem(code, at, `invalid path '${value}': ${e.message}`));
  }
}

function isPath(text: string): boolean {
  try {
    parsePath(text);
    return true;
  } catch {
    return false;
  }
}

function checkComment(value: unknown, at: string, problems: Problem[]): void {
  if (typeof value !== 'string') problems.push(problem(ProblemCodes.FIELD_TYPE, at, 'Comment must be a string'));
}

// ---------------------------------------------------------------------------------------------
// Compilation

/**
 * Compiles a JSONPath Choice rule into a predicate. Fields that are not part of the test
 * (`Next`, `Assign`, `Comment`, a stray `Condition`) are ignored. Throws a DefinitionError
 * carrying every problem when the rule is malformed; `pointer` locates it in those problems.
 */
export function compileChoiceRule(rule: object, pointer = ''): Predicate {
  const problems: Problem[] = [];
  checkRule(rule, pointer, false, false, problems);
  if (problems.length > 0) throw new DefinitionError(problems);
  return compileRule(rule as Record<string, unknown>);
}

function compileRule(rule: Record<string, unknown>): Predicate {
  if (hasOwn(rule, 'And')) return compileAnd((rule.And as Record<string, unknown>[]).map(compileRule));
  if (hasOwn(rule, 'Or')) return compileOr((rule.Or as Record<string, unknown>[]).map(compileRule));
  if (hasOwn(rule, 'Not')) return compileNot(compileRule(rule.Not as Record<string, unknown>));
  for (const key of Object.keys(rule)) {
    const spec = operators.get(key);
    if (spec !== undefined) return compileDataTest(spec, rule.Variable as string, rule[key]);
  }
  throw new Error('unreachable: a checked rule has an operator');
}

function compileAnd(parts: Predicate[]): Predicate {
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 2) {
    const [first, second] = parts as [Predicate, Predicate];
    return function and2(input, frame) {
      return first(input, frame) && second(input, frame);
    };
  }
  return function and(input, frame) {
    for (let i = 0; i < parts.length; i++) if (!parts[i]!(input, frame)) return false;
    return true;
  };
}

function compileOr(parts: Predicate[]): Predicate {
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 2) {
    const [first, second] = parts as [Predicate, Predicate];
    return function or2(input, frame) {
      return first(input, frame) || second(input, frame);
    };
  }
  return function or(input, frame) {
    for (let i = 0; i < parts.length; i++) if (parts[i]!(input, frame)) return true;
    return false;
  };
}

function compileNot(inner: Predicate): Predicate {
  return function not(input, frame) {
    return !inner(input, frame);
  };
}

/** AWS's cause for a Choice path that names nothing. */
function missingChoicePath(frame: Frame, path: string): AslError {
  return runtimeError(frame, `Invalid path '${path}': The choice state's condition path references an invalid value.`);
}

function compileDataTest(spec: OperatorSpec, variable: string, operand: unknown): Predicate {
  const read = compilePath(variable);
  switch (spec.kind) {
    case 'present':
      return compileIsPresent(read, operand as boolean);
    case 'test':
      return compileTypeTest(read, spec.test, operand as boolean);
    case 'matches':
      return compileStringMatches(read, variable, operand as string);
    case 'compare':
      if (spec.family === 'Timestamp') {
        return spec.viaPath
          ? compareTimestampPaths(read, variable, operand as string, spec.relation)
          : compareTimestampLiteral(read, variable, parseInstant(operand)!, spec.relation);
      }
      return spec.viaPath
        ? comparePaths(read, variable, operand as string, familyTypes[spec.family], spec.relation)
        : compareLiteral(read, variable, operand as Primitive, familyTypes[spec.family], spec.relation);
  }
}

function compileIsPresent(read: Accessor, expected: boolean): Predicate {
  return function isPresent(input, frame) {
    return (read(input, frame) !== undefined) === expected;
  };
}

/** IsNull, IsNumeric, … : false when the path names nothing, whichever way the test is asked. */
function compileTypeTest(read: Accessor, test: (value: unknown) => boolean, expected: boolean): Predicate {
  return function typeTest(input, frame) {
    const value = read(input, frame);
    return value !== undefined && test(value) === expected;
  };
}

/**
 * A comparison with a literal, its relation inline rather than a call per test (a Choice
 * often tests ten of them). The literal has its family's type (checked with the definition),
 * so `===` tests the value's type as well.
 */
function compareLiteral(read: Accessor, variable: string, literal: Primitive, type: string, relation: Relation): Predicate {
  if (relation === relations.Equals) {
    return function equalsLiteral(input, frame) {
      const value = read(input, frame);
      if (value === undefined) throw missingChoicePath(frame, variable);
      return value === literal;
    };
  }
  const order = orderOf(relation);
  if (type === 'number') {
    const bound = literal as number;
    return function compareNumberWithLiteral(input, frame) {
      const value = read(input, frame);
      if (value === undefined) throw missingChoicePath(frame, variable);
      if (typeof value !== 'number') return false;
      return order === Order.Less ? value < bound : order === Order.Greater ? value > bound : order === Order.AtMost ? value <= bound : value >= bound;
    };
  }
  return function compareWithLiteral(input, frame) {
    const value = read(input, frame);
    if (value === undefined) throw missingChoicePath(frame, variable);
    return typeof value === type && relation(value as Primitive, literal);
  };
}

/** The ordering relations, as compareLiteral writes them inline. */
const enum Order {
  Less,
  Greater,
  AtMost,
  AtLeast,
}

function orderOf(relation: Relation): Order {
  if (relation === relations.LessThan) return Order.Less;
  if (relation === relations.GreaterThan) return Order.Greater;
  if (relation === relations.LessThanEquals) return Order.AtMost;
  return Order.AtLeast;
}

function comparePaths(read: Accessor, variable: string, operandPath: string, type: string, relation: Relation): Predicate {
  const readOperand = compileReferencePath(operandPath);
  return function compareWithPath(input, frame) {
    const value = read(input, frame);
    if (value === undefined) throw missingChoicePath(frame, variable);
    const other = readOperand(input, frame);
    if (other === undefined) throw missingChoicePath(frame, operandPath);
    return typeof value === type && typeof other === type && relation(value as Primitive, other as Primitive);
  };
}

// Scratch instants: a predicate runs to completion before any other can start.
const leftInstant = new Instant();
const rightInstant = new Instant();

function compareTimestampLiteral(read: Accessor, variable: string, literal: Instant, relation: Relation): Predicate {
  return function compareTimestampWithLiteral(input, frame) {
    const value = read(input, frame);
    if (value === undefined) throw missingChoicePath(frame, variable);
    return readTimestamp(value, leftInstant) && relation(compareInstants(leftInstant, literal), 0);
  };
}

function compareTimestampPaths(read: Accessor, variable: string, operandPath: string, relation: Relation): Predicate {
  const readOperand = compileReferencePath(operandPath);
  return function compareTimestampWithPath(input, frame) {
    const value = read(input, frame);
    if (value === undefined) throw missingChoicePath(frame, variable);
    const other = readOperand(input, frame);
    if (other === undefined) throw missingChoicePath(frame, operandPath);
    return readTimestamp(value, leftInstant) && readTimestamp(other, rightInstant) && relation(compareInstants(leftInstant, rightInstant), 0);
  };
}

function compileStringMatches(read: Accessor, variable: string, pattern: string): Predicate {
  const matcher = compileWildcard(pattern);
  return function stringMatches(input, frame) {
    const value = read(input, frame);
    if (value === undefined) throw missingChoicePath(frame, variable);
    if (typeof value !== 'string') return false;
    // AWS accepts such a pattern in a definition and fails when it is used.
    if (matcher === null) throw runtimeError(frame, `The StringMatches pattern '${pattern}' ends with an unfinished escape sequence.`);
    return matcher(value);
  };
}

// ---------------------------------------------------------------------------------------------
// StringMatches

/**
 * Compiles a StringMatches pattern: `*` matches any run of characters (none included), `\*`
 * a literal star, `\\` a literal backslash, and a backslash makes any other character
 * literal too. Returns null for a pattern ending in a lone backslash.
 *
 * The pattern becomes literal pieces between stars. The first piece must start the text, the
 * last must end it, and the middle ones are found left to right, each at its earliest place:
 * with `*` the only wildcard, the earliest place never loses a match, so there is no
 * backtracking and the worst case is one `indexOf` scan per piece.
 */
export function compileWildcard(pattern: string): ((text: string) => boolean) | null {
  const pieces: string[] = [];
  let piece = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      if (i + 1 === pattern.length) return null;
      piece += pattern[++i];
    } else if (c === '*') {
      pieces.push(piece);
      piece = '';
    } else {
      piece += c;
    }
  }
  pieces.push(piece);

  if (pieces.length === 1) {
    const exact = pieces[0]!;
    return function matchesExactly(text) {
      return text === exact;
    };
  }
  const head = pieces[0]!;
  const tail = pieces[pieces.length - 1]!;
  const middle = pieces.slice(1, -1).filter((p) => p.length > 0);
  const fixedLength = head.length + tail.length;
  return function matchesWildcard(text) {
    if (text.length < fixedLength || !text.startsWith(head) || !text.endsWith(tail)) return false;
    const end = text.length - tail.length;
    let at = head.length;
    for (let i = 0; i < middle.length; i++) {
      const found = text.indexOf(middle[i]!, at);
      if (found < 0) return false;
      at = found + middle[i]!.length;
      if (at > end) return false;
    }
    return true;
  };
}

// ---------------------------------------------------------------------------------------------

function problem(code: ProblemCode, pointer: string, message: string): Problem {
  return { code, pointer, message };
}
