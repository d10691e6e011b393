import { choiceRuleFields, type FieldSpec } from '../../asl/fields.js';
import { hasOwn, isObject, setOwn } from '../../json.js';
import { ProblemCodes, pointerTo, type Problem } from '../../asl/problems.js';
import { checkChoiceRule, choiceOperators } from '../jsonpath/choice-rules.js';
import { checkFields, reportUnknownField } from './fields.js';
import { describe, errorMessage, problem } from './messages.js';
import type { Site, Validation } from './walk.js';

/**
 * A Choice state's rules: their Next, Assign, Output and Condition are checked here, a JSONPath
 * rule's test by compile/jsonpath/choice-rules.
 */

const jsonPathRuleKeys = new Set(['Variable', 'And', 'Or', 'Not', ...choiceOperators]);

export function checkChoices(v: Validation, site: Site, value: unknown, at: string): void {
  if (!Array.isArray(value)) {
    v.report(ProblemCodes.FIELD_TYPE, at, `Choices must be an array of rules; found ${describe(value)}`);
    return;
  }
  if (value.length === 0) v.report(ProblemCodes.FIELD_VALUE, at, 'Choices must hold at least one rule');
  for (let i = 0; i < value.length; i++) checkTopLevelRule(v, site, value[i], pointerTo(at, i));
}

/**
 * A top-level rule: its Next, Assign, Output and Condition are checked here; in JSONPath its test
 * (Variable and an operator, or And/Or/Not, nested at any depth) goes to compile/jsonpath/choice-rules.
 */
function checkTopLevelRule(v: Validation, site: Site, rule: unknown, at: string): void {
  if (site.language === 'JSONPath') {
    for (const found of checkRuleTest(rule, at)) v.problems.push(found);
  }
  if (!isObject(rule)) {
    if (site.language === 'JSONata') v.report(ProblemCodes.FIELD_TYPE, at, `a Choice rule must be an object; found ${describe(rule)}`);
    return;
  }
  checkFields(v, site, rule, at, choiceRuleFields, 'a Choice rule', reportRuleTestField);
  if (!hasOwn(rule, 'Next')) v.report(ProblemCodes.MISSING_FIELD, at, 'each Choice rule needs a Next: the state to go to when it matches');
  if (site.language === 'JSONata' && !hasOwn(rule, 'Condition')) {
    v.report(ProblemCodes.MISSING_FIELD, at, 'a JSONata Choice rule needs a Condition');
  }
}

/** A field beside Next, Assign, Output and Condition: in JSONPath the rule's test, checked by compile/jsonpath/choice-rules. */
function reportRuleTestField(v: Validation, site: Site, key: string, at: string, fields: ReadonlyMap<string, FieldSpec>, owner: string): void {
  if (site.language === 'JSONPath') return;
  if (jsonPathRuleKeys.has(key)) {
    v.report(ProblemCodes.QUERY_LANGUAGE, at, `${key} is only supported with QueryLanguage JSONPath, and this is JSONata; use Condition`);
  } else {
    reportUnknownField(v, site, key, at, fields, owner);
  }
}

/** The problems compile/jsonpath/choice-rules finds in a rule's test, leaving out the fields this module checks. */
function checkRuleTest(rule: unknown, at: string): Problem[] {
  try {
    return checkChoiceRule(isObject(rule) ? withoutRuleFields(rule) : rule, at);
  } catch (error) {
    return [problem(ProblemCodes.CHOICE_RULE, at, `this Choice rule could not be checked: ${errorMessage(error)}`)];
  }
}

function withoutRuleFields(rule: Record<string, unknown>): Record<string, unknown> {
  if (!hasOwn(rule, 'Condition') && !hasOwn(rule, 'Output') && !hasOwn(rule, 'Comment')) return rule;
  const test: Record<string, unknown> = {};
  for (const key of Object.keys(rule)) {
    if (key === 'Condition' || key === 'Output' || key === 'Comment') continue;
    setOwn(test, key, rule[key]);
  }
  return test;
}
