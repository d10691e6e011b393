import { AslError, StatesErrors, stateCause } from '../../run/errors.js';
import type { RunState, StateNode } from '../../run/state.js';
import { compileChoiceRule, type Predicate } from '../choice-rules.js';
import type { StateEnv } from '../context.js';
import { compileSelectPath } from '../io.js';

interface Branch {
  readonly test: Predicate;
  readonly next: StateNode;
}

/** Choice: InputPath → first matching rule's Next (or Default) → OutputPath; the output is the input. */
export function compileChoice(def: Record<string, unknown>, env: StateEnv): RunState {
  const inputPath = compileSelectPath(def.InputPath);
  const outputPath = compileSelectPath(def.OutputPath);
  const branches: Branch[] = (def.Choices as Record<string, unknown>[]).map((rule) => ({
    test: compileChoiceRule(rule),
    next: env.lookup(rule.Next as string),
  }));
  const fallback = typeof def.Default === 'string' ? env.lookup(def.Default) : null;
  return function runChoice(input, frame) {
    const effective = inputPath(input, frame);
    for (let i = 0; i < branches.length; i++) {
      const branch = branches[i]!;
      if (branch.test(effective, frame)) {
        frame.next = branch.next;
        return outputPath(effective, frame);
      }
    }
    if (fallback === null) {
      throw new AslError(StatesErrors.NoChoiceMatched, stateCause(frame, 'No Choice rule matched and there is no Default.'));
    }
    frame.next = fallback;
    return outputPath(effective, frame);
  };
}
