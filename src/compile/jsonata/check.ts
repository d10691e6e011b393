import { ProblemCodes, pointerTo, type Problem } from '../../asl/problems.js';
import { languageOf } from '../../asl/query-language.js';
import type { QueryLanguage } from '../../asl/types.js';
import {
  JsonataSyntaxError,
  astOf,
  expressionText,
  isJsonataExpression,
  newerOperators,
  parseJsonata,
  regexLiterals,
  statesFieldsRead,
  topLevelReferences,
} from './ast.js';
import { regexProblem } from './regex.js';
import { hasOwn, isObject } from '../../json.js';

/**
 * The JSONata problems AWS refuses a definition for at creation (INVALID_JSONATA_EXPRESSION,
 * UNSUPPORTED_JSONATA_EXPRESSION), found in every `{% … %}` string of every JSONata state:
 * an expression that does not parse, and one that reads `$`, `$$` or a bare field name at
 * its top level (an expression has no context item there; the input is `$states.input`), and
 * one that reads `$states.result` or `$states.errorOutput` where the state has none (AWS's
 * developer guide: caught at creation). Each problem points at the string. Never throws,
 * whatever it is given.
 */
export function jsonataProblems(definition: unknown): Problem[] {
  const problems: Problem[] = [];
  try {
    if (!isObject(definition)) return problems;
    checkBlock(definition, '', languageOf(definition, 'JSONPath'), problems, 0);
  } catch {
    // A definition malformed beyond what the walk expects: validate() reports its shape.
  }
  return problems;
}

/** Deeper than this the walk stops; validate() refuses such definitions anyway. */
const MAX_DEPTH = 1000;

/**
 * Which of `$states.result` and `$states.errorOutput` a field may read: the result in a Task,
 * Map or Parallel state's own Output and Assign, the error output in a Catch's.
 */
interface Available {
  result: boolean;
  errorOutput: boolean;
}

const NEITHER: Available = { result: false, errorOutput: false };
const RESULT: Available = { result: true, errorOutput: false };
const ERROR_OUTPUT: Available = { result: false, errorOutput: true };
const STATES_WITH_RESULTS = new Set(['Task', 'Map', 'Parallel']);

/** State fields that never hold expressions, or that are walked on their own. */
const notEvaluated = new Set(['Type', 'Comment', 'QueryLanguage', 'Next', 'End', 'Default', 'Resource', 'Retry', 'Branches', 'ItemProcessor', 'Iterator']);

function checkBlock(block: Record<string, unknown>, pointer: string, machineLanguage: QueryLanguage, problems: Problem[], depth: number): void {
  const states = block.States;
  if (!isObject(states) || depth > MAX_DEPTH) return;
  for (const name of Object.keys(states)) {
    const state = states[name];
    if (!isObject(state)) continue;
    const statePointer = pointerTo(pointerTo(pointer, 'States'), name);
    if (languageOf(state, machineLanguage) === 'JSONata') checkState(state, statePointer, problems, depth);
    // Nested blocks follow the machine's language, not this state's.
    if (Array.isArray(state.Branches)) {
      state.Branches.forEach((branch, i) => {
        if (isObject(branch)) checkBlock(branch, pointerTo(pointerTo(statePointer, 'Branches'), i), machineLanguage, problems, depth + 1);
      });
    }
    for (const key of ['ItemProcessor', 'Iterator']) {
      const processor = state[key];
      if (isObject(processor)) checkBlock(processor, pointerTo(statePointer, key), machineLanguage, problems, depth + 1);
    }
  }
}

function checkState(state: Record<string, unknown>, pointer: string, problems: Problem[], depth: number): void {
  const ownResult = typeof state.Type === 'string' && STATES_WITH_RESULTS.has(state.Type) ? RESULT : NEITHER;
  for (const key of Object.keys(state)) {
    if (notEvaluated.has(key)) continue;
    const at = pointerTo(pointer, key);
    if (key === 'Choices' || key === 'Catch') {
      const entries = state[key];
      if (!Array.isArray(entries)) continue;
      entries.forEach((entry, i) => {
        if (!isObject(entry)) return;
        for (const field of ['Condition', 'Output', 'Assign']) {
          const available = key === 'Catch' && field !== 'Condition' ? ERROR_OUTPUT : NEITHER;
          if (hasOwn(entry, field)) checkValue(entry[field], pointerTo(pointerTo(at, i), field), available, problems, depth);
        }
      });
      continue;
    }
    checkValue(state[key], at, key === 'Output' || key === 'Assign' ? ownResult : NEITHER, problems, depth);
  }
}

/** Every `{% … %}` string inside a field's value, at any depth. */
function checkValue(value: unknown, pointer: string, available: Available, problems: Problem[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    if (isJsonataExpression(value)) checkExpression(value, pointer, available, problems);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkValue(item, pointerTo(pointer, i), available, problems, depth + 1));
  } else if (isObject(value)) {
    for (const key of Object.keys(value)) checkValue(value[key], pointerTo(pointer, key), available, problems, depth + 1);
  }
}

function checkExpression(source: string, pointer: string, available: Available, problems: Problem[]): void {
  const text = expressionText(source);
  const parsedText = source.slice(2, -2);
  let ast;
  try {
    ast = astOf(parseJsonata(parsedText));
  } catch (error) {
    const detail = error instanceof JsonataSyntaxError ? `${error.code}: ${error.message}` : String(error);
    problems.push({ code: ProblemCodes.JSONATA_SYNTAX, pointer, message: `the JSONata expression '${text}' cannot be parsed: ${detail}` });
    return;
  }
  for (const operator of newerOperators(ast, parsedText)) {
    problems.push({
      code: ProblemCodes.JSONATA_VERSION,
      pointer,
      message: `the JSONata expression '${text}' uses '${operator}', an operator of JSONata 2.1; AWS runs JSONata 2.0.6, which cannot parse it. Write ${
        operator === '??' ? "'$exists(a) ? a : b'" : "'a ? a : b'"
      } instead`,
    });
  }
  for (const regex of regexLiterals(ast)) {
    const why = regexProblem(regex);
    if (why === null) continue;
    problems.push({
      code: ProblemCodes.JSONATA_REGEX,
      pointer,
      message: `the regular expression ${String(regex).replace(/g(?=[im]*$)/, '')} in '${text}' cannot run on RE2, the linear-time engine statemill matches with: ${why}`,
    });
  }
  const read = statesFieldsRead(ast);
  for (const field of ['result', 'errorOutput'] as const) {
    if (!read.has(field) || available[field]) continue;
    const where = field === 'result' ? "a Task, Map or Parallel state's own Output and Assign" : "a Catch's Output and Assign";
    problems.push({
      code: ProblemCodes.JSONATA_STATES_FIELD,
      pointer,
      message: `the JSONata expression '${text}' reads $states.${field}, which only ${where} can read`,
    });
  }
  for (const name of topLevelReferences(ast)) {
    problems.push({
      code: ProblemCodes.JSONATA_TOP_LEVEL_REFERENCE,
      pointer,
      message: `Reference to '${name}' at the top level is not supported. An expression has no context value: read the state input as $states.input, variables as $name`,
    });
  }
}
