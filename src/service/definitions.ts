import { ProblemCodes, unescapePointerToken, type Problem } from '../asl/problems.js';
import { validate } from '../compile/validate/validate.js';
import { ServiceError } from './errors.js';
import { jsonFault } from './json-errors.js';
import type { StateMachineType, ValidateStateMachineDefinitionDiagnostic } from './types.js';

/**
 * A definition as AWS judges it at CreateStateMachine, UpdateStateMachine and
 * ValidateStateMachineDefinition: statemill's problems mapped onto AWS's diagnostic codes
 * (SCHEMA_VALIDATION_FAILED, INVALID_JSON_DESCRIPTION, …) and messages.
 */

/** Largest definition AWS accepts, in UTF-8 bytes (1 MiB). */
const maxDefinitionBytes = 1_048_576;

export type DefinitionVerdict = { ok: true; definition: Record<string, unknown> } | { ok: false; diagnostics: ValidateStateMachineDefinitionDiagnostic[] };

/**
 * Parses and validates a definition for a machine of `type`. The Standard-only integrations
 * (activities, `.sync`, `.waitForTaskToken`) are accepted for STANDARD machines, as AWS
 * accepts them; EXPRESS machines refuse them with AWS's message.
 */
export function judgeDefinition(text: string, type: StateMachineType): DefinitionVerdict {
  if (Buffer.byteLength(text, 'utf8') > maxDefinitionBytes) {
    return {
      ok: false,
      diagnostics: [
        {
          severity: 'ERROR',
          code: 'SCHEMA_VALIDATION_FAILED',
          message: `The definition exceeds the maximum size of ${maxDefinitionBytes} bytes`,
          location: '/',
        },
      ],
    };
  }
  // Blank text is no JSON document at all: AWS says so without a parser location.
  if (text.trim() === '') return { ok: false, diagnostics: [notAnObject] };
  let definition: unknown;
  try {
    definition = JSON.parse(text);
  } catch {
    const fault = jsonFault(text)!;
    return {
      ok: false,
      diagnostics: [{ severity: 'ERROR', code: 'INVALID_JSON_DESCRIPTION', message: `${fault.message}\n at ${fault.location}`, location: fault.location }],
    };
  }
  if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) return { ok: false, diagnostics: [notAnObject] };
  const problems = validate(definition).filter((p) => type === 'EXPRESS' || p.code !== ProblemCodes.UNSUPPORTED_INTEGRATION);
  if (problems.length === 0) return { ok: true, definition: definition as Record<string, unknown> };
  return { ok: false, diagnostics: diagnosticsOf(problems, definition) };
}

/** AWS's diagnostic for a definition that is blank or JSON other than an object (`null`, `[]`, `42`). */
const notAnObject: ValidateStateMachineDefinitionDiagnostic = Object.freeze({
  severity: 'ERROR',
  code: 'SCHEMA_VALIDATION_FAILED',
  message: 'Definition must be a valid JSON object',
}) as ValidateStateMachineDefinitionDiagnostic;

/** The InvalidDefinition refusal for a verdict's diagnostics, in AWS's format. */
export function invalidDefinition(diagnostics: readonly ValidateStateMachineDefinitionDiagnostic[]): ServiceError {
  const parts = diagnostics.map((d) => (d.code === 'INVALID_JSON_DESCRIPTION' ? `${d.code}: ${d.message}` : `${d.code}: ${d.message} at ${d.location ?? '/'}`));
  return new ServiceError('InvalidDefinition', `Invalid State Machine Definition: '${parts.join(', ')}'`);
}

/**
 * The order in which AWS lists a state machine's (or a branch's) missing fields: its schema's
 * order, `[States, StartAt]`; fields it has no order for follow, alphabetically.
 */
const requiredFieldOrder = ['States', 'StartAt'];

function requiredFieldRank(field: string): number {
  const rank = requiredFieldOrder.indexOf(field);
  return rank < 0 ? requiredFieldOrder.length : rank;
}

/** Missing fields at one place are listed together, as AWS lists them: `These fields are required: [States, StartAt]`. */
export function diagnosticsOf(problems: readonly Problem[], definition: unknown): ValidateStateMachineDefinitionDiagnostic[] {
  const required = new Map<string, string[]>();
  const out: ValidateStateMachineDefinitionDiagnostic[] = [];
  for (const p of problems) {
    const location = p.pointer === '' ? '/' : p.pointer;
    if (p.code === ProblemCodes.MISSING_FIELD) {
      const field = /needs (?:a |one of )?([A-Z]\w*)/.exec(p.message)?.[1];
      if (field !== undefined) {
        const fields = required.get(location);
        if (fields === undefined) {
          required.set(location, [field]);
          out.push({ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: '', location });
        } else fields.push(field);
        continue;
      }
    }
    if (p.code === ProblemCodes.QUERY_LANGUAGE && location.endsWith('/QueryLanguage')) {
      // AWS names the state, not its QueryLanguage field, and words it its own way.
      const state = location.slice(0, -'/QueryLanguage'.length);
      out.push({ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: jsonPathUnderJsonata, location: state });
      continue;
    }
    out.push({ severity: 'ERROR', code: codeOf(p), message: messageOf(p, definition), location });
  }
  for (const d of out) {
    const fields = d.message === '' ? required.get(d.location!) : undefined;
    if (fields !== undefined) {
      fields.sort((a, b) => requiredFieldRank(a) - requiredFieldRank(b) || (a < b ? -1 : a > b ? 1 : 0));
      d.message = `These fields are required: [${fields.join(', ')}]`;
    }
  }
  return out;
}

