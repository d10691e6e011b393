import { AslError, StatesErrors, stateCause } from '../../run/errors.js';
import type { Frame } from '../../run/frame.js';
import { isPending, type RunState, type StateNode } from '../../run/state.js';
import { compileChoiceRule, type Predicate } from '../jsonpath/choice-rules.js';
import type { StateEnv } from '../context.js';
import { compileSelectPath } from '../jsonpath/io.js';
import { JsonataField, StatesScope } from '../jsonata/index.js';
import { compileCondition, compileOutcome, type Checked, type Outcome } from '../jsonata/state.js';
import { assignVariables, compileJsonPathAssign, type JsonPathAssign } from '../variables.js';

interface Branch {
  readonly test: Predicate;
  readonly next: StateNode;
  /** The rule's own Assign; when a rule matches, the state's Assign does not run. */
  readonly assign: JsonPathAssign | null;
}

function noChoiceMatched(frame: Frame): AslError {
  return new AslError(StatesErrors.NoChoiceMatched, stateCause(frame, 'No Choice rule matched and there is no Default.'));
}

/**
 * Choice: InputPath → first matching rule's Next (or Default) → OutputPath; the output is the
 * input. Assign (of the matching rule, or of the state on the Default path) reads the
 * effective input. JSONata rules test a Condition, and may have their own Output.
 */
export function compileChoice(def: Record<string, unknown>, env: StateEnv): RunState {
  if (env.queryLanguage === 'JSONata') return compileJsonataChoice(def, env);
  const inputPath = compileSelectPath(def.InputPath);
  const outputPath = compileSelectPath(def.OutputPath);
  const branches: Branch[] = (def.Choices as Record<string, unknown>[]).map((rule) => ({
    test: compileChoiceRule(rule),
    next: env.lookup(rule.Next as string),
    assign: 'Assign' in rule ? compileJsonPathAssign(rule.Assign) : null,
  }));
  const fallback = typeof def.Default === 'string' ? env.lookup(def.Default) : null;
  const fallbackAssign = 'Assign' in def ? compileJsonPathAssign(def.Assign) : null;
  if (fallbackAssign === null && branches.every((b) => b.assign === null)) {
    return function runChoice(input, frame) {
      const effective = inputPath(input, frame);
      for (let i = 0; i < branches.length; i++) {
        const branch = branches[i]!;
        if (branch.test(effective, frame)) {
          frame.next = branch.next;
          return outputPath(effective, frame);
        }
      }
      if (fallback === null) throw noChoiceMatched(frame);
      frame.next = fallback;
      return outputPath(effective, frame);
    };
  }
  function leave(effective: unknown, frame: Frame, next: StateNode, assign: JsonPathAssign | null): unknown {
    frame.next = next;
    if (assign === null) return outputPath(effective, frame);
    const values = assign.evaluate(effective, frame);
    const output = outputPath(effective, frame);
    assignVariables(frame, assign.names, values);
    return output;
  }
  return function runChoiceAndAssign(input, frame) {
    const effective = inputPath(input, frame);
    for (let i = 0; i < branches.length; i++) {
      const branch = branches[i]!;
      if (branch.test(effective, frame)) return leave(effective, frame, branch.next, branch.assign);
    }
    if (fallback === null) throw noChoiceMatched(frame);
    return leave(effective, frame, fallback, fallbackAssign);
  };
}

interface JsonataRule {
  readonly condition: Checked<boolean>;
  readonly next: StateNode;
  readonly outcome: Outcome;
}

/** JSONata Choice: rules' Conditions in order; the first true one's Output/Assign, else the state's own on the Default path. */
function compileJsonataChoice(def: Record<string, unknown>, env: StateEnv): RunState {
  const problems = env.machine.problems;
  const rules: JsonataRule[] = (def.Choices as Record<string, unknown>[]).map((rule, i) => {
    const rulePointer = `${env.pointer}/Choices/${i}`;
    return {
      condition: compileCondition(rule.Condition, new JsonataField('Condition', `${rulePointer}/Condition`), problems),
      next: env.lookup(rule.Next as string),
      outcome: compileOutcome(rule, rulePointer, problems),
    };
  });
  const fallback = typeof def.Default === 'string' ? env.lookup(def.Default) : null;
  const fallbackOutcome = compileOutcome(def, env.pointer, problems);

  function chooseFrom(first: number, scope: StatesScope): unknown {
    for (let i = first; i < rules.length; i++) {
      const rule = rules[i]!;
      const matched = rule.condition(scope);
      if (isPending(matched)) {
        return matched.then((m) => (m ? take(rule.next, rule.outcome, scope) : chooseFrom(i + 1, scope)));
      }
      if (matched) return take(rule.next, rule.outcome, scope);
    }
    if (fallback === null) throw noChoiceMatched(scope.frame);
    return take(fallback, fallbackOutcome, scope);
  }
  function take(next: StateNode, outcome: Outcome, scope: StatesScope): unknown {
    scope.frame.next = next;
    return outcome(scope, scope.input);
  }
  return function runJsonataChoice(input, frame) {
    return chooseFrom(0, new StatesScope(frame, input));
  };
}
