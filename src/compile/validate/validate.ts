import { topLevelFields } from '../../asl/fields.js';
import { ProblemCodes, type Problem } from '../../asl/problems.js';
import { oneOfProblem, optionsShapeProblem, throwOptionProblem } from '../../options.js';
import { jsonataProblems } from '../jsonata/check.js';
import { errorMessage, problem } from './messages.js';
import { checkTreeShape } from './shape.js';
import { checkMachine } from './states.js';
import { languageOf } from '../../asl/query-language.js';
import { Validation, type WaitingTasks } from './walk.js';

/**
 * validate(definition) lists every problem of an ASL definition, each with a stable code and
 * a JSON pointer, and never throws for the definition: whatever it is given, it answers with
 * problems or []. Its options are the caller's, checked as compile()'s are: a misspelt
 * `workflowType` or 'standard' would otherwise judge the definition as Express's.
 *
 * One walk over the definition. Each States block is a scope: its names are known before its
 * states are checked, so every Next, Default and Catch Next resolves on the spot, and the
 * edges found give reachability at the end of the block. Field rules come from the table in
 * asl/fields.ts; paths, intrinsic calls, Choice rules and timestamps are checked by the
 * compiler's own parsers, so validate accepts exactly what compile can build.
 *
 * The walk's parts: shape.ts (size and depth, before anything recurses), walk.ts (what one
 * validation carries), states.ts (state machines, States blocks, states), fields.ts (each field
 * by its kind), paths.ts and templates.ts (JSONPath paths, payload templates, Assign),
 * choices.ts, error-handlers.ts (Retry, Catch), item-reader.ts (a Distributed Map's S3 settings).
 */

/** What changes what is accepted. */
export interface ValidateOptions {
  /**
   * STANDARD accepts what only Standard workflows run (`.waitForTaskToken`, `.sync`,
   * activities), as createService() and compile() with `integrations` run them. EXPRESS,
   * the default, refuses them with AWS's message for Express state machines.
   */
  workflowType?: 'STANDARD' | 'EXPRESS';
}

export function validate(definition: unknown, options: ValidateOptions = {}): Problem[] {
  const shape = optionsShapeProblem(options, ['workflowType']);
  throwOptionProblem('validate()', shape ?? oneOfProblem(options.workflowType, 'workflowType', ['EXPRESS', 'STANDARD']));
  return validateFor(definition, options.workflowType === 'STANDARD' ? 'allowed' : 'express');
}

/** validate() with Standard-only integrations judged as `waitingTasks` says (compile() without integrations). */
export function validateFor(definition: unknown, waitingTasks: WaitingTasks): Problem[] {
  try {
    const shape = checkTreeShape(definition);
    if (shape !== null) return [shape];
    const v = new Validation(languageOf(definition, 'JSONPath'), waitingTasks);
    checkMachine(v, definition, '', topLevelFields, null, 'state machine');
    v.problems.push(...jsonataProblems(definition));
    return v.problems;
  } catch (error) {
    // Only an object built in code can throw when read (a getter, a Proxy): JSON cannot.
    return [
      problem(
        ProblemCodes.NOT_JSON_DATA,
        '',
        `the definition could not be read as JSON data (reading it threw: ${errorMessage(error)}); pass plain objects, arrays and values`,
      ),
    ];
  }
}