const jsonPathUnderJsonata = "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine";

function codeOf(p: Problem): string {
  switch (p.code) {
    case ProblemCodes.UNKNOWN_STATE:
      return p.pointer === '/StartAt' ? 'SCHEMA_VALIDATION_FAILED' : 'MISSING_TRANSITION_TARGET';
    case ProblemCodes.UNREACHABLE_STATE:
      return 'UNREACHABLE_STATE';
    case ProblemCodes.DUPLICATE_STATE:
      return 'DUPLICATE_STATE_NAME';
    case ProblemCodes.NO_TERMINAL_STATE:
      return 'MISSING_END_STATE';
    default:
      return 'SCHEMA_VALIDATION_FAILED';
  }
}

/** AWS lists the state types in this order when a Type is none of them (recorded). */
const unknownTypeMessage = "The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]";

/** AWS's wording where it is known; statemill's otherwise. */
function messageOf(p: Problem, definition: unknown): string {
  if (p.code === ProblemCodes.UNSUPPORTED_INTEGRATION) {
    const at = valueAt(definition, p.pointer);
    const resource = typeof at === 'string' ? at : undefined;
    if (resource !== undefined && /^arn:[^:]+:states:[^:]*:[^:]*:activity:/.test(resource)) return 'Express state machine does not support Activity ARN';
    const suffix = resource === undefined ? undefined : /\.(sync(?::2)?|waitForTaskToken)$/.exec(resource)?.[1];
    // AWS's message for .waitForTaskToken ends in a space (recorded); the one for .sync does not.
    if (suffix === 'waitForTaskToken') return "Express state machine does not support '.waitForTaskToken' service integration ";
    if (suffix !== undefined) return `Express state machine does not support '.${suffix}' service integration`;
  }
  if (p.code === ProblemCodes.UNKNOWN_FIELD) {
    const field = p.pointer.slice(p.pointer.lastIndexOf('/') + 1);
    return `Field "${unescapePointerToken(field)}" is not supported`;
  }
  if (p.code === ProblemCodes.UNKNOWN_STATE) {
    const target = /names '([^']*)'/.exec(p.message)?.[1];
    if (target !== undefined && p.pointer !== '/StartAt') return `Missing 'Next' target: ${target}`;
  }
  if (p.code === ProblemCodes.UNKNOWN_STATE_TYPE) return unknownTypeMessage;
  const at = valueAt(definition, p.pointer);
  if (Array.isArray(at) && at.length === 0) return 'Value cannot be empty';
  return p.message;
}

function valueAt(definition: unknown, pointer: string): unknown {
  let at: unknown = definition;
  for (const token of pointer.split('/').slice(1)) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[unescapePointerToken(token)];
  }
  return at;
}

/** Fields whose states nest other states: their variable references belong to those states. */
const nestingFields = new Set(['States', 'Branches', 'ItemProcessor', 'Iterator']);
const variableReference = /(?<![\w$])\$([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_]|\s*\()/g;

/**
 * The workflow variables each state reads, as DescribeStateMachine's `variableReferences`
 * lists them (state name → sorted names); undefined when no state reads one.
 */
export function variableReferences(definition: Record<string, unknown>): Record<string, string[]> | undefined {
  const found: Record<string, string[]> = {};
  collectStates(definition, found);
  return Object.keys(found).length > 0 ? found : undefined;
}

function collectStates(scope: unknown, found: Record<string, string[]>): void {
  if (scope === null || typeof scope !== 'object') return;
  const states = (scope as Record<string, unknown>).States;
  if (states === null || typeof states !== 'object') return;
  for (const [name, state] of Object.entries(states as Record<string, unknown>)) {
    if (state === null || typeof state !== 'object') continue;
    const names = new Set<string>();
    collectReferences(state, null, names);
    if (names.size > 0) found[name] = [...names].sort();
    const s = state as Record<string, unknown>;
    if (Array.isArray(s.Branches)) for (const branch of s.Branches) collectStates(branch, found);
    collectStates(s.ItemProcessor, found);
    collectStates(s.Iterator, found);
  }
}

function collectReferences(value: unknown, key: string | null, names: Set<string>): void {
  if (typeof value === 'string') {
    const jsonata = value.startsWith('{%') && value.endsWith('%}');
    const path = key !== null && (key.endsWith('.$') || key.endsWith('Path') || key === 'Variable');
    if (!jsonata && !path) return;
    for (const m of value.matchAll(variableReference)) if (m[1] !== 'states') names.add(m[1]!);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) collectReferences(item, key, names);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    if (key === null && nestingFields.has(k)) continue;
    collectReferences(v, k, names);
  }
}
