/**
 * Every problem a definition can have, with a stable code. Tests and callers match codes;
 * messages are for people and may be reworded.
 */
export const ProblemCodes = {
  NOT_AN_OBJECT: 'ERR_ASL_NOT_AN_OBJECT',
  MISSING_FIELD: 'ERR_ASL_MISSING_FIELD',
  UNKNOWN_FIELD: 'ERR_ASL_UNKNOWN_FIELD',
  FIELD_TYPE: 'ERR_ASL_FIELD_TYPE',
  FIELD_VALUE: 'ERR_ASL_FIELD_VALUE',
  EXCLUSIVE_FIELDS: 'ERR_ASL_EXCLUSIVE_FIELDS',
  UNKNOWN_STATE: 'ERR_ASL_UNKNOWN_STATE',
  UNKNOWN_STATE_TYPE: 'ERR_ASL_UNKNOWN_STATE_TYPE',
  STATE_NAME: 'ERR_ASL_STATE_NAME',
  DUPLICATE_STATE: 'ERR_ASL_DUPLICATE_STATE',
  NEXT_AND_END: 'ERR_ASL_NEXT_AND_END',
  NO_TRANSITION: 'ERR_ASL_NO_TRANSITION',
  UNREACHABLE_STATE: 'ERR_ASL_UNREACHABLE_STATE',
  PATH_SYNTAX: 'ERR_ASL_PATH_SYNTAX',
  REFERENCE_PATH_SYNTAX: 'ERR_ASL_REFERENCE_PATH_SYNTAX',
  INTRINSIC_SYNTAX: 'ERR_ASL_INTRINSIC_SYNTAX',
  TEMPLATE_KEY: 'ERR_ASL_TEMPLATE_KEY',
  CHOICE_RULE: 'ERR_ASL_CHOICE_RULE',
  ERROR_EQUALS: 'ERR_ASL_ERROR_EQUALS',
  TIMESTAMP: 'ERR_ASL_TIMESTAMP',
  UNSUPPORTED_INTEGRATION: 'ERR_ASL_UNSUPPORTED_INTEGRATION',
  NO_HANDLER: 'ERR_ASL_NO_HANDLER',
  QUERY_LANGUAGE: 'ERR_ASL_QUERY_LANGUAGE',
  JSONATA_SYNTAX: 'ERR_ASL_JSONATA_SYNTAX',
  JSONATA_TOP_LEVEL_REFERENCE: 'ERR_ASL_JSONATA_TOP_LEVEL_REFERENCE',
  JSONATA_VERSION: 'ERR_ASL_JSONATA_VERSION',
  JSONATA_REGEX: 'ERR_ASL_JSONATA_REGEX',
  JSONATA_STATES_FIELD: 'ERR_ASL_JSONATA_STATES_FIELD',
  VARIABLE_NAME: 'ERR_ASL_VARIABLE_NAME',
  NO_TERMINAL_STATE: 'ERR_ASL_NO_TERMINAL_STATE',
  NESTING_TOO_DEEP: 'ERR_ASL_NESTING_TOO_DEEP',
  DEFINITION_TOO_LARGE: 'ERR_ASL_DEFINITION_TOO_LARGE',
  NOT_JSON_DATA: 'ERR_ASL_NOT_JSON_DATA',
} as const;

export type ProblemCode = (typeof ProblemCodes)[keyof typeof ProblemCodes];

export interface Problem {
  /** Stable code, e.g. ERR_ASL_UNKNOWN_STATE. */
  code: ProblemCode;
  /** JSON pointer (RFC 6901) into the definition, e.g. /States/Check/Next. */
  pointer: string;
  message: string;
}

/** Thrown by compile(): one error carrying every problem found in the definition. */
export class DefinitionError extends Error {
  override readonly name = 'DefinitionError';
  readonly code = 'ERR_ASL_INVALID_DEFINITION';
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    const head = problems.slice(0, 5).map((p) => `  ${p.pointer || '/'}: ${p.message} (${p.code})`);
    const more = problems.length > 5 ? [`  … and ${problems.length - 5} more`] : [];
    super(`Invalid state machine definition (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${[...head, ...more].join('\n')}`);
    this.problems = problems;
  }
}

/** The reference token an escaped JSON pointer token stands for (RFC 6901: `~1` is `/`, `~0` is `~`). */
export function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The last reference token of a JSON pointer, unescaped: the state name of a state's pointer. */
export function lastPointerToken(pointer: string): string {
  return unescapePointerToken(pointer.slice(pointer.lastIndexOf('/') + 1));
}

/** Appends one reference token to a JSON pointer, escaping as RFC 6901 requires. */
export function pointerTo(base: string, token: string | number): string {
  const text = String(token);
  if (!text.includes('~') && !text.includes('/')) return `${base}/${text}`;
  return `${base}/${text.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}
