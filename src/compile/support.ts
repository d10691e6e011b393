import { DefinitionError, ProblemCodes, type Problem } from '../asl/problems.js';
import { validate } from './validate/validate.js';
import { statesByName, type Handler } from './handlers.js';
import { compile, compileOptionsProblem, type CompileOptions } from './machine.js';
import { throwOptionProblem } from '../options.js';

/**
 * What compile() refuses in a definition that validate() accepts: the parts of the language
 * this engine does not run (an S3 ItemReader or ResultWriter, …). Missing handlers are left
 * out: they are about how the definition is run, not about the definition. Derived from
 * compile() itself, so the two can never disagree. [] when the definition has language
 * problems: compile() looks no further than those.
 */
export function checkSupport(definition: unknown, options: Omit<CompileOptions, 'handlers'> = {}): Problem[] {
  throwOptionProblem('checkSupport()', compileOptionsProblem(options));
  // The language as the workflow type judges it: a Standard machine's .waitForTaskToken is valid ASL that compile() does not run without integrations.
  if (validate(definition, { workflowType: options.workflowType }).length > 0) return [];
  const placeholders: Record<string, Handler> = {};
  for (const site of statesByName(definition).values()) {
    if (site.resource !== null && !Object.prototype.hasOwnProperty.call(placeholders, site.resource)) {
      Object.defineProperty(placeholders, site.resource, { value: () => null, enumerable: true });
    }
  }
  try {
    compile(definition, { ...options, handlers: placeholders });
    return [];
  } catch (error) {
    if (!(error instanceof DefinitionError)) throw error;
    return error.problems.filter((problem) => problem.code !== ProblemCodes.NO_HANDLER);
  }
}
