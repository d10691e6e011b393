import { catcherFields, retrierFields } from '../../asl/fields.js';
import { hasOwn, isObject } from '../../json.js';
import { ProblemCodes, pointerTo } from '../../asl/problems.js';
import { checkFields } from './fields.js';
import { describe } from './messages.js';
import type { Site, Validation } from './walk.js';

/** Retry and Catch: retriers, catchers and their ErrorEquals. */

export function checkRetry(v: Validation, site: Site, value: unknown, at: string): void {
  if (!Array.isArray(value)) {
    v.report(ProblemCodes.FIELD_TYPE, at, `Retry must be an array of retriers; found ${describe(value)}`);
    return;
  }
  for (let i = 0; i < value.length; i++) {
    const retrier = value[i];
    const retrierAt = pointerTo(at, i);
    if (!isObject(retrier)) {
      v.report(ProblemCodes.FIELD_TYPE, retrierAt, `a retrier must be an object; found ${describe(retrier)}`);
      continue;
    }
    checkFields(v, site, retrier, retrierAt, retrierFields, 'a retrier');
    checkErrorHandler(v, retrier, retrierAt, i === value.length - 1, 'retrier');
  }
}

export function checkCatch(v: Validation, site: Site, value: unknown, at: string): void {
  if (!Array.isArray(value)) {
    v.report(ProblemCodes.FIELD_TYPE, at, `Catch must be an array of catchers; found ${describe(value)}`);
    return;
  }
  for (let i = 0; i < value.length; i++) {
    const catcher = value[i];
    const catcherAt = pointerTo(at, i);
    if (!isObject(catcher)) {
      v.report(ProblemCodes.FIELD_TYPE, catcherAt, `a catcher must be an object; found ${describe(catcher)}`);
      continue;
    }
    checkFields(v, site, catcher, catcherAt, catcherFields, 'a catcher');
    checkErrorHandler(v, catcher, catcherAt, i === value.length - 1, 'catcher');
    if (!hasOwn(catcher, 'Next')) v.report(ProblemCodes.MISSING_FIELD, catcherAt, 'a catcher needs a Next: the state to go to when it catches');
  }
}

/** ErrorEquals is required, and States.ALL may only appear in the last retrier or catcher. */
function checkErrorHandler(v: Validation, handler: Record<string, unknown>, at: string, last: boolean, what: string): void {
  if (!hasOwn(handler, 'ErrorEquals')) {
    v.report(ProblemCodes.MISSING_FIELD, at, `a ${what} needs ErrorEquals, the error names it handles`);
    return;
  }
  const names = handler.ErrorEquals;
  if (!last && Array.isArray(names) && names.includes('States.ALL')) {
    v.report(ProblemCodes.ERROR_EQUALS, pointerTo(at, 'ErrorEquals'), `States.ALL must be in the last ${what}: no ${what} after it could ever match`);
  }
}

export function checkErrorEquals(v: Validation, value: unknown, at: string): void {
  if (!Array.isArray(value)) {
    v.report(ProblemCodes.FIELD_TYPE, at, `ErrorEquals must be an array of error names; found ${describe(value)}`);
    return;
  }
  if (value.length === 0) {
    v.report(ProblemCodes.ERROR_EQUALS, at, 'ErrorEquals must name at least one error');
    return;
  }
  for (let i = 0; i < value.length; i++) {
    const name = value[i];
    if (typeof name !== 'string') {
      v.report(ProblemCodes.ERROR_EQUALS, pointerTo(at, i), `error names are strings; found ${describe(name)}`);
    } else if (name === 'States.ALL' && value.length > 1) {
      v.report(ProblemCodes.ERROR_EQUALS, pointerTo(at, i), 'States.ALL matches every error, so it must be alone in its ErrorEquals');
    }
  }
}
