import { validate } from '../../compile/validate/validate.js';
import { pointerTo, ProblemCodes } from '../../asl/problems.js';
import { languageOf } from '../../asl/query-language.js';
import type { QueryLanguage } from '../../asl/types.js';
import { diagnosticsOf, invalidDefinition as apiInvalidDefinition } from '../definitions.js';
import { ServiceError } from '../errors.js';
import { isObject } from '../../json.js';

/** The name AWS gives a state tested on its own (its definition pointers read /States/StateName). */
export const SINGLE_STATE_NAME = 'StateName';

/** The state under test, found in the request's definition. */
export interface StateUnderTest {
  readonly name: string;
  readonly def: Record<string, unknown>;
  readonly type: string;
  readonly queryLanguage: QueryLanguage;
  /** JSON pointer of the state in the definition that was validated. */
  readonly pointer: string;
}

/**
 * Reads the request's definition: one state, or a whole state machine and the name of the
 * state to test (which may sit inside a Parallel branch or a Map processor). Refuses what AWS
 * refuses: text that is not a JSON object, a state that is not there, a definition that
 * does not validate.
 */
export function stateUnderTest(definitionText: unknown, stateName: string | undefined): StateUnderTest {
  if (typeof definitionText !== 'string')
    throw new ServiceError('ValidationException', "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must not be null");
  let parsed: unknown;
  try {
    parsed = JSON.parse(definitionText);
  } catch (error) {
    throw invalidDefinition('INVALID_JSON_DESCRIPTION', `${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw invalidDefinition('SCHEMA_VALIDATION_FAILED', 'The definition must be a JSON object');
  const definition = parsed as Record<string, unknown>;
  if (stateName === undefined) {
    const machine = { StartAt: SINGLE_STATE_NAME, States: { [SINGLE_STATE_NAME]: definition, ...targetStubs(definition) } };
    refuseProblems(machine);
    return {
      name: SINGLE_STATE_NAME,
      def: definition,
      type: definition.Type as string,
      queryLanguage: languageOf(definition, 'JSONPath'),
      pointer: `/States/${SINGLE_STATE_NAME}`,
    };
  }
  if (!('States' in definition)) throw new ServiceError('ValidationException', 'State not found in definition');
  const topLanguage = languageOf(definition, 'JSONPath');
  const found = findState(definition, stateName, '');
  if (found === null) throw new ServiceError('ValidationException', 'State not found in definition');
  refuseProblems(definition);
  return { name: stateName, def: found.def, type: found.def.Type as string, queryLanguage: languageOf(found.def, topLanguage), pointer: found.pointer };
}

/** The named state in a States block or any block nested in it (Parallel branches, Map processors). */
function findState(block: Record<string, unknown>, name: string, pointer: string): { def: Record<string, unknown>; pointer: string } | null {
  const states = block.States;
  if (states === null || typeof states !== 'object') return null;
  const entries = states as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(entries, name) && isObject(entries[name]))
    return { def: entries[name] as Record<string, unknown>, pointer: pointerTo(`${pointer}/States`, name) };
  for (const [stateName, value] of Object.entries(entries)) {
    if (!isObject(value)) continue;
    const state = value as Record<string, unknown>;
    const here = pointerTo(`${pointer}/States`, stateName);
    for (const key of ['ItemProcessor', 'Iterator']) {
      if (isObject(state[key])) {
        const inner = findState(state[key] as Record<string, unknown>, name, `${here}/${key}`);
        if (inner !== null) return inner;
      }
    }
    if (Array.isArray(state.Branches)) {
      for (let i = 0; i < state.Branches.length; i++) {
        if (!isObject(state.Branches[i])) continue;
        const inner = findState(state.Branches[i] as Record<string, unknown>, name, `${here}/Branches/${i}`);
        if (inner !== null) return inner;
      }
    }
  }
  return null;
}

/**
 * A state tested alone may name states that are not there (Next, Default, a Choice rule's or
 * a catcher's Next): each becomes a Succeed state, so the definition validates as AWS's does.
 */
function targetStubs(def: Record<string, unknown>): Record<string, unknown> {
  const names = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string' && value !== SINGLE_STATE_NAME) names.add(value);
  };
  add(def.Next);
  add(def.Default);
  for (const key of ['Choices', 'Catch']) {
    const list = def[key];
    if (Array.isArray(list)) for (const rule of list) if (isObject(rule)) add((rule as Record<string, unknown>).Next);
  }
  const stubs: Record<string, unknown> = {};
  for (const name of names) stubs[name] = { Type: 'Succeed' };
  return stubs;
}

/**
 * Problems that refuse the request, worded as the API words a definition's diagnostics
 * (AWS validates both alike). `.sync`, `.waitForTaskToken`, activities, ItemReader and
 * ResultWriter are fine here: TestState runs one step, mocked or through a handler.
 */
function refuseProblems(machine: Record<string, unknown>): void {
  const problems = validate(machine).filter((p) => p.code !== ProblemCodes.UNSUPPORTED_INTEGRATION);
  if (problems.length === 0) return;
  throw apiInvalidDefinition(diagnosticsOf([problems[0]!], machine));
}

function invalidDefinition(code: string, detail: string): ServiceError {
  return new ServiceError('InvalidDefinition', `Invalid State Machine Definition: '${code}: ${detail}'`);
}
