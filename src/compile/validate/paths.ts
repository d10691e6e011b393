import { ProblemCodes } from '../../asl/problems.js';
import { checkIntrinsic, isIntrinsicCall } from '../intrinsics/intrinsics.js';
import { parsePath, parseReferencePath, type ParsedPath } from '../jsonpath/paths.js';
import { describe, errorMessage, shown } from './messages.js';
import type { Validation } from './walk.js';

/** JSONPath-language path fields, checked by compile's path and intrinsic parsers. */

type ParseResult = ParsedPath | string;

/** The parsed path, or the parser's message. */
export function parseWith(parse: (text: string) => ParsedPath, text: string): ParseResult {
  try {
    return parse(text);
  } catch (error) {
    return errorMessage(error);
  }
}

/** The intrinsic checker's message, or null when the call is well formed. */
export function intrinsicError(text: string): string | null {
  try {
    checkIntrinsic(text);
    return null;
  } catch (error) {
    return errorMessage(error);
  }
}

/** InputPath and OutputPath: a Path, or null. */
export function checkPathField(v: Validation, key: string, value: unknown, at: string): void {
  if (value === null) return;
  if (typeof value !== 'string') {
    v.report(ProblemCodes.FIELD_TYPE, at, `${key} must be a path string or null; found ${describe(value)}`);
    return;
  }
  const parsed = parseWith(parsePath, value);
  if (typeof parsed === 'string') v.report(ProblemCodes.PATH_SYNTAX, at, `${key} '${shown(value)}' is not a valid path: ${parsed}`);
}

/** ResultPath: a Reference Path into the state's input, or null; never the context object nor a variable. */
export function checkResultPath(v: Validation, key: string, value: unknown, at: string): void {
  if (value === null) return;
  if (typeof value !== 'string') {
    v.report(ProblemCodes.FIELD_TYPE, at, `${key} must be a reference path string or null; found ${describe(value)}`);
    return;
  }
  const parsed = parseWith(parseReferencePath, value);
  if (typeof parsed === 'string') {
    v.report(ProblemCodes.REFERENCE_PATH_SYNTAX, at, `${key} '${shown(value)}' is not a valid reference path: ${parsed}`);
  } else if (parsed.root === 'context') {
    v.report(ProblemCodes.FIELD_VALUE, at, `${key} '${shown(value)}' points into the context object; a result can only be placed in the state's input ($…)`);
  } else if (parsed.root === 'variable') {
    v.report(
      ProblemCodes.FIELD_VALUE,
      at,
      `${key} '${shown(value)}' names a variable; a result can only be placed in the state's input ($…), use Assign to set variables`,
    );
  }
}

/**
 * The intrinsics a Fail state's ErrorPath/CausePath may call, as AWS's guide lists them ("Fail
 * workflow state"): those that return a string. Their arguments may call any intrinsic.
 */
const STRING_INTRINSICS = [
  'States.Format',
  'States.JsonToString',
  'States.ArrayGetItem',
  'States.Base64Encode',
  'States.Base64Decode',
  'States.Hash',
  'States.UUID',
];

/** ItemsPath and the `…Path` fields of Task, Wait and Map; Fail's ErrorPath/CausePath may also be an intrinsic call. */
export function checkReferencePathField(v: Validation, key: string, value: unknown, at: string, intrinsicAllowed: boolean): void {
  if (typeof value !== 'string') {
    v.report(ProblemCodes.FIELD_TYPE, at, `${key} must be a reference path string; found ${describe(value)}`);
    return;
  }
  if (intrinsicAllowed && isIntrinsicCall(value)) {
    const error = intrinsicError(value);
    const name = value.slice(0, value.indexOf('('));
    if (error !== null) v.report(ProblemCodes.INTRINSIC_SYNTAX, at, `${key} '${shown(value)}' is not a valid intrinsic function call: ${error}`);
    else if (!STRING_INTRINSICS.includes(name)) {
      v.report(
        ProblemCodes.FIELD_VALUE,
        at,
        `${key} '${shown(value)}' calls ${name}, which ${key} does not take: it takes a reference path or a call of ${STRING_INTRINSICS.join(', ')}`,
      );
    }
    return;
  }
  const parsed = parseWith(parseReferencePath, value);
  if (typeof parsed === 'string') {
    v.report(ProblemCodes.REFERENCE_PATH_SYNTAX, at, `${key} '${shown(value)}' is not a valid reference path: ${parsed}`);
  }
}
