import { ProblemCodes, pointerTo } from '../../asl/problems.js';
import type { QueryLanguage } from '../../asl/types.js';
import { hasOwn, isObject } from '../../json.js';
import { isIntrinsicCall } from '../intrinsics/intrinsics.js';
import { parsePath } from '../jsonpath/paths.js';
import { describe, shown } from './messages.js';
import { intrinsicError, parseWith } from './paths.js';
import { MAX_NAME_LENGTH } from './values.js';
import { characterCount } from '../../run/characters.js';
import type { Validation } from './walk.js';

/** Payload templates and Assign: their `key.$` entries hold paths or intrinsic calls. */

/** Parameters, ResultSelector, ItemSelector, Credentials, Arguments: a template in JSONPath, opaque JSON in JSONata. */
export function checkPayloadTemplate(v: Validation, language: QueryLanguage, key: string, value: unknown, at: string): void {
  if (!isObject(value)) {
    const expected = language === 'JSONata' ? 'an object or a JSONata expression' : 'an object';
    v.report(ProblemCodes.FIELD_TYPE, at, `${key} must be ${expected}; found ${describe(value)}`);
    return;
  }
  if (language === 'JSONPath') checkTemplateObject(v, value, at);
}

/** A Task's Credentials: a template naming the role to assume, RoleArn (or RoleArn.$ in JSONPath), as AWS requires. */
export function checkCredentials(v: Validation, language: QueryLanguage, value: unknown, at: string): void {
  checkPayloadTemplate(v, language, 'Credentials', value, at);
  if (!isObject(value) || hasOwn(value, 'RoleArn') || (language === 'JSONPath' && hasOwn(value, 'RoleArn.$'))) return;
  const accepted = language === 'JSONPath' ? "'RoleArn' (or 'RoleArn.$' with a path)" : "'RoleArn'";
  v.report(ProblemCodes.MISSING_FIELD, at, `Credentials needs ${accepted}: the ARN of the IAM role to assume`);
}

/**
 * A state's Parameters (JSONPath): a template object, or an array of templates. The ASL
 * specification asks for an object; AWS also takes an array (public samples deploy such
 * definitions), whose items are evaluated as templates.
 */
export function checkParametersTemplate(v: Validation, key: string, value: unknown, at: string): void {
  if (Array.isArray(value) || isObject(value)) checkTemplateValue(v, value, at);
  else v.report(ProblemCodes.FIELD_TYPE, at, `${key} must be an object or an array; found ${describe(value)}`);
}

function checkTemplateValue(v: Validation, value: unknown, at: string): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) checkTemplateValue(v, value[i], pointerTo(at, i));
  } else if (isObject(value)) {
    checkTemplateObject(v, value, at);
  }
}

function checkTemplateObject(v: Validation, template: Record<string, unknown>, at: string): void {
  for (const key of Object.keys(template)) {
    const keyAt = pointerTo(at, key);
    if (key.endsWith('.$')) {
      reportDuplicateTemplateKey(v, template, key, keyAt);
      checkDynamicValue(v, key, template[key], keyAt);
    } else {
      checkTemplateValue(v, template[key], keyAt);
    }
  }
}

/** `a.$` and `a` would both produce `a`. */
function reportDuplicateTemplateKey(v: Validation, template: Record<string, unknown>, key: string, at: string): void {
  const plain = key.slice(0, -2);
  if (hasOwn(template, plain)) {
    v.report(ProblemCodes.TEMPLATE_KEY, at, `'${shown(key)}' and '${shown(plain)}' would both produce the field '${shown(plain)}'`);
  }
}

/** The value of a `key.$` entry: a Path (`$…`, `$$…`, `$var…`) or an intrinsic function call. */
function checkDynamicValue(v: Validation, key: string, value: unknown, at: string): void {
  if (typeof value !== 'string') {
    v.report(
      ProblemCodes.TEMPLATE_KEY,
      at,
      `'${shown(key)}' ends in '.$', so its value must be a path or an intrinsic function call, as a string; found ${describe(value)}`,
    );
  } else if (value.trimStart().startsWith('$')) {
    const parsed = parseWith(parsePath, value);
    if (typeof parsed === 'string') v.report(ProblemCodes.PATH_SYNTAX, at, `'${shown(key)}' holds '${shown(value)}', which is not a valid path: ${parsed}`);
  } else if (isIntrinsicCall(value)) {
    const error = intrinsicError(value);
    if (error !== null) {
      v.report(ProblemCodes.INTRINSIC_SYNTAX, at, `'${shown(key)}' holds '${shown(value)}', which is not a valid intrinsic function call: ${error}`);
    }
  } else {
    v.report(
      ProblemCodes.PATH_SYNTAX,
      at,
      `'${shown(key)}' ends in '.$', so its value must be a path starting with '$' or an intrinsic function call such as States.Format(…); found '${shown(value)}'`,
    );
  }
}

const variableName = /^[\p{ID_Start}_][\p{ID_Continue}$\u200c\u200d]*$/u;

/** Assign: variable names to values; in JSONPath, `name.$` keys hold paths or intrinsic calls and values are templates. */
export function checkAssign(v: Validation, language: QueryLanguage, value: unknown, at: string): void {
  if (!isObject(value)) {
    v.report(ProblemCodes.FIELD_TYPE, at, `Assign must be an object of variable names; found ${describe(value)}`);
    return;
  }
  for (const key of Object.keys(value)) {
    const keyAt = pointerTo(at, key);
    const dynamic = language === 'JSONPath' && key.endsWith('.$');
    checkVariableName(v, dynamic ? key.slice(0, -2) : key, keyAt);
    if (language === 'JSONata') continue;
    if (dynamic) {
      reportDuplicateTemplateKey(v, value, key, keyAt);
      checkDynamicValue(v, key, value[key], keyAt);
    } else {
      checkTemplateValue(v, value[key], keyAt);
    }
  }
}

function checkVariableName(v: Validation, name: string, at: string): void {
  if (name === 'states') {
    v.report(ProblemCodes.VARIABLE_NAME, at, "'states' is reserved (JSONata reads $states) and cannot be assigned");
  } else if (characterCount(name) > MAX_NAME_LENGTH) {
    v.report(ProblemCodes.VARIABLE_NAME, at, `variable names are at most ${MAX_NAME_LENGTH} characters; '${shown(name)}' has ${characterCount(name)}`);
  } else if (!variableName.test(name)) {
    v.report(
      ProblemCodes.VARIABLE_NAME,
      at,
      `'${shown(name)}' is not a variable name: it must be an identifier (a letter or '_', then letters, digits or '_'), with no '.' or other sub-path`,
    );
  }
}
