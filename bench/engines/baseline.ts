import type { BenchWorkflow } from '../workflow.js';
import { Unsupported, type Subject } from './subject.js';

/** The hand-written implementation: plain synchronous calls of the same handlers. */
export function baselineSubject(workflow: BenchWorkflow): Subject | Unsupported {
  const baseline = workflow.baseline;
  if (baseline === null) return new Unsupported('baseline', 'no hand-written baseline for this workflow');
  return {
    engine: 'baseline',
    note: 'the same handlers called by plain code',
    run: baseline,
    outcome: (input) => Promise.resolve(baseline(input)),
    close: () => Promise.resolve(),
  };
}
