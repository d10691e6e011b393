import type { QueryLanguage } from '../asl/types.js';
import type { MachineEnv } from './context.js';
import { isIntrinsicCall } from './intrinsics/intrinsics.js';
import { dynamicValues } from './jsonpath/templates.js';
import { parsePath } from './jsonpath/paths.js';

/**
 * Which states keep a thread's own value its own (StateNode.passesOwned). A JSONPath
 * ResultPath `$.name` copies its input and sets the result in the copy (AWS leaves the input
 * as it was), and the run loop remembers that copy (Frame.owned). While the states after it
 * only read their input, nothing else holds the copy, so the next such ResultPath may set its
 * result in it rather than copy it again: the output is the same, one copy fewer.
 *
 * Those states: a JSONPath Choice without Assign (it reads its input and passes it on), and a
 * JSONPath Task without Assign whose Parameters give the handler parts of the input, never
 * the input itself: every value a path of one or more members or indices from the input, or a
 * context path (`$$.Execution.Input` is the execution's input, never such a copy). Not in a
 * machine with Standard integrations, whose suspended executions keep their input as data.
 * Any other state (a Parallel's branches, a Map's iterations and a handler given the whole
 * input may all keep it) makes the run loop forget the copy.
 */
export function passesOwnedValue(type: string, def: Record<string, unknown>, language: QueryLanguage, machine: MachineEnv): boolean {
  if (language !== 'JSONPath' || machine.integrations !== null || 'Assign' in def) return false;
  if (type === 'Choice') return Array.isArray(def.Choices) && def.Choices.every((rule) => rule === null || typeof rule !== 'object' || !('Assign' in rule));
  if (type === 'Task') return 'Parameters' in def && givesOnlyParts(def.Parameters);
  return false;
}

/** Whether every value of a Parameters template is a part of the input (or of the context object), never the input itself. */
function givesOnlyParts(template: unknown): boolean {
  return dynamicValues(template).every((value) => {
    if (typeof value !== 'string' || isIntrinsicCall(value)) return false;
    let parsed;
    try {
      parsed = parsePath(value);
    } catch {
      return false;
    }
    if (parsed.segments === null) return false;
    return parsed.root === 'context' || (parsed.root === 'input' && parsed.segments.length > 0);
  });
}
