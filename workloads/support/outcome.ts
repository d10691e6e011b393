import type { Outcome } from '../types.js';

/** A handler's error as the execution's failure (the baselines catch nothing else). */
export function workflowErrorOutcome(thrown: unknown): Outcome {
  if (thrown instanceof Error) return { status: 'FAILED', error: thrown.name, cause: thrown.message };
  throw thrown;
}
